"""The Fortnox sandbox on real loopback HTTP, and the `bokslut` command pointed at it."""

from __future__ import annotations

import asyncio
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from fortnox_sandbox.app import SandboxConfig
from fortnox_sandbox.browser import give_consent_blocking
from fortnox_sandbox.serve import RunningSandbox, running_sandbox
from tests.fortnox_sandbox.openapi import assert_contract_kept

NORDLJUS = "556123-4567"  # the sandbox's first company: three financial years
FJALLBACKEN = "559012-3450"  # its second company


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def sandbox_env(running: RunningSandbox) -> dict[str, str]:
    return {**running.environment(), "BOKSLUT_TOKEN_STORE": "file"}


@pytest.fixture
def sandbox() -> Iterator[RunningSandbox]:
    """Every request a test makes through it, and every answer, is held to Fortnox's OpenAPI spec at teardown."""
    config = SandboxConfig(vouchers_per_year=150, rate_limit=True, record_exchanges=True)
    with running_sandbox(config, redirect_uri=f"http://127.0.0.1:{free_port()}/callback") as running:
        yield running
    assert_contract_kept(running.sandbox.exchanges)


@pytest.fixture
def fortnox_cli(cli, sandbox):
    cli.extra_env.update(sandbox_env(sandbox))
    return cli


@dataclass
class Connected:
    returncode: int
    stdout: str
    stderr: str


def connect(cli, org_number: str, *, consent_for: str | None = None, via: str = "paste") -> Connected:
    """Runs `bokslut connect` as a user over SSH would: the address is opened in a browser elsewhere, then the
    address the browser ends on is pasted (via="paste") or the browser reaches the listener (via="listener")."""
    process = subprocess.Popen(
        cli.command("connect", "--company", org_number, "--no-browser"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli.env,
    )
    seen = []
    authorize_url = None
    for line in process.stdout:
        seen.append(line)
        if "/oauth-v1/auth?" in line:
            authorize_url = line.strip()
        if line.startswith(("Listening on", "Not listening")):
            break
    assert authorize_url, "".join(seen) + process.stderr.read()
    redirect = give_consent_blocking(authorize_url, consent_for or org_number)
    if via == "paste":
        process.stdin.write(redirect + "\n")
        process.stdin.flush()
    else:
        answer = httpx.get(redirect, timeout=10)
        assert answer.status_code == 200, answer.text
    out, err = process.communicate(timeout=60)
    return Connected(process.returncode, "".join(seen) + out, err)


@dataclass
class InProcess:
    """A connected company in this process, for tests that need to reach below the CLI (faults, fake waiting)."""

    db: object
    settings: object
    company: object
    sandbox: RunningSandbox


async def connect_in_process(settings, company) -> None:
    from core.fortnox.connection import connect_company
    from fortnox_sandbox.browser import give_consent

    shown = asyncio.Event()
    address: list[str] = []

    def on_url(url: str) -> None:
        address.append(url)
        shown.set()

    async def pasted():
        await shown.wait()
        yield await give_consent(address[0], company.org_number)

    await connect_company(settings, company, pasted=pasted(), on_url=on_url)


@pytest.fixture
async def connected(tmp_path, sandbox, monkeypatch, cli) -> InProcess:
    """Nordljus connected to the sandbox; waits between retries move the sandbox's clock instead of real time.

    The store is the `cli` fixture's, so `bokslut` commands in the same test see the same books."""
    from functools import partial

    import core.fortnox.connection
    from core import ledger
    from core.config import load_settings
    from core.fortnox.client import FortnoxClient
    from core.fortnox.throttle import RateLimiter
    from core.store.db import open_store

    for name, value in sandbox_env(sandbox).items():
        monkeypatch.setenv(name, value)
    if "://" in str(cli.store):
        monkeypatch.setenv("BOKSLUT_DATABASE_URL", str(cli.store))
    (tmp_path / "empty.toml").touch()
    settings = load_settings(str(cli.data_dir), str(tmp_path / "empty.toml"))
    db = open_store(settings.store)
    company = ledger.add_company(db, "Nordljus Konsult AB", NORDLJUS)

    async def sandbox_time(seconds: float) -> None:
        sandbox.sandbox.clock.advance(seconds)
        await asyncio.sleep(0)

    limiter = RateLimiter(clock=lambda: sandbox.sandbox.clock.now().timestamp(), sleep=sandbox_time)
    monkeypatch.setattr(core.fortnox.connection, "FortnoxClient", partial(FortnoxClient, sleep=sandbox_time))
    monkeypatch.setattr(core.fortnox.connection, "shared_limiter", lambda *_: limiter)
    await connect_in_process(settings, company)
    yield InProcess(db, settings, company, sandbox)
    db.close()
