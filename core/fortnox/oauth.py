"""Fortnox's OAuth 2 authorization-code flow: the consent address, reading the callback, and the token endpoint.

Fortnox rotates refresh tokens strictly (each works once), answers errors as JSON under any Content-Type,
and can call back without a code (e.g. a locked account); every failure here ends as one sentence for the user.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import httpx

from core.errors import BokslutError
from core.fortnox.settings import FortnoxSettings
from core.text import outside_text, register_basic_credential, register_secret

SCOPES = ("companyinformation", "bookkeeping", "costcenter", "project", "settings")

ERROR_WORDS = {
    "access_denied": "consent was not given in Fortnox",
    "invalid_scope": "the Fortnox app is not registered for all the scopes bokslut asks for "
    f"({' '.join(SCOPES)}); enable them on the app in Fortnox's Developer Portal",
    "invalid_request": "Fortnox found the sign-in request malformed",
    "unauthorized_client": "this Fortnox app may not use the authorization-code flow",
    "server_error": "Fortnox had an internal error",
    "temporarily_unavailable": "Fortnox's sign-in is temporarily unavailable",
}


FOREIGN_STATE = "fortnox_other_attempt"  # the key of an answer to another sign-in attempt than this one
MAX_TOKEN_ANSWER_BYTES = 64 * 1024  # a token answer is a few hundred bytes; a huge page is not read whole

CONNECTION_EXPIRED = "The Fortnox connection has expired or was revoked; connect again to renew it."


class OAuthError(BokslutError):
    pass


class ConnectionExpired(BokslutError):
    """The user must connect to Fortnox again (no token, or Fortnox rejected it)."""


def connection_expired() -> ConnectionExpired:
    """Fortnox no longer accepts the refresh token: it lapsed, was used, or was revoked."""
    return ConnectionExpired(CONNECTION_EXPIRED, key="fortnox_expired")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class AuthorizationRequest:
    url: str
    state: str = field(repr=False)
    redirect_uri: str


@dataclass(frozen=True)
class TokenSet:
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: datetime
    scope: str

    @property
    def missing_scopes(self) -> tuple[str, ...]:
        return missing_scopes(self.scope)


def missing_scopes(granted: str) -> tuple[str, ...]:
    """Fortnox grants the scopes enabled on the app, which may be fewer than asked for; name the gap early."""
    have = set(granted.split())
    return tuple(scope for scope in SCOPES if scope not in have)


def scope_warning(granted: str) -> str | None:
    missing = missing_scopes(granted)
    if not missing:
        return None
    return (
        f"Fortnox did not grant the {'scope' if len(missing) == 1 else 'scopes'} {', '.join(missing)}; the parts of the import that need them will fail. "
        "Enable them on the app in Fortnox's Developer Portal and connect again."
    )


def authorization_request(fortnox: FortnoxSettings, *, service_account: bool = False) -> AuthorizationRequest:
    """A service account's consent (account_type=service, given by a system administrator) lasts until revoked;
    tokens then come from client_credentials() (fortnox-api.md 2.9)."""
    fortnox.require_client()
    state = secrets.token_urlsafe(24)
    fields = {
        "client_id": fortnox.client_id,
        "redirect_uri": fortnox.redirect_uri,
        "scope": " ".join(SCOPES),
        "state": state,
        "access_type": "offline",
        "response_type": "code",
    }
    if service_account:
        fields["account_type"] = "service"
    query = urlencode(
        fields,
        quote_via=quote,  # scopes are space-delimited: %20, as in Fortnox's own example
    )
    return AuthorizationRequest(f"{fortnox.auth_url}/auth?{query}", state, fortnox.redirect_uri)


def code_from_callback(text: str, expected_state: str) -> str:
    """The code from what the user pasted: the address bar, just its query, or the bare code."""
    text = text.strip()
    if not text:
        raise OAuthError(
            "Nothing was pasted. Paste the whole address from the browser after approving in Fortnox.",
            key="fortnox_nothing_pasted",
        )
    if "://" in text:
        return code_from_query(urlsplit(text).query, expected_state)
    if "=" in text:
        return code_from_query(text.lstrip("?"), expected_state)
    return text


def code_from_query(query: str, expected_state: str, *, require_state: bool = False) -> str:
    """The code from the redirect's query; the state, when there (always, from the listener), must be ours."""
    parameters = {name: values[0] for name, values in parse_qs(query, keep_blank_values=True).items()}
    state = parameters.get("state")
    foreign = state is not None and not secrets.compare_digest(state.encode(), expected_state.encode())
    if foreign or (state is None and require_state):
        raise OAuthError(
            "The answer is from a different sign-in attempt (its state does not match). "
            "Use the browser window this attempt opened, or connect again.",
            key=FOREIGN_STATE,
        )
    if "error" in parameters:
        raise _callback_error(parameters["error"], parameters.get("error_description", ""))
    code = parameters.get("code", "")
    if not code:
        raise _no_code()
    return code


def _callback_error(error: str, description: str) -> OAuthError:
    """`error` and `description` come from outside (the browser's address or the token endpoint)."""
    error, description = outside_text(error, 100), outside_text(description)
    words = ERROR_WORDS.get(error, f"Fortnox answered {error!r}")
    detail = f" (Fortnox said: {description})" if description else ""
    return OAuthError(
        f"Connecting to Fortnox failed: {words}{detail}. Connect again to retry.",
        key="fortnox_callback", params={"error": error, "description": description},
    )


def _no_code() -> OAuthError:
    return OAuthError(
        "Fortnox sent the browser back without an authorization code. The Fortnox account may be locked "
        "(for example an unpaid Fortnox invoice) or the sign-in was interrupted; log in to Fortnox to check, "
        "then connect again.",
        key="fortnox_no_code",
    )


async def exchange_code(
    http: httpx.AsyncClient,
    fortnox: FortnoxSettings,
    code: str,
    redirect_uri: str,
    *,
    clock: Callable[[], datetime] = utc_now,
) -> TokenSet:
    # Fortnox demands the same redirect_uri here even when the authorize call left it out.
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    expired = ConnectionExpired(
        "Fortnox rejected the authorization code: it works once and only for 10 minutes, "
        "and only with the same redirect address. Connect again.",
        key="fortnox_code_rejected",
    )
    return _token_set(await _post_token_endpoint(http, fortnox, "token", form, expired), clock())


async def refresh(
    http: httpx.AsyncClient,
    fortnox: FortnoxSettings,
    refresh_token: str,
    *,
    clock: Callable[[], datetime] = utc_now,
) -> TokenSet:
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    return _token_set(await _post_token_endpoint(http, fortnox, "token", form, connection_expired()), clock())


async def client_credentials(
    http: httpx.AsyncClient, fortnox: FortnoxSettings, tenant_id: int, *, clock: Callable[[], datetime] = utc_now
) -> TokenSet:
    """A service account's access token: no refresh token, the tenant in the TenantId header (fortnox-api.md 2.9)."""
    form = {"grant_type": "client_credentials"}
    refused = ConnectionExpired(
        f"Fortnox gave no token for the service account of tenant {tenant_id}: its consent was revoked or never "
        "given. A system administrator of the company must consent again (bokslut connect --service-account).",
        key="fortnox_service_consent_missing", params={"tenant": tenant_id},
    )
    body = await _post_token_endpoint(http, fortnox, "token", form, refused, headers={"TenantId": str(tenant_id)})
    return _token_set(body, clock(), refresh=False)


async def revoke(http: httpx.AsyncClient, fortnox: FortnoxSettings, refresh_token: str) -> bool:
    """True if Fortnox revoked it; False if Fortnox no longer knew it as valid (nothing left to revoke)."""
    form = {"token_type_hint": "refresh_token", "token": refresh_token}
    try:
        body = await _post_token_endpoint(http, fortnox, "revoke", form, ConnectionExpired("already invalid"))
    except ConnectionExpired:
        return False
    return body.get("revoked") is True


async def _post_token_endpoint(
    http: httpx.AsyncClient,
    fortnox: FortnoxSettings,
    endpoint: str,
    form: dict[str, str],
    expired: ConnectionExpired,
    *,
    headers: dict[str, str] | None = None,
) -> dict:
    """`expired` is raised when Fortnox says invalid_grant: what that means depends on the grant."""
    fortnox.require_client()
    url = f"{fortnox.auth_url}/{endpoint}"
    register_basic_credential(fortnox.client_id, fortnox.client_secret)
    register_secret(form.get("refresh_token"), form.get("token"), form.get("code"))
    try:
        async with http.stream(
            "POST",
            url,
            data=form,
            auth=httpx.BasicAuth(fortnox.client_id, fortnox.client_secret),
            headers={"Accept": "application/json", **(headers or {})},
        ) as response:
            content = await _capped_content(response)
    except httpx.TransportError as error:
        raise OAuthError(
            f"Could not reach Fortnox's sign-in service at {url} ({type(error).__name__}). "
            "Check the network connection and try again.",
            key="fortnox_unreachable", params={"url": url, "reason": type(error).__name__},
        ) from None
    body = _json_body(content)  # text/html and text/plain bodies carry JSON too
    if response.status_code == 200 and body is not None:
        return body
    error = str((body or {}).get("error", ""))
    if error == "invalid_grant":
        raise expired
    if error == "invalid_client" or response.status_code == 401:
        raise OAuthError(
            f"Fortnox rejected the app's credentials for client id {fortnox.client_id!r}. Check client_id and "
            "client_secret in the [fortnox] table of the config file (or BOKSLUT_FORTNOX_CLIENT_ID and "
            "BOKSLUT_FORTNOX_CLIENT_SECRET) against the app in Fortnox's Developer Portal."
        )
    if response.status_code >= 500 or response.status_code == 429:
        raise OAuthError(
            f"Fortnox's sign-in service answered HTTP {response.status_code}. Try again in a few minutes."
        )
    if error:
        raise _callback_error(error, str((body or {}).get("error_description", "")))
    raise OAuthError(
        f"Fortnox's sign-in service answered HTTP {response.status_code} with no usable answer. "
        "Check auth_url in the [fortnox] settings, then try again."
    )


async def _capped_content(response: httpx.Response) -> bytes:
    content = bytearray()
    async for chunk in response.aiter_bytes():
        content += chunk[: MAX_TOKEN_ANSWER_BYTES - len(content)]
        if len(content) >= MAX_TOKEN_ANSWER_BYTES:
            break
    return bytes(content)


def _json_body(content: bytes) -> dict | None:
    try:
        body = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


def _token_set(body: dict, now: datetime, *, refresh: bool = True) -> TokenSet:
    """refresh=False for client credentials, whose answer has no refresh token ("" in the TokenSet)."""
    try:
        access_token, refresh_token = body["access_token"], body["refresh_token"] if refresh else ""
        expires_in = int(body.get("expires_in", 3600))
    except (KeyError, TypeError, ValueError):
        raise OAuthError(
            "Fortnox's token answer lacked the tokens bokslut needs. Check auth_url in the [fortnox] settings."
        ) from None
    if not isinstance(access_token, str) or not isinstance(refresh_token, str) or not access_token or (
        refresh and not refresh_token
    ):
        raise OAuthError("Fortnox's token answer had empty tokens. Connect again.")
    register_secret(access_token, *([refresh_token] if refresh_token else []))
    return TokenSet(access_token, refresh_token, now + timedelta(seconds=expires_in), str(body.get("scope", "")))
