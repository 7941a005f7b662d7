"""Fortnox's OAuth 2 server as the sandbox plays it: consent page, token endpoint, revocation and bearer checks.

Lifetimes, error bodies and content types copy the real service (reference section 2 and the recordings in
shared/fortnox/cassettes/accodeing-fortnox-api/authentication_*.yml) so the client is tested against the quirks it
will meet, such as a JSON error body labelled text/html.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeGuard
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from fortnox_sandbox import consent_page
from fortnox_sandbox.clock import Clock

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from fortnox_sandbox.data import Tenant

# Scopes Fortnox lists publicly (developer.fortnox.se/general/scopes); the sandbox app is registered for all of them.
FORTNOX_SCOPES = frozenset(
    {
        "archive", "article", "bookkeeping", "companyinformation", "connectfile", "costcenter", "currency",
        "customer", "inbox", "invoice", "offer", "order", "payment", "price", "print", "project", "salary",
        "settings", "supplier", "supplierinvoice",
    }
)  # fmt: skip

AUTHORIZATION_CODE_LIFETIME = timedelta(minutes=10)
ACCESS_TOKEN_LIFETIME = timedelta(seconds=3600)
REFRESH_TOKEN_LIFETIME = timedelta(days=45)

# The one sandbox user, who (like an accounting firm's user in Fortnox) can reach every company.
DEMO_USER = "demo@sandbox.invalid"
DEMO_PASSWORD = "sandbox"
DEMO_USER_ID = 1001

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

# Exactly as recorded from apps.fortnox.se.
INVALID_CLIENT_BODY = '{"error":"invalid_client","error_description":"The client credentials are invalid"}'
INVALID_CLIENT_TYPE = "text/plain;charset=UTF-8"
INVALID_GRANT_TYPE = "text/html; charset=UTF-8"
INVALID_REFRESH_TOKEN = "Invalid refresh token"
REDIRECT_MISMATCH = "The redirect URI is missing or do not match"
INVALID_CODE = "Auth code or ClientID supplied is invalid"
NO_STORE = {"Cache-Control": "no-store"}


class Unauthorized(Exception):
    """The bearer token is missing, unknown, expired or revoked; the API answers 401 {"message":"unauthorized"}."""


@dataclass(frozen=True)
class Grant:
    """What an accepted access token allows: one company, for one client, within the consented scopes."""

    tenant_id: int
    client_id: str
    scopes: frozenset[str]


@dataclass
class _Connection:
    """One consent; every token refreshed from it shares its fate when it is revoked."""

    tenant_id: int
    client_id: str
    scopes: tuple[str, ...]
    revoked: bool = False
    service: bool = False  # consented with account_type=service: client credentials get tokens until revoked


@dataclass(frozen=True)
class _AuthorizationRequest:
    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    state: str
    service: bool = False


@dataclass(frozen=True)
class _AuthorizationCode:
    connection: _Connection
    redirect_uri: str
    issued_at: datetime


@dataclass(frozen=True)
class _IssuedToken:
    connection: _Connection
    expires_at: datetime


class OAuthServer:
    """Issues and checks tokens for the sandbox; routes are relative, app.py mounts them at /oauth-v1."""

    def __init__(
        self,
        clock: Clock,
        tenants: Sequence[Tenant],
        client_id: str,
        client_secret: str,
        auto_consent: bool = False,
    ) -> None:
        self._clock = clock
        self._tenants = list(tenants)
        self._client_id = client_id
        self._client_secret = client_secret
        self._auto_consent = auto_consent
        self._signing_key = secrets.token_bytes(32)
        # Tests touch the state from their own thread while uvicorn serves from another.
        self._lock = threading.Lock()
        self._codes: dict[str, _AuthorizationCode] = {}
        self._refresh_tokens: dict[str, _IssuedToken] = {}
        self._access_tokens: dict[str, _IssuedToken] = {}
        self._service_consents: dict[int, _Connection] = {}  # by tenant: the client's service-account consent
        self._ever_issued: list[str] = []  # codes and tokens, used or not, for the tests that hunt for leaks

    def __repr__(self) -> str:
        return f"OAuthServer(client_id={self._client_id!r}, tenants={len(self._tenants)})"

    @property
    def routes(self) -> list[Route]:
        return [
            Route("/auth", self._authorize, methods=["GET", "POST"]),
            Route("/token", self._token, methods=["POST"]),
            Route("/revoke", self._revoke, methods=["POST"]),
        ]

    def authenticate(self, authorization_header: str | None) -> Grant:
        scheme, _, token = (authorization_header or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("unauthorized")
        with self._lock:
            issued = self._access_tokens.get(token.strip())
        if not self._usable(issued):
            raise Unauthorized("unauthorized")
        connection = issued.connection
        return Grant(connection.tenant_id, connection.client_id, frozenset(connection.scopes))

    def refresh_token_valid(self, refresh_token: str) -> bool:
        """Lets a test check that a disconnect really revoked the connection at "Fortnox"."""
        with self._lock:
            issued = self._refresh_tokens.get(refresh_token)
        return self._usable(issued)

    def secrets_issued(self) -> list[str]:
        """Every code, access and refresh token handed out so far: no byte of them may leak anywhere."""
        with self._lock:
            return list(self._ever_issued)

    def expire_access_tokens(self) -> None:
        """Lets a test make the next API call fail with 401 without moving the clock for everything else."""
        now = self._clock.now()
        with self._lock:
            for token, issued in self._access_tokens.items():
                self._access_tokens[token] = _IssuedToken(issued.connection, now)

    def expire_consents(self, tenant_id: int) -> None:
        """As if the company's tokens had lapsed (the refresh token's 45 days, or bokslut's own), without moving the
        clock: its access and refresh tokens stop working now (a service account's consent, which does not lapse,
        stays). The client sees what it sees for a revoked consent: 401, then invalid_grant."""
        now = self._clock.now()
        with self._lock:
            for tokens in (self._access_tokens, self._refresh_tokens):
                for token, issued in tokens.items():
                    if issued.connection.tenant_id == tenant_id:
                        tokens[token] = _IssuedToken(issued.connection, now)

    def revoke_consents(self, tenant_id: int) -> None:
        """What a user or administrator does in Fortnox: every connection to the company ends, service accounts too."""
        with self._lock:
            issued = [*self._refresh_tokens.values(), *self._access_tokens.values()]
            connections = [item.connection for item in issued] + list(self._service_consents.values())
            for connection in connections:
                if connection.tenant_id == tenant_id:
                    connection.revoked = True

    def _usable(self, issued: _IssuedToken | None) -> TypeGuard[_IssuedToken]:
        return issued is not None and not issued.connection.revoked and self._clock.now() < issued.expires_at

    # --- /auth -------------------------------------------------------------------------------------------

    async def _authorize(self, request: Request) -> Response:
        if request.method == "GET":
            fields: Mapping[str, str] = request.query_params
        else:
            fields = {name: value for name, value in (await request.form()).items() if isinstance(value, str)}
        checked = self._check_authorization_request(fields)
        if isinstance(checked, Response):
            return checked
        if self._auto_consent:
            return self._redirect_with_code(checked, self._tenants[0], status_code=302)
        if request.method == "GET":
            return self._consent_page(request, checked)
        if fields.get(consent_page.DECISION_FIELD) == consent_page.DENY:
            return _redirect(
                checked.redirect_uri,
                {"error": "access_denied", "error_description": "The user denied access", "state": checked.state},
            )
        login = (fields.get(consent_page.USERNAME_FIELD), fields.get(consent_page.PASSWORD_FIELD))
        if login != (DEMO_USER, DEMO_PASSWORD):
            return self._consent_page(request, checked, "Wrong e-mail or password.")
        tenant = next((t for t in self._tenants if str(t.tenant_id) == fields.get(consent_page.TENANT_FIELD)), None)
        if tenant is None:
            return self._consent_page(request, checked, "Choose one of the companies.")
        return self._redirect_with_code(checked, tenant, status_code=303)

    def _check_authorization_request(self, fields: Mapping[str, str]) -> _AuthorizationRequest | Response:
        """Errors about the client or redirect URI are shown; the rest go back to the app, as OAuth prescribes."""
        client_id = fields.get("client_id", "")
        if client_id != self._client_id:
            return _error_page(f"Unknown client_id {client_id!r}.")
        redirect_uri = fields.get("redirect_uri", "")
        if not _is_loopback_http(redirect_uri):
            return _error_page(
                f"The redirect_uri {redirect_uri!r} is not allowed: the sandbox needs an explicit "
                "http://127.0.0.1:<port>/... or http://localhost:<port>/... address."
            )
        state = fields.get("state", "")
        if fields.get("response_type") != "code":
            return _redirect_error(redirect_uri, "unsupported_response_type", "response_type must be code", state)
        scopes = _scopes(fields)
        if not scopes or not set(scopes) <= FORTNOX_SCOPES:
            return _redirect_error(redirect_uri, "invalid_scope", "The requested scope is invalid", state)
        if not state:
            return _redirect_error(redirect_uri, "invalid_request", "state is required", state)
        return _AuthorizationRequest(client_id, redirect_uri, scopes, state, fields.get("account_type") == "service")

    def _consent_page(self, request: Request, checked: _AuthorizationRequest, message: str | None = None) -> Response:
        hidden = {
            "client_id": checked.client_id,
            "redirect_uri": checked.redirect_uri,
            "scope": " ".join(checked.scopes),
            "state": checked.state,
            "response_type": "code",
            **({"account_type": "service"} if checked.service else {}),
        }
        page = consent_page.consent_page(
            action=request.url.path,
            hidden=hidden,
            tenants=self._tenants,
            scopes=checked.scopes,
            demo_user=DEMO_USER,
            demo_password=DEMO_PASSWORD,
            message=message,
        )
        return HTMLResponse(page, headers=_PAGE_HEADERS)

    def _redirect_with_code(self, checked: _AuthorizationRequest, tenant: Tenant, *, status_code: int) -> Response:
        code = secrets.token_urlsafe(24)
        connection = _Connection(tenant.tenant_id, checked.client_id, checked.scopes, service=checked.service)
        with self._lock:
            self._codes[code] = _AuthorizationCode(connection, checked.redirect_uri, self._clock.now())
            if checked.service:
                self._service_consents[tenant.tenant_id] = connection
            self._ever_issued.append(code)
        return _redirect(checked.redirect_uri, {"code": code, "state": checked.state}, status_code=status_code)

    # --- /token and /revoke --------------------------------------------------------------------------------

    async def _token(self, request: Request) -> Response:
        if not self._client_authenticated(request):
            return Response(INVALID_CLIENT_BODY, status_code=401, media_type=INVALID_CLIENT_TYPE)
        form = await request.form()
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            return self._exchange_code(_text(form.get("code")), _text(form.get("redirect_uri")))
        if grant_type == "refresh_token":
            return self._refresh(_text(form.get("refresh_token")))
        if grant_type == "client_credentials":
            return self._client_credentials(request.headers.get("TenantId", ""))
        return _token_error("unsupported_grant_type", "The grant type is not supported")

    def _exchange_code(self, code: str, redirect_uri: str) -> Response:
        with self._lock:
            issued = self._codes.pop(code, None)  # a code works once, whatever the outcome
        if issued is None or self._clock.now() - issued.issued_at >= AUTHORIZATION_CODE_LIFETIME:
            return _token_error("invalid_grant", INVALID_CODE)
        if not redirect_uri or redirect_uri != issued.redirect_uri:
            return _token_error("invalid_grant", REDIRECT_MISMATCH)
        return self._issue_tokens(issued.connection)

    def _refresh(self, refresh_token: str) -> Response:
        with self._lock:
            issued = self._refresh_tokens.pop(refresh_token, None)  # single use: rotated on every refresh
        if not self._usable(issued):
            return _token_error("invalid_grant", INVALID_REFRESH_TOKEN)
        return self._issue_tokens(issued.connection)

    def _client_credentials(self, tenant: str) -> Response:
        """Fortnox's service-account grant (reference 2.9): the TenantId header names the company, whose administrator
        must have consented with account_type=service; the answer has no refresh token. The refusal's wording is
        not documented (not verified): invalid_grant, as for any grant that no longer holds."""
        with self._lock:
            connection = self._service_consents.get(int(tenant)) if tenant.isdigit() else None
        if connection is None or connection.revoked:
            return _token_error("invalid_grant", "No service account consent for the tenant")
        return self._issue_tokens(connection, refreshable=False)

    def _issue_tokens(self, connection: _Connection, *, refreshable: bool = True) -> Response:
        now = self._clock.now()
        access_token = self._signed_access_token(connection, now)
        refresh_token = str(uuid.uuid4())
        with self._lock:
            self._access_tokens[access_token] = _IssuedToken(connection, now + ACCESS_TOKEN_LIFETIME)
            self._ever_issued.append(access_token)
            if refreshable:
                self._refresh_tokens[refresh_token] = _IssuedToken(connection, now + REFRESH_TOKEN_LIFETIME)
                self._ever_issued.append(refresh_token)
        body = {
            "access_token": access_token,
            "expires_in": int(ACCESS_TOKEN_LIFETIME.total_seconds()),
            "token_type": "bearer",
            "scope": " ".join(connection.scopes),
            **({"refresh_token": refresh_token} if refreshable else {}),
        }
        return Response(
            _compact_json(body), media_type="application/json", headers={**NO_STORE, "Pragma": "no-cache"}
        )

    def _signed_access_token(self, connection: _Connection, now: datetime) -> str:
        """JWT-shaped like Fortnox's, so clients that decode tenantId from the token work against the sandbox."""
        header = {"alg": "HS256", "typ": "JWT"}
        payload = {
            "iss": "bokslut-fortnox-sandbox",
            "tenantId": connection.tenant_id,
            "userId": DEMO_USER_ID,
            "clientId": connection.client_id,
            "scope": " ".join(connection.scopes),
            "iat": int(now.timestamp()),
            "exp": int((now + ACCESS_TOKEN_LIFETIME).timestamp()),
            "jti": secrets.token_hex(8),
        }
        signing_input = f"{_b64url(_compact_json(header).encode())}.{_b64url(_compact_json(payload).encode())}"
        signature = hmac.new(self._signing_key, signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{_b64url(signature)}"

    async def _revoke(self, request: Request) -> Response:
        if not self._client_authenticated(request):
            return Response(INVALID_CLIENT_BODY, status_code=401, media_type=INVALID_CLIENT_TYPE)
        form = await request.form()
        token = _text(form.get("token"))
        if not token:
            return _token_error("invalid_request", "token is required")
        with self._lock:
            issued = self._refresh_tokens.pop(token, None)
        if issued is not None:
            issued.connection.revoked = True
        # RFC 7009: an unknown token is not an error, so a client cannot probe which tokens exist.
        return Response(_compact_json({"revoked": True}), media_type="application/json", headers=NO_STORE)

    def _client_authenticated(self, request: Request) -> bool:
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            client_id, separator, client_secret = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        id_matches = hmac.compare_digest(client_id.encode(), self._client_id.encode())
        secret_matches = hmac.compare_digest(client_secret.encode(), self._client_secret.encode())
        return bool(separator) and id_matches and secret_matches


_PAGE_HEADERS = {**NO_STORE, "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"}


def _scopes(fields: Mapping[str, str]) -> tuple[str, ...]:
    """Space-delimited and case-sensitive as in Fortnox; order kept because the token answer echoes it."""
    return tuple(dict.fromkeys(scope for scope in fields.get("scope", "").split(" ") if scope))


def _is_loopback_http(uri: str) -> bool:
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return False
    return parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS and not parts.fragment


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _with_query(uri: str, params: Mapping[str, str]) -> str:
    parts = urlsplit(uri)
    query = urlencode([*parse_qsl(parts.query, keep_blank_values=True), *params.items()])
    return urlunsplit(parts._replace(query=query))


def _redirect(uri: str, params: Mapping[str, str], status_code: int = 303) -> Response:
    return RedirectResponse(_with_query(uri, params), status_code=status_code, headers=NO_STORE)


def _redirect_error(uri: str, error: str, description: str, state: str) -> Response:
    params = {"error": error, "error_description": description}
    if state:
        params["state"] = state
    return _redirect(uri, params, status_code=302)


def _error_page(message: str) -> Response:
    return HTMLResponse(consent_page.error_page(message), status_code=400, headers=_PAGE_HEADERS)


def _token_error(error: str, description: str) -> Response:
    """Fortnox serves its 400 token errors as JSON labelled text/html; clients must parse them regardless."""
    body = _compact_json({"error": error, "error_description": description})
    return Response(body, status_code=400, media_type=INVALID_GRANT_TYPE, headers=NO_STORE)


def _compact_json(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
