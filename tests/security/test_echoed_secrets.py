"""A gateway that echoes the request into its error answers must not carry a token, the client secret or the Basic
credential into a message, a retry warning, the activity log or the store, in any form it could echo them in."""

from __future__ import annotations

import base64
import secrets
from urllib.parse import quote, quote_plus

import httpx
import pytest

from core.fortnox.client import FortnoxClient
from core.fortnox.errors import FortnoxRejected
from core.text import register_secret
from fortnox_sandbox.app import SandboxConfig
from fortnox_sandbox.serve import running_sandbox
from tests.export.conftest import draft
from tests.fortnox.conftest import NORDLJUS, connect, free_port, sandbox_env
from tests.postgres import database_text

TOKEN_FILE = "fortnox-tokens.json"  # the one place the refresh token may be


@pytest.fixture
def echoing_sandbox():
    config = SandboxConfig(client_secret=f"secret/+={secrets.token_urlsafe(16)}", vouchers_per_year=60)
    with running_sandbox(config, redirect_uri=f"http://127.0.0.1:{free_port()}/callback") as running:
        yield running


def _forms(secret: str) -> list[str]:
    encoded = base64.b64encode(secret.encode()).decode()
    return [secret, quote(secret, safe=""), quote_plus(secret), encoded.rstrip("=")]


def test_an_echoing_server_puts_no_secret_anywhere(cli, echoing_sandbox):
    cli.extra_env.update(sandbox_env(echoing_sandbox))
    faults = echoing_sandbox.sandbox.faults
    printed: list[str] = []

    def run(*args: str):
        result = cli(*args)
        printed.extend((result.stdout, result.stderr))
        return result

    run("company", "add", "--org-number", NORDLJUS, "--name", "Nordljus Konsult AB")
    connected = connect(cli, NORDLJUS)
    assert connected.returncode == 0, connected.stderr

    faults.echo(1, status=400, path="/oauth-v1/token")  # the renewal: refresh token and Basic credential echoed
    refused = run("import-fortnox", "--company", NORDLJUS)
    assert refused.returncode == 2
    assert "Bad request" in refused.stderr.splitlines()[-1]  # the refusal itself: one line after the progress

    faults.echo(2, status=503, path="/3/financialyears")  # retry warnings through logging, then it works
    calm = run("import-fortnox", "--company", NORDLJUS)
    assert calm.returncode == 0, calm.stderr
    assert "retry" in calm.stderr

    faults.echo(1, status=400, path="/3/sie")  # the bearer token echoed in Fortnox's ErrorInformation
    refused = run("import-fortnox", "--company", NORDLJUS, "--all-years")
    assert refused.returncode == 2
    assert "Fortnox refused GET /sie" in refused.stderr and "[redacted]" in refused.stderr
    run("activity", "--json")

    credential = base64.b64encode(f"{echoing_sandbox.client_id}:{echoing_sandbox.client_secret}".encode()).decode()
    hunted = [*echoing_sandbox.sandbox.oauth.secrets_issued(), echoing_sandbox.client_secret, credential]
    stored = {
        path.name: path.read_bytes() for path in cli.data_dir.rglob("*") if path.is_file() and path.name != TOKEN_FILE
    }
    if "://" in str(cli.store):
        stored["the PostgreSQL store"] = database_text(str(cli.store))
    for secret in hunted:
        for form in _forms(secret):
            for name, content in stored.items():
                assert form.encode() not in content, f"a secret is in {name}"
            for text in printed:
                assert form not in text, "a secret was printed"


class _Tokens:
    def __init__(self, token: str) -> None:
        self.token = token

    async def access_token(self) -> str:
        return self.token

    async def refreshed_access_token(self) -> str:
        return self.token


async def test_a_huge_error_body_is_neither_read_whole_nor_kept():
    """Today a 50 MB error page grew the store by 150 MB: only the start is read, and only 2 KB of words kept."""
    token = secrets.token_urlsafe(32)
    served = 0

    async def body():
        nonlocal served
        yield b'{"ErrorInformation":{"code":2000588,"message":"' + token.encode() + b" "
        for _ in range(50 * 1024):
            served += 1024
            yield b"x" * 1024

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, content=body())

    async with FortnoxClient("https://fortnox.test/3", _Tokens(token), transport=httpx.MockTransport(answer)) as client:
        with pytest.raises(FortnoxRejected) as refused:
            await client.get_json("/sie")
    assert served < 1024 * 1024
    assert len(str(refused.value)) < 2500 and token not in str(refused.value)


def test_every_form_of_a_registered_secret_is_redacted():
    from core.text import outside_text, register_basic_credential

    secret = f"s/+={secrets.token_urlsafe(12)}"
    register_secret(secret)
    register_basic_credential("client-id", secret)
    credential = base64.b64encode(f"client-id:{secret}".encode()).decode()
    echoed = " | ".join([*_forms(secret), base64.b64encode(secret.encode()).decode(), f"Basic {credential}"])
    kept = outside_text(echoed)
    assert all(form not in kept for form in [*_forms(secret), credential])
    assert kept.count("[redacted]") == 6


def test_an_echoing_server_on_the_export_keeps_no_secret_with_the_entry(nordljus, sandbox):
    """The export keeps Fortnox's refusal per entry (its failure, the attempt, the activity entry's lines): an echoed
    POST must leave the bearer token out of all of them and out of what is printed."""
    entry = nordljus.add(draft("Skatt på årets resultat", ("8910", "1000.00"), ("2512", "-1000.00")))
    sandbox.sandbox.faults.echo(1, status=400, path="/3/vouchers", method="POST")
    refused = nordljus.export("--yes", "--json")
    assert refused.returncode == 2, (refused.stdout, refused.stderr)
    (result,) = refused.json()["entries"]
    assert result["id"] == entry.id and result["outcome"] == "failed" and "[redacted]" in result["message"]
    shown = nordljus.cli("activity", "--json")
    hunted = [*sandbox.sandbox.oauth.secrets_issued(), sandbox.client_secret]
    stored = {p.name: p.read_bytes() for p in nordljus.cli.data_dir.rglob("*") if p.is_file() and p.name != TOKEN_FILE}
    if "://" in str(nordljus.cli.store):
        stored["the PostgreSQL store"] = database_text(str(nordljus.cli.store))
    for secret in hunted:
        for form in _forms(secret):
            assert not [name for name, content in stored.items() if form.encode() in content]
            assert form not in refused.stdout + refused.stderr + shown.stdout
