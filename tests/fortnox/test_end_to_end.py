"""Connect, import, expire, reconnect and disconnect: the `bokslut` command against the sandbox over loopback HTTP,
with a real SQLite file. Nothing is mocked."""

from __future__ import annotations

import datetime as dt
import json
import socket
import subprocess
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.fortnox.conftest import FJALLBACKEN, NORDLJUS, connect, sandbox_env

DAY = 24 * 3600


def _add(cli, org_number: str = NORDLJUS, name: str = "Nordljus Konsult AB") -> None:
    added = cli("company", "add", "--org-number", org_number, "--name", name)
    assert added.returncode == 0, added.stderr


def _status(cli, org_number: str = NORDLJUS) -> dict:
    return cli("status", "--company", org_number, "--json").json()[0]


def test_connect_by_pasting_then_import_matches_fortnox(fortnox_cli, sandbox):
    cli = fortnox_cli
    _add(cli)
    assert _status(cli)["connection"] == "disconnected"

    connected = connect(cli, NORDLJUS, via="paste")
    assert connected.returncode == 0, connected.stderr
    assert "Nordljus Konsult AB (556123-4567)" in connected.stdout
    status = _status(cli)
    assert (status["source"], status["connection"], status["days_left"]) == ("fortnox", "connected", 30)
    assert status["token_store"].startswith("file")

    imported = cli("import-fortnox", "--company", NORDLJUS, "--json")
    assert imported.returncode == 0, imported.stderr
    years = imported.json()["years"]
    assert [(y["fiscal_year"]["start"], y["fiscal_year"]["end"]) for y in years] == [
        ("2023-01-01", "2023-12-31"), ("2024-01-01", "2024-12-31"), ("2025-01-01", "2025-12-31")
    ]
    assert all(y["vouchers"] > 0 for y in years)
    assert {check["status"] for year in years for check in year["checks"]} <= {"ok", "warning"}

    balance = cli("trial-balance", "--company", NORDLJUS, "--year", "2025", "--json").json()
    bank = next(a for a in balance["accounts"] if a["number"] == "1930")
    books = next(c for c in sandbox.sandbox.companies.values() if c.tenant.org_number == NORDLJUS)
    year = books.year_for(dt.date(2025, 12, 31))
    assert Decimal(bank["closing"]) == Decimal(books.book(year.id).closing(1930)) / 100

    activity = cli("activity", "--company", NORDLJUS, "--json").json()
    assert [(e["kind"], e["status"]) for e in activity] == [("import", "done"), ("connect", "done")]
    assert activity[0]["counts"]["years"] == 3 and activity[0]["counts"]["requests"] > 3
    assert activity[0]["counts"]["rate_limited"] == 0  # the client's own throttle keeps under Fortnox's limit
    assert "Steps: renew the connection and check the company " in activity[0]["message"]
    assert "fetch 2025-01-01..2025-12-31" in activity[0]["message"]
    assert [s["step"] for s in imported.json()["steps"]][-1] == "import into the store"
    assert _status(cli)["last_import"] is not None

    again = cli("import-fortnox", "--company", NORDLJUS, "--json")
    assert [y["fiscal_year"]["end"] for y in again.json()["years"]] == ["2025-12-31"]
    assert cli("trial-balance", "--company", NORDLJUS, "--year", "2025", "--json").json() == balance


def test_connect_through_the_listener(fortnox_cli):
    _add(fortnox_cli)
    connected = connect(fortnox_cli, NORDLJUS, via="listener")
    assert connected.returncode == 0, connected.stderr
    assert "Listening on http://127.0.0.1:" in connected.stdout
    assert _status(fortnox_cli)["connection"] == "connected"


async def test_the_address_is_shown_only_once_the_listener_listens(sandbox, tmp_path, monkeypatch):
    """A script that consents the moment `bokslut connect` prints the address must find the listener there: at the
    moment the address is handed out, its redirect port already answers."""
    from core import ledger
    from core.config import load_settings
    from core.fortnox.connection import connect_company
    from core.store.db import open_store
    from fortnox_sandbox.browser import give_consent

    for name, value in sandbox_env(sandbox).items():
        monkeypatch.setenv(name, value)
    (tmp_path / "empty.toml").touch()
    settings = load_settings(str(tmp_path / "data"), str(tmp_path / "empty.toml"))
    db = open_store(settings.store)
    company = ledger.add_company(db, "Nordljus Konsult AB", NORDLJUS)
    answered: list[str] = []

    def on_url(url: str) -> None:
        port = int(parse_qs(urlsplit(url).query)["redirect_uri"][0].split(":")[-1].split("/")[0])
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass  # refused, before, when the address came before the listener
        answered.append(url)

    async def consent_at_once():
        redirect = await give_consent(answered[0], NORDLJUS)
        async with httpx.AsyncClient() as browser:  # the browser reaches the listener; nothing is pasted
            assert (await browser.get(redirect)).status_code == 200
        return
        yield  # an async generator that ends without a line

    result = await connect_company(settings, company, pasted=consent_at_once(), on_url=on_url)
    db.close()
    assert result.company.org_number == "5561234567" and len(answered) == 1


def test_consent_for_another_company_is_refused_and_nothing_kept(fortnox_cli):
    _add(fortnox_cli, FJALLBACKEN, "Fjällbäcken Bygg & Fastighet AB")
    connected = connect(fortnox_cli, FJALLBACKEN, consent_for=NORDLJUS)
    assert connected.returncode == 2
    assert "556123-4567" in connected.stderr and "559012-3450" in connected.stderr
    assert "Traceback" not in connected.stderr
    assert _status(fortnox_cli, FJALLBACKEN)["connection"] == "disconnected"
    assert fortnox_cli("import-fortnox", "--company", FJALLBACKEN).returncode == 2


def test_expired_connection_asks_to_reconnect_then_works_again(fortnox_cli, sandbox):
    _add(fortnox_cli)
    assert connect(fortnox_cli, NORDLJUS).returncode == 0
    sandbox.sandbox.clock.advance(46 * DAY)  # past Fortnox's 45 days for an unused refresh token

    refused = fortnox_cli("import-fortnox", "--company", NORDLJUS)
    assert refused.returncode == 2
    assert "connect again" in refused.stderr.lower() and "Traceback" not in refused.stderr
    assert fortnox_cli("companies", "--json").json()[0]["fiscal_years"] == []
    assert _status(fortnox_cli)["connection"] == "expired"

    assert connect(fortnox_cli, NORDLJUS).returncode == 0
    assert fortnox_cli("import-fortnox", "--company", NORDLJUS).returncode == 0
    assert len(fortnox_cli("companies", "--json").json()[0]["fiscal_years"]) == 3


def test_two_processes_renewing_at_once_keep_the_chain(fortnox_cli):
    """Each import renews (refreshes) the connection; Fortnox's refresh tokens work once, so the two must take turns."""
    _add(fortnox_cli)
    assert connect(fortnox_cli, NORDLJUS).returncode == 0
    processes = [
        subprocess.Popen(
            fortnox_cli.command("import-fortnox", "--company", NORDLJUS),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=fortnox_cli.env,
        )
        for _ in range(2)
    ]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in processes]
    assert [code for code, _ in results] == [0, 0], results
    assert fortnox_cli("import-fortnox", "--company", NORDLJUS).returncode == 0
    assert _status(fortnox_cli)["connection"] == "connected"


def test_disconnect_revokes_at_fortnox_and_is_logged(fortnox_cli, sandbox):
    _add(fortnox_cli)
    assert connect(fortnox_cli, NORDLJUS).returncode == 0
    token_file = fortnox_cli.data_dir / "fortnox-tokens.json"
    refresh_token = json.loads(token_file.read_text())["tokens"]["fortnox:5561234567"]["refresh_token"]

    disconnected = fortnox_cli("disconnect", "--company", NORDLJUS)
    assert disconnected.returncode == 0, disconnected.stderr
    assert _status(fortnox_cli)["connection"] == "disconnected"
    reuse = httpx.post(
        f"{sandbox.auth_url}/token",
        data={"grant_type": "refresh_token", "refresh_token": refresh_token},
        auth=(sandbox.client_id, sandbox.client_secret),
    )
    assert (reuse.status_code, json.loads(reuse.text)["error"]) == (400, "invalid_grant")
    refused = fortnox_cli("import-fortnox", "--company", NORDLJUS)
    assert refused.returncode == 2 and "connect" in refused.stderr.lower()
    kinds = [(e["kind"], e["status"]) for e in fortnox_cli("activity", "--json").json()]
    assert kinds[:2] == [("import", "failed"), ("disconnect", "done")]
