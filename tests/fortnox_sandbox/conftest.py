"""Sandbox fixtures: a fresh sandbox per test, an ASGI client, and bearer tokens got through the real OAuth flow."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from fortnox_sandbox import consent_page
from fortnox_sandbox.app import Sandbox, SandboxConfig, create_sandbox
from fortnox_sandbox.data import NORDLJUS
from fortnox_sandbox.oauth import DEMO_PASSWORD, DEMO_USER

REDIRECT_URI = "http://127.0.0.1:8765/callback"
ALL_SCOPES = ("companyinformation", "bookkeeping", "costcenter", "project", "settings")

Connect = Callable[..., Awaitable[httpx.AsyncClient]]


def asgi_client(sandbox: Sandbox) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=sandbox.app), base_url="http://sandbox.test")


@pytest.fixture
def asgi_sandbox() -> Sandbox:
    return create_sandbox(SandboxConfig(vouchers_per_year=600))


@pytest.fixture
async def anonymous(asgi_sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(asgi_sandbox) as client:
        yield client


async def access_token(
    client: httpx.AsyncClient, sandbox: Sandbox, tenant_id: int = NORDLJUS.tenant_id, scopes=ALL_SCOPES
) -> str:
    """Log in on the consent page, pick the company, and exchange the code like an app would."""
    consent = await client.post(
        "/oauth-v1/auth",
        data={
            "client_id": sandbox.config.client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": " ".join(scopes),
            "state": "test-state",
            "response_type": "code",
            consent_page.USERNAME_FIELD: DEMO_USER,
            consent_page.PASSWORD_FIELD: DEMO_PASSWORD,
            consent_page.TENANT_FIELD: str(tenant_id),
            consent_page.DECISION_FIELD: consent_page.ALLOW,
        },
    )
    assert consent.status_code == 303, consent.text
    code = parse_qs(urlsplit(consent.headers["location"]).query)["code"][0]
    token = await client.post(
        "/oauth-v1/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI},
        auth=(sandbox.config.client_id, sandbox.config.client_secret),
    )
    assert token.status_code == 200, token.text
    return token.json()["access_token"]


@pytest.fixture
async def open_api(asgi_sandbox: Sandbox) -> AsyncIterator[Connect]:
    """open_api(tenant_id=..., scopes=...) -> an ASGI client whose requests carry that connection's bearer token."""
    clients: list[httpx.AsyncClient] = []

    async def open_client(tenant_id: int = NORDLJUS.tenant_id, scopes=ALL_SCOPES) -> httpx.AsyncClient:
        client = asgi_client(asgi_sandbox)
        clients.append(client)
        token = await access_token(client, asgi_sandbox, tenant_id, scopes)
        client.headers["Authorization"] = f"Bearer {token}"
        return client

    yield open_client
    for client in clients:
        await client.aclose()


@pytest.fixture
async def api(open_api: Connect) -> httpx.AsyncClient:
    """Nordljus Konsult AB with every scope bokslut asks for."""
    return await open_api()
