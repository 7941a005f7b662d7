"""The sandbox's OAuth server over real HTTP on loopback, held against the recorded Fortnox token exchanges."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
import yaml

from fortnox_sandbox.app import SandboxConfig
from fortnox_sandbox.browser import ConsentFailed, give_consent_blocking
from fortnox_sandbox.oauth import DEMO_PASSWORD, DEMO_USER, Grant, Unauthorized
from fortnox_sandbox.serve import RunningSandbox, running_sandbox
from tests.conftest import SHARED

CASSETTES = SHARED / "fortnox" / "cassettes" / "accodeing-fortnox-api"
SCOPES = "companyinformation bookkeeping costcenter project settings"


@pytest.fixture(scope="module")
def running():
    with running_sandbox(SandboxConfig(auto_consent=False)) as running:
        yield running


@pytest.fixture
def client(running):
    with httpx.Client(base_url=running.auth_url, follow_redirects=False) as client:
        yield client


def recorded_response(name: str) -> dict:
    path = CASSETTES / f"authentication_{name}.yml"
    if not path.exists():
        pytest.skip(f"{path} is missing: ../shared is not beside the checkout")
    return yaml.safe_load(path.read_text(encoding="utf-8"))["http_interactions"][0]["response"]


def authorize_url(running: RunningSandbox, *, state: str = "st4te", scope: str = SCOPES, **overrides: str) -> str:
    params = {
        "client_id": running.client_id,
        "redirect_uri": running.redirect_uri,
        "scope": scope,
        "state": state,
        "access_type": "offline",
        "response_type": "code",
        **overrides,
    }
    return f"{running.auth_url}/auth?{urlencode(params)}"


def callback_params(location: str, running: RunningSandbox) -> dict[str, str]:
    assert location.startswith(running.redirect_uri + "?")
    return {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}


def basic(client_id: str, client_secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()}


def token_request(client: httpx.Client, running: RunningSandbox, **form: str) -> httpx.Response:
    return client.post("/token", data=form, headers=basic(running.client_id, running.client_secret))


def fresh_code(running: RunningSandbox, org_number: str | None = None) -> str:
    return callback_params(give_consent_blocking(authorize_url(running), org_number), running)["code"]


def exchange(client: httpx.Client, running: RunningSandbox, code: str) -> httpx.Response:
    return token_request(
        client, running, grant_type="authorization_code", code=code, redirect_uri=running.redirect_uri
    )


def connect(client: httpx.Client, running: RunningSandbox) -> dict:
    answer = exchange(client, running, fresh_code(running))
    assert answer.status_code == 200, answer.text
    return answer.json()


def jwt_payload(token: str) -> dict:
    header, payload, signature = token.split(".")
    assert signature
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def assert_invalid_grant(answer: httpx.Response, description: str) -> None:
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "text/html; charset=UTF-8"
    assert answer.headers["cache-control"] == "no-store"
    assert json.loads(answer.text) == {"error": "invalid_grant", "error_description": description}


def test_code_flow_echoes_state_and_answers_like_fortnox(running, client):
    state = "a b&c=d/ö<>"
    location = give_consent_blocking(authorize_url(running, state=state))
    callback = callback_params(location, running)
    assert callback["state"] == state

    answer = exchange(client, running, callback["code"])

    recorded = recorded_response("valid_request")
    assert answer.status_code == recorded["status"]["code"] == 200
    assert answer.headers["content-type"] == recorded["headers"]["Content-Type"][0]
    assert answer.headers["cache-control"] == recorded["headers"]["Cache-Control"][0]
    body = answer.json()
    recorded_body = json.loads(recorded["body"]["string"])
    assert list(body) == list(recorded_body)
    assert {key: type(value) for key, value in body.items()} == {
        key: type(value) for key, value in recorded_body.items()
    }
    assert (body["expires_in"], body["token_type"], body["scope"]) == (3600, "bearer", SCOPES)
    first = running.sandbox.tenants[0]
    claims = jwt_payload(body["access_token"])
    assert claims["tenantId"] == first.tenant_id
    assert isinstance(claims["userId"], int)
    expected_expiry = running.sandbox.clock.now() + timedelta(seconds=3600)
    assert abs(claims["exp"] - expected_expiry.timestamp()) < 60
    assert running.sandbox.oauth.authenticate(f"Bearer {body['access_token']}") == Grant(
        first.tenant_id, running.client_id, frozenset(SCOPES.split())
    )


def test_user_picks_the_company_by_organisation_number(running, client):
    last = running.sandbox.tenants[-1]
    tokens = exchange(client, running, fresh_code(running, last.org_number)).json()
    assert jwt_payload(tokens["access_token"])["tenantId"] == last.tenant_id
    assert running.sandbox.oauth.authenticate(f"Bearer {tokens['access_token']}").tenant_id == last.tenant_id
    with pytest.raises(ConsentFailed, match="000000-0000"):
        give_consent_blocking(authorize_url(running), "000000-0000")


def test_a_code_works_once(running, client):
    code = fresh_code(running)
    assert exchange(client, running, code).status_code == 200
    assert_invalid_grant(exchange(client, running, code), "Auth code or ClientID supplied is invalid")


def test_a_code_expires_after_ten_minutes(running, client):
    code = fresh_code(running)
    running.sandbox.clock.advance(10 * 60 + 1)
    assert_invalid_grant(exchange(client, running, code), "Auth code or ClientID supplied is invalid")


@pytest.mark.parametrize("redirect_uri", [None, "http://127.0.0.1:9999/other"])
def test_the_exchange_needs_the_same_redirect_uri(running, client, redirect_uri):
    form = {"grant_type": "authorization_code", "code": fresh_code(running)}
    if redirect_uri:
        form["redirect_uri"] = redirect_uri
    assert_invalid_grant(token_request(client, running, **form), "The redirect URI is missing or do not match")


def test_refresh_rotates_and_the_old_token_then_fails_as_recorded(running, client):
    tokens = connect(client, running)
    refreshed = token_request(client, running, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert refreshed.status_code == 200
    assert refreshed.json()["refresh_token"] != tokens["refresh_token"]
    assert refreshed.json()["access_token"] != tokens["access_token"]
    assert refreshed.json()["scope"] == SCOPES
    assert running.sandbox.oauth.refresh_token_valid(refreshed.json()["refresh_token"])
    assert not running.sandbox.oauth.refresh_token_valid(tokens["refresh_token"])

    reused = token_request(client, running, grant_type="refresh_token", refresh_token=tokens["refresh_token"])

    recorded = recorded_response("invalid_refresh_token")
    assert reused.status_code == recorded["status"]["code"]
    assert reused.headers["content-type"] == recorded["headers"]["Content-Type"][0]
    assert reused.headers["cache-control"] == recorded["headers"]["Cache-Control"][0]
    assert reused.text == recorded["body"]["string"]


def test_a_refresh_token_lasts_45_days(running, client):
    tokens = connect(client, running)
    running.sandbox.clock.advance(timedelta(days=44).total_seconds())
    refreshed = token_request(client, running, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert refreshed.status_code == 200

    running.sandbox.clock.advance(timedelta(days=45, seconds=1).total_seconds())
    expired = token_request(
        client, running, grant_type="refresh_token", refresh_token=refreshed.json()["refresh_token"]
    )
    assert_invalid_grant(expired, "Invalid refresh token")


def test_revoke_ends_the_connection(running, client):
    tokens = connect(client, running)
    assert running.sandbox.oauth.refresh_token_valid(tokens["refresh_token"])
    answer = client.post(
        "/revoke",
        data={"token_type_hint": "refresh_token", "token": tokens["refresh_token"]},
        headers=basic(running.client_id, running.client_secret),
    )
    assert (answer.status_code, answer.json()) == (200, {"revoked": True})
    assert not running.sandbox.oauth.refresh_token_valid(tokens["refresh_token"])
    refused = token_request(client, running, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert_invalid_grant(refused, "Invalid refresh token")
    with pytest.raises(Unauthorized):
        running.sandbox.oauth.authenticate(f"Bearer {tokens['access_token']}")


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="none"),
        pytest.param(basic("bokslut-sandbox", "wrong"), id="wrong-secret"),
        pytest.param(basic("someone-else", "sandbox-secret"), id="wrong-id"),
        pytest.param({"Authorization": "Basic !!notbase64"}, id="garbled"),
    ],
)
@pytest.mark.parametrize("path", ["/token", "/revoke"])
def test_bad_client_credentials_answer_401_as_recorded(running, client, headers, path):
    form = {"grant_type": "refresh_token", "refresh_token": "x", "token": "x"}
    answer = client.post(path, data=form, headers=headers)
    recorded = recorded_response("invalid_authorization")
    assert answer.status_code == recorded["status"]["code"] == 401
    assert answer.headers["content-type"] == recorded["headers"]["Content-Type"][0]
    assert answer.text == recorded["body"]["string"]


def test_access_tokens_expire_after_an_hour(running, client):
    oauth = running.sandbox.oauth
    access_token = connect(client, running)["access_token"]
    running.sandbox.clock.advance(3599)
    assert oauth.authenticate(f"Bearer {access_token}").client_id == running.client_id
    running.sandbox.clock.advance(1)
    with pytest.raises(Unauthorized):
        oauth.authenticate(f"Bearer {access_token}")


def test_expire_access_tokens_makes_every_token_fail(running, client):
    oauth = running.sandbox.oauth
    access_token = connect(client, running)["access_token"]
    oauth.expire_access_tokens()
    with pytest.raises(Unauthorized):
        oauth.authenticate(f"Bearer {access_token}")
    assert oauth.authenticate(f"Bearer {connect(client, running)['access_token']}")


@pytest.mark.parametrize("action", ["expire", "revoke"])
def test_a_companys_connections_expire_or_end_on_request_without_moving_the_clock(running, client, action):
    """What the demo and the tests use to walk the expired path: POST /sandbox/companies/{tenant}/expire (or
    /revoke). That company's tokens stop working, as Fortnox answers them (401, invalid_grant); another's do not."""
    nordljus, fjallbacken = running.sandbox.tenants[:2]
    mine = exchange(client, running, fresh_code(running, nordljus.org_number)).json()
    theirs = exchange(client, running, fresh_code(running, fjallbacken.org_number)).json()
    offset = running.sandbox.clock.now() - datetime.now(UTC)
    answer = httpx.post(f"{running.base_url}/sandbox/companies/{nordljus.tenant_id}/{action}")
    assert answer.json() == {"tenant": nordljus.tenant_id, "done": action}
    assert running.sandbox.clock.now() - datetime.now(UTC) < offset + timedelta(seconds=60)  # no jump of days
    api = httpx.get(f"{running.api_url}/companyinformation", headers={"Authorization": f"Bearer {mine['access_token']}"})
    assert (api.status_code, api.json()) == (401, {"message": "unauthorized"})
    refused = token_request(client, running, grant_type="refresh_token", refresh_token=mine["refresh_token"])
    assert_invalid_grant(refused, "Invalid refresh token")
    assert running.sandbox.oauth.authenticate(f"Bearer {theirs['access_token']}").tenant_id == fjallbacken.tenant_id
    assert running.sandbox.oauth.refresh_token_valid(theirs["refresh_token"])
    assert httpx.post(f"{running.base_url}/sandbox/companies/999/{action}").status_code == 404


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer not.a.token", "Basic Zm9vOmJhcg=="])
def test_authenticate_refuses_what_it_did_not_issue(running, header):
    with pytest.raises(Unauthorized):
        running.sandbox.oauth.authenticate(header)


@pytest.mark.parametrize("scope", ["bookkeeping nosuchscope", "Bookkeeping", ""])
def test_an_invalid_scope_is_refused_before_login(running, client, scope):
    answer = client.get(authorize_url(running, scope=scope))
    assert answer.status_code == 302
    callback = callback_params(answer.headers["location"], running)
    assert (callback["error"], callback["state"]) == ("invalid_scope", "st4te")
    assert "code" not in callback


def test_unsupported_response_type_goes_back_to_the_app(running, client):
    answer = client.get(authorize_url(running, response_type="token"))
    assert callback_params(answer.headers["location"], running)["error"] == "unsupported_response_type"


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"client_id": "<b>unknown</b>"}, id="unknown-client"),
        pytest.param({"redirect_uri": "https://evil.example/callback"}, id="remote-redirect"),
        pytest.param({"redirect_uri": ""}, id="no-redirect"),
    ],
)
def test_an_untrusted_client_or_redirect_gets_an_error_page_not_a_redirect(running, client, overrides):
    answer = client.get(authorize_url(running, **overrides))
    assert answer.status_code == 400
    assert "location" not in answer.headers
    assert answer.headers["content-type"].startswith("text/html")
    assert "<b>unknown" not in answer.text


def test_denying_consent_sends_access_denied(running):
    callback = callback_params(give_consent_blocking(authorize_url(running, state="s-1"), deny=True), running)
    assert (callback["error"], callback["state"]) == ("access_denied", "s-1")
    assert "code" not in callback


def test_the_consent_page_shows_login_companies_and_scopes_and_escapes_the_url(running, client):
    state = '"><script>alert(1)</script>'
    page = client.get(authorize_url(running, state=state, scope="bookkeeping settings"))
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert "<script>" not in page.text
    assert "&lt;script&gt;" in page.text
    assert 'name="username"' in page.text and 'type="password"' in page.text
    assert all(tenant.org_number in page.text for tenant in running.sandbox.tenants)
    assert "<li>bookkeeping</li>" in page.text and "<li>settings</li>" in page.text
    location = give_consent_blocking(authorize_url(running, state=state))
    assert callback_params(location, running)["state"] == state


def test_a_wrong_password_shows_the_page_again(running, client):
    tenant = running.sandbox.tenants[0]
    form = {
        "client_id": running.client_id,
        "redirect_uri": running.redirect_uri,
        "scope": SCOPES,
        "state": "s",
        "response_type": "code",
        "username": DEMO_USER,
        "password": DEMO_PASSWORD + "x",
        "tenant": str(tenant.tenant_id),
        "decision": "allow",
    }
    answer = client.post("/auth", data=form)
    assert answer.status_code == 200
    assert "Wrong e-mail or password" in answer.text


def test_auto_consent_redirects_at_once_with_a_code_for_the_first_company():
    with running_sandbox(SandboxConfig(auto_consent=True)) as running, httpx.Client(
        base_url=running.auth_url, follow_redirects=False
    ) as client:
        answer = client.get(authorize_url(running, state="auto"))
        assert answer.status_code == 302
        callback = callback_params(answer.headers["location"], running)
        assert callback["state"] == "auto"
        tokens = exchange(client, running, callback["code"]).json()
        assert jwt_payload(tokens["access_token"])["tenantId"] == running.sandbox.tenants[0].tenant_id


def test_give_consent_reports_an_error_page_as_plain_text(running):
    with pytest.raises(ConsentFailed, match="answered 400: Cannot connect Unknown client_id") as raised:
        give_consent_blocking(authorize_url(running, client_id="nobody"))
    assert "<" not in str(raised.value)
