"""`bokslut sandbox` as a person uses it: start it, take the settings it prints, connect and import through it."""

from __future__ import annotations

import datetime as dt
import shlex
import signal
import subprocess
from types import SimpleNamespace

import httpx

from tests.fortnox.conftest import NORDLJUS, connect, free_port
from tests.fortnox_sandbox.conftest import access_token


def test_the_printed_settings_point_bokslut_at_the_sandbox(cli):
    server = subprocess.Popen(
        cli.command("sandbox", "--port", str(free_port()), "--auto-consent", "--vouchers", "120"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli.env,
    )
    try:
        printed = []
        for line in server.stdout:
            printed.append(line)
            if line.startswith("# company:") and len([p for p in printed if p.startswith("# company:")]) == 2:
                break
        settings = dict(
            shlex.split(line.removeprefix("export "))[0].split("=", 1) for line in printed if line.startswith("export ")
        )
        assert set(settings) == {
            "BOKSLUT_FORTNOX_CLIENT_ID", "BOKSLUT_FORTNOX_CLIENT_SECRET", "BOKSLUT_FORTNOX_REDIRECT_URI",
            "BOKSLUT_FORTNOX_AUTH_URL", "BOKSLUT_FORTNOX_API_URL",
        }
        assert all(settings[name].startswith("http://127.0.0.1:") for name in settings if name.endswith(("_URL", "_URI")))
        assert "# company: 556123-4567 Nordljus Konsult AB\n" in printed

        cli.extra_env.update(settings, BOKSLUT_TOKEN_STORE="file")
        cli.extra_env["BOKSLUT_FORTNOX_REDIRECT_URI"] = f"http://127.0.0.1:{free_port()}/callback"
        assert cli("company", "add", "--org-number", NORDLJUS, "--name", "Nordljus Konsult AB").returncode == 0
        assert connect(cli, NORDLJUS).returncode == 0  # auto-consent: the first company, no form
        imported = cli("import-fortnox", "--company", NORDLJUS, "--json")
        assert imported.returncode == 0, imported.stderr
        assert [y["fiscal_year"]["end"][:4] for y in imported.json()["years"]] == ["2023", "2024", "2025"]
        assert all(y["vouchers"] > 100 for y in imported.json()["years"])
    finally:
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=20) == 0


async def test_automatic_locking_and_lean_voucher_lists_are_switched_on_from_the_command_line(cli):
    """Over real HTTP, with a token from the printed settings, as any Fortnox client would get one."""
    server = subprocess.Popen(
        cli.command("sandbox", "--port", str(free_port()), "--vouchers", "20", "--auto-lock-months", "1",
                    "--lean-voucher-lists"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli.env,
    )  # fmt: skip
    try:
        settings = {}
        for line in server.stdout:
            if line.startswith("# company:"):
                break
            name, value = shlex.split(line.removeprefix("export "))[0].split("=", 1)
            settings[name] = value
        app = SimpleNamespace(
            config=SimpleNamespace(
                client_id=settings["BOKSLUT_FORTNOX_CLIENT_ID"], client_secret=settings["BOKSLUT_FORTNOX_CLIENT_SECRET"]
            )
        )
        base = settings["BOKSLUT_FORTNOX_AUTH_URL"].removesuffix("/oauth-v1")
        async with httpx.AsyncClient(base_url=base) as client:
            client.headers["Authorization"] = f"Bearer {await access_token(client, app)}"
            locked = (await client.get("/3/settings/lockedperiod")).json()["LockedPeriod"]["EndDate"]
            years = (await client.get("/3/financialyears")).json()["FinancialYears"]
            latest = max(years, key=lambda year: year["ToDate"])["Id"]
            listed = (await client.get("/3/vouchers/sublist/A", params={"financialyear": latest})).json()["Vouchers"]
        assert locked == (dt.date.today().replace(day=1) - dt.timedelta(days=1)).isoformat()  # last month's end
        assert listed and all("Comments" not in item for item in listed)
    finally:
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=20) == 0
