"""A company's Fortnox connection as the user sees it: connect, disconnect, and its state now.

The parts (settings, token store, OAuth, listener, API client) are wired here once, so the CLI, the
app and the tests connect the same way. Each connect and disconnect goes to the activity log.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx

from core import activity
from core.config import Settings
from core.errors import BokslutError
from core.fortnox.client import FortnoxClient
from core.fortnox.listener import Announcement, wait_for_code
from core.fortnox.oauth import (
    TokenSet,
    authorization_request,
    client_credentials,
    exchange_code,
    missing_scopes,
    revoke,
    scope_warning,
)
from core.fortnox.session import Authorizer, connection_state, disconnect
from core.fortnox.settings import FortnoxSettings, fortnox_settings
from core.fortnox.throttle import Budget, shared_budget, shared_limiter
from core.fortnox.tokens import StoredToken, StoreKind, TokenStore, open_token_store, token_key
from core.store.models import Company
from core.store.orgnr import format_org_number, normalise_org_number


class FortnoxCompanyMismatch(BokslutError):
    """Data from another company must never land in this one, so connect and import stop before writing."""

    key = "fortnox_company_mismatch"

    def __init__(self, company: Company, fortnox_name: str, fortnox_org: str) -> None:
        params = {
            "fortnox_name": fortnox_name, "fortnox_org": format_org_number(fortnox_org),
            "company": company.name, "org": format_org_number(company.org_number or ""),
        }  # fmt: skip
        super().__init__(
            f"the Fortnox company {fortnox_name} has organisation number {params['fortnox_org'] or 'none'}, "
            f"but {company.name} is {params['org']}; nothing was changed. "
            "Connect again and choose the right company in Fortnox.",
            params=params,
        )


@dataclass(frozen=True, slots=True)
class FortnoxCompany:
    name: str
    org_number: str  # ten digits
    tenant: int | None  # DatabaseNumber


@dataclass(frozen=True, slots=True)
class ConnectResult:
    company: FortnoxCompany
    store_kind: StoreKind
    days_left: int
    warning: str | None  # scopes Fortnox did not grant
    missing_scopes: tuple[str, ...] = ()  # the same, by name
    service_account: bool = False  # consent until revoked in Fortnox: days_left does not apply


@dataclass(slots=True)
class FortnoxLink:
    """One import's or export's way to Fortnox: the renewed token and one API client."""

    fortnox: FortnoxSettings
    store: TokenStore
    client: FortnoxClient


def _parts(settings: Settings, company: Company) -> tuple[FortnoxSettings, TokenStore, str]:
    fortnox = fortnox_settings(settings)
    fortnox.require_client()
    if not company.org_number:
        raise BokslutError(
            f"{company.name} has no organisation number; Fortnox is checked against it",
            key="fortnox_no_org_number", params={"company": company.name},
        )
    return fortnox, open_token_store(settings, fortnox), token_key(company.org_number)


def _budget(settings: Settings, fortnox: FortnoxSettings, key: str) -> Budget:
    """Fortnox's rate budget for this client and tenant, shared by every bokslut on this store."""
    return shared_budget(settings.store, settings.data_dir, fortnox.api_url, fortnox.client_id, key)


@asynccontextmanager
async def open_link(
    settings: Settings, company: Company, *, transport: httpx.AsyncBaseTransport | None = None
) -> AsyncIterator[FortnoxLink]:
    """The first request renews the connection (a token refresh), as the product promises for every import and export."""
    fortnox, store, key = _parts(settings, company)
    async with httpx.AsyncClient(transport=transport, timeout=30.0) as http:
        authorizer = Authorizer(fortnox, store, key, settings.data_dir / f"{key.replace(':', '-')}.lock", http)
        limiter = shared_limiter(fortnox.api_url, key, _budget(settings, fortnox, key))
        async with FortnoxClient(fortnox.api_url, authorizer, transport=transport, limiter=limiter, tenant_key=key) as client:
            yield FortnoxLink(fortnox, store, client)


async def fortnox_company(client: FortnoxClient) -> FortnoxCompany:
    info = (await client.get_json("/companyinformation"))["CompanyInformation"]
    text = str(info.get("OrganizationNumber") or "")
    try:
        digits = normalise_org_number(text)
    except ValueError:
        digits = "".join(ch for ch in text if ch.isdigit())
    tenant = info.get("DatabaseNumber")
    return FortnoxCompany(str(info.get("CompanyName") or ""), digits, int(tenant) if tenant is not None else None)


def require_same_company(company: Company, found: FortnoxCompany) -> None:
    if found.org_number != company.org_number:
        raise FortnoxCompanyMismatch(company, found.name, found.org_number)


class _Fixed:
    """The token set a connect just obtained, for the one check before it is kept."""

    def __init__(self, tokens: TokenSet) -> None:
        self._tokens = tokens

    async def access_token(self) -> str:
        return self._tokens.access_token

    async def refreshed_access_token(self) -> str:
        return self._tokens.access_token


async def connect_company(
    settings: Settings,
    company: Company,
    *,
    pasted: AsyncIterator[str] | None,
    on_url: Callable[[str], None],
    on_listening: Callable[[Announcement], None] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    service_account: bool = False,
    tenant_id: int | None = None,
) -> ConnectResult:
    """Consent in a browser (here or on another machine), then check it is this company before keeping the token.

    A service account (fortnox-api.md 2.9) is consented once by a system administrator with account_type=service and
    then needs no refresh token: with tenant_id, that consent is taken as given and no browser is needed; without,
    the consent is asked for here and the tenant read from Fortnox's answer (DatabaseNumber)."""
    fortnox, store, key = _parts(settings, company)
    service_account = service_account or tenant_id is not None
    with activity.recorded("connect", "Fortnox", company.id) as record:
        async with httpx.AsyncClient(transport=transport, timeout=30.0) as http:
            if tenant_id is not None:
                tokens = await client_credentials(http, fortnox, tenant_id)
            else:
                request = authorization_request(fortnox, service_account=service_account)

                def listening(announcement: Announcement) -> None:
                    """The address only once the listener listens: a script that consents at once must not race it."""
                    on_url(request.url)
                    if on_listening is not None:
                        on_listening(announcement)

                code = await wait_for_code(request, pasted, on_listening=listening)
                tokens = await exchange_code(http, fortnox, code, request.redirect_uri)
            limiter = shared_limiter(fortnox.api_url, key, _budget(settings, fortnox, key))
            async with FortnoxClient(
                fortnox.api_url, _Fixed(tokens), transport=transport, limiter=limiter, tenant_key=key
            ) as client:
                try:
                    found = await fortnox_company(client)
                    require_same_company(company, found)
                except BaseException:
                    if tokens.refresh_token and not service_account:
                        with contextlib.suppress(BokslutError):  # the refusal matters more than a failed clean-up
                            await revoke(http, fortnox, tokens.refresh_token)
                    raise
        now = dt.datetime.now(dt.UTC)
        if service_account:
            if found.tenant is None:
                raise BokslutError(
                    "Fortnox's company information carried no DatabaseNumber, the tenant id a service account needs; "
                    "connect with --tenant-id.",
                    key="fortnox_no_tenant_id",
                )
            store.save(key, StoredToken("", now, tokens.scope, tenant_id=tenant_id or found.tenant))
        else:
            store.save(key, StoredToken(tokens.refresh_token, now, tokens.scope))
        Company.update(source="fortnox", fortnox_tenant=found.tenant).where(Company.id == company.id).execute()
        record.message = f"connected to Fortnox: {found.name} ({format_org_number(found.org_number)})"
        record.said("connect", company=found.name, org=found.org_number)
    return ConnectResult(
        found,
        store.kind,
        fortnox.connection_days,
        scope_warning(tokens.scope),
        missing_scopes(tokens.scope),
        service_account,
    )


async def disconnect_company(
    settings: Settings, company: Company, *, transport: httpx.AsyncBaseTransport | None = None
) -> bool:
    """Revoke at Fortnox and forget locally; True when Fortnox confirmed the revocation."""
    fortnox, store, key = _parts(settings, company)
    with activity.recorded("disconnect", "Fortnox", company.id) as record:
        async with httpx.AsyncClient(transport=transport, timeout=30.0) as http:
            revoked = await disconnect(http, fortnox, store, key)
        record.message = "disconnected from Fortnox" + ("" if revoked else " (the token was already invalid at Fortnox)")
        record.said("disconnect", revoked=revoked)
    return revoked


def company_status(settings: Settings, company: Company, now: dt.datetime | None = None) -> dict:
    """What `bokslut status` and the settings screen show; never a token."""
    status = {
        "company": company.name,
        "org_number": company.org_number or "",
        "source": company.source,
        "last_import": company.last_import.isoformat() if company.last_import else None,
        "connection": "disconnected",
        "account": None,  # "user" (a login whose refresh token lasts days) or "service" (consent until revoked)
        "days_left": None,
        "token_store": None,  # in words; its medium and place apart, for scripts and translations
        "token_store_medium": None,
        "token_store_where": None,
    }
    if not company.org_number:
        return status
    fortnox = fortnox_settings(settings)
    store = open_token_store(settings, fortnox)
    state = connection_state(store, token_key(company.org_number), fortnox, now or dt.datetime.now(dt.UTC))
    kind = state.store_kind
    status.update(
        connection=state.status,
        account=state.account,
        days_left=state.days_left,
        token_store=str(kind),
        token_store_medium=kind.medium,
        token_store_where=kind.where,
    )
    return status
