"""The OAuth client: the consent address, reading what the user pastes, and the token endpoint as Fortnox answers it.

Token-endpoint answers replay the recorded real exchanges (bodies, status and Content-Type) in ../shared/fortnox.
"""

import base64
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import yaml

from core.fortnox.oauth import (
    SCOPES,
    ConnectionExpired,
    OAuthError,
    authorization_request,
    code_from_callback,
    exchange_code,
    refresh,
    revoke,
    scope_warning,
)
from core.fortnox.settings import FortnoxSettings

CASSETTES = Path(__file__).resolve().parents[3] / "shared" / "fortnox" / "cassettes" / "accodeing-fortnox-api"
FORTNOX = FortnoxSettings(
    client_id="bokslut-client", client_secret="client-secret-DO-NOT-SHOW", auth_url="https://apps.fortnox.se/oauth-v1"
)
NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
REFRESH_TOKEN = "refresh-token-DO-NOT-SHOW"


def recorded(name: str) -> httpx.Response:
    """The token endpoint's recorded answer, as Fortnox sent it (JSON under whatever Content-Type it chose)."""
    path = CASSETTES / f"{name}.yml"
    if not path.exists():
        pytest.skip(f"{path} is missing: ../shared is not beside the checkout")
    answer = yaml.safe_load(path.read_text(encoding="utf-8"))["http_interactions"][0]["response"]
    return httpx.Response(
        answer["status"]["code"],
        headers={"Content-Type": answer["headers"]["Content-Type"][0]},
        content=answer["body"]["string"].encode("utf-8"),
    )


class TokenEndpoint:
    """Records what the client sent and answers with one canned response."""

    def __init__(self, response: httpx.Response | Exception):
        self.response = response
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if isinstance(self.response, Exception):
            raise self.response
        return self.response

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self))

    @property
    def form(self) -> dict[str, str]:
        return {name: values[0] for name, values in parse_qs(self.requests[-1].content.decode()).items()}


def assert_no_secret(text: str) -> None:
    for secret in (FORTNOX.client_secret, REFRESH_TOKEN, "the-code-DO-NOT-SHOW"):
        assert secret not in text


def test_authorization_url_asks_for_offline_access_to_the_scopes_bokslut_needs():
    request = authorization_request(FORTNOX)
    url = urlsplit(request.url)
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://apps.fortnox.se/oauth-v1/auth"
    assert "scope=companyinformation%20bookkeeping%20costcenter%20project%20settings" in url.query
    assert {name: values[0] for name, values in parse_qs(url.query).items()} == {
        "client_id": "bokslut-client",
        "redirect_uri": "http://localhost:8765/callback",
        "scope": " ".join(SCOPES),
        "state": request.state,
        "access_type": "offline",
        "response_type": "code",
    }
    assert request.redirect_uri == FORTNOX.redirect_uri
    assert len(request.state) >= 32 and authorization_request(FORTNOX).state != request.state


@pytest.mark.parametrize(
    "pasted",
    [
        "http://localhost:8765/callback?code=abc-123&state=S",
        "  http://localhost:8765/callback?state=S&code=abc-123\n",
        "code=abc-123&state=S",
        "?code=abc-123&state=S",
        "abc-123",
        "http://localhost:8765/callback?code=abc-123",  # state is checked when present
    ],
)
def test_the_code_is_found_in_whatever_the_user_pastes(pasted: str):
    assert code_from_callback(pasted, "S") == "abc-123"


@pytest.mark.parametrize(
    ("pasted", "message"),
    [
        ("http://localhost:8765/callback?code=abc&state=OTHER", "different sign-in attempt"),
        ("code=abc&state=OTHER", "different sign-in attempt"),
        ("http://localhost:8765/callback?error=access_denied&state=S", "consent was not given in Fortnox"),
        (
            "error=invalid_scope&error_description=Scope+not+allowed&state=S",
            "not registered for all the scopes.*Fortnox said: Scope not allowed",
        ),
        ("error=weird_thing&state=S", "Fortnox answered 'weird_thing'"),
        ("http://localhost:8765/callback?state=S", "without an authorization code.*may be locked"),
        ("http://localhost:8765/callback", "without an authorization code"),
        ("   ", "Nothing was pasted"),
    ],
)
def test_a_bad_callback_explains_itself(pasted: str, message: str):
    with pytest.raises(OAuthError, match=message):
        code_from_callback(pasted, "S")


async def test_code_exchange_sends_basic_auth_and_the_same_redirect_uri():
    endpoint = TokenEndpoint(recorded("authentication_valid_request"))
    async with endpoint.client() as http:
        tokens = await exchange_code(
            http, FORTNOX, "the-code-DO-NOT-SHOW", "http://localhost:8765/callback", clock=lambda: NOW
        )
    request = endpoint.requests[0]
    assert (request.method, str(request.url)) == ("POST", "https://apps.fortnox.se/oauth-v1/token")
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(
        b"bokslut-client:client-secret-DO-NOT-SHOW"
    ).decode()
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert endpoint.form == {
        "grant_type": "authorization_code",
        "code": "the-code-DO-NOT-SHOW",
        "redirect_uri": "http://localhost:8765/callback",
    }
    assert (tokens.access_token, tokens.refresh_token) == ("<ACCESS_TOKEN>", "<REFRESH_TOKEN>")
    assert tokens.expires_at == NOW + timedelta(seconds=3600)
    assert tokens.scope == "article invoice settings customer order project"
    assert "<ACCESS_TOKEN>" not in repr(tokens) and "<REFRESH_TOKEN>" not in repr(tokens)


async def test_refresh_posts_the_refresh_token():
    endpoint = TokenEndpoint(recorded("authentication_valid_request"))
    async with endpoint.client() as http:
        tokens = await refresh(http, FORTNOX, REFRESH_TOKEN, clock=lambda: NOW)
    assert endpoint.form == {"grant_type": "refresh_token", "refresh_token": REFRESH_TOKEN}
    assert tokens.refresh_token == "<REFRESH_TOKEN>"


async def test_a_used_refresh_token_in_a_text_html_answer_means_connect_again():
    endpoint = TokenEndpoint(recorded("authentication_invalid_refresh_token"))
    assert endpoint.response.headers["Content-Type"].startswith("text/html")
    async with endpoint.client() as http:
        with pytest.raises(ConnectionExpired, match="has expired or was revoked; connect again") as caught:
            await refresh(http, FORTNOX, REFRESH_TOKEN)
    assert_no_secret(str(caught.value))


async def test_a_rejected_code_says_it_lasts_ten_minutes():
    endpoint = TokenEndpoint(recorded("authentication_invalid_refresh_token"))
    async with endpoint.client() as http:
        with pytest.raises(ConnectionExpired, match="works once and only for 10 minutes") as caught:
            await exchange_code(http, FORTNOX, "the-code-DO-NOT-SHOW", FORTNOX.redirect_uri)
    assert_no_secret(str(caught.value))


async def test_bad_client_credentials_name_the_client_id_but_not_the_secret():
    endpoint = TokenEndpoint(recorded("authentication_invalid_authorization"))
    assert endpoint.response.headers["Content-Type"].startswith("text/plain")
    async with endpoint.client() as http:
        with pytest.raises(OAuthError) as caught:
            await refresh(http, FORTNOX, REFRESH_TOKEN)
    message = str(caught.value)
    assert "'bokslut-client'" in message and "BOKSLUT_FORTNOX_CLIENT_ID" in message
    assert_no_secret(message)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (httpx.ConnectError("connection refused"), "Could not reach Fortnox's sign-in service.*ConnectError"),
        (httpx.ReadTimeout("timed out"), "Could not reach Fortnox's sign-in service.*ReadTimeout"),
        (httpx.Response(503, text="<html>down</html>"), "answered HTTP 503. Try again in a few minutes"),
        (httpx.Response(200, text="<html>a login page</html>"), "HTTP 200 with no usable answer"),
        (httpx.Response(200, json={"token_type": "bearer"}), "lacked the tokens"),
        (httpx.Response(400, json={"error": "invalid_request", "error_description": "bad"}), "malformed.*bad"),
    ],
)
async def test_other_failures_are_one_clear_sentence(answer, message: str):
    async with TokenEndpoint(answer).client() as http:
        with pytest.raises(OAuthError, match=message) as caught:
            await refresh(http, FORTNOX, REFRESH_TOKEN)
    assert_no_secret(str(caught.value))


async def test_revoke_reports_whether_fortnox_revoked():
    endpoint = TokenEndpoint(httpx.Response(200, json={"revoked": True}))
    async with endpoint.client() as http:
        assert await revoke(http, FORTNOX, REFRESH_TOKEN) is True
    assert str(endpoint.requests[0].url) == "https://apps.fortnox.se/oauth-v1/revoke"
    assert endpoint.form == {"token_type_hint": "refresh_token", "token": REFRESH_TOKEN}
    async with TokenEndpoint(recorded("authentication_invalid_refresh_token")).client() as http:
        assert await revoke(http, FORTNOX, REFRESH_TOKEN) is False


def test_missing_scopes_are_named():
    granted = "article invoice settings customer order project"  # the recorded grant
    assert scope_warning(granted).startswith(
        "Fortnox did not grant the scopes companyinformation, bookkeeping, costcenter;"
    )
    assert scope_warning(" ".join(reversed(SCOPES))) is None
