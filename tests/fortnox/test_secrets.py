"""No token, code or client secret in the database file, the data directory's logs, the activity log or anything
printed, through a whole connect, import, expiry and disconnect over real HTTP."""

from __future__ import annotations

import secrets

import pytest

from fortnox_sandbox.app import SandboxConfig
from fortnox_sandbox.serve import running_sandbox
from tests.fortnox.conftest import NORDLJUS, connect, free_port, sandbox_env
from tests.postgres import database_text

TOKEN_FILE = "fortnox-tokens.json"  # the one place the refresh token may be: a 0600 file meant for it


@pytest.fixture
def secret_sandbox():
    config = SandboxConfig(client_secret=f"secret-{secrets.token_urlsafe(16)}", vouchers_per_year=100)
    with running_sandbox(config, redirect_uri=f"http://127.0.0.1:{free_port()}/callback") as running:
        yield running


def test_no_secret_leaves_its_place(cli, secret_sandbox):
    cli.extra_env.update(sandbox_env(secret_sandbox))
    printed: list[str] = []

    def run(*args: str):
        result = cli(*args)
        printed.extend((result.stdout, result.stderr))
        return result

    run("company", "add", "--org-number", NORDLJUS, "--name", "Nordljus Konsult AB")
    connected = connect(cli, NORDLJUS)
    printed.extend((connected.stdout, connected.stderr))
    assert connected.returncode == 0
    assert run("import-fortnox", "--company", NORDLJUS).returncode == 0
    secret_sandbox.sandbox.oauth.expire_access_tokens()
    assert run("import-fortnox", "--company", NORDLJUS).returncode == 0  # the 401 path: refresh and retry
    secret_sandbox.sandbox.clock.advance(46 * 24 * 3600)
    assert run("import-fortnox", "--company", NORDLJUS).returncode == 2  # expired: the error path
    run("status", "--json")
    run("activity", "--json")
    run("disconnect", "--company", NORDLJUS)

    issued = secret_sandbox.sandbox.oauth.secrets_issued()
    assert len(issued) >= 7  # a code and at least three access/refresh pairs
    hunted = [*issued, secret_sandbox.client_secret]
    stored = {
        path.name: path.read_bytes()
        for path in cli.data_dir.rglob("*")
        if path.is_file() and path.name != TOKEN_FILE
    }
    if "://" in str(cli.store):  # the shared store is on a server: its rows are searched like a file
        stored["the PostgreSQL store"] = database_text(str(cli.store))
    assert any(name.startswith(("bokslut.sqlite3", "the PostgreSQL store")) for name in stored)
    for secret in hunted:
        for name, content in stored.items():
            assert secret.encode() not in content, f"a token or secret is in {name}"
        for text in printed:
            assert secret not in text, "a token or secret was printed"
