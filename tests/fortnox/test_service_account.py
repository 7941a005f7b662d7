"""A Fortnox service account beside the user login: an administrator consents once (account_type=service), then
tokens come from client credentials with the TenantId header, no refresh token and no days to lapse, until the
consent is revoked in Fortnox. Real `bokslut` processes against the sandbox over loopback."""

from __future__ import annotations

import asyncio
import subprocess

from fortnox_sandbox.browser import give_consent_blocking
from tests.export.conftest import NORDLJUS_TENANT
from tests.fortnox.conftest import NORDLJUS


def _connect_as_service_account(cli) -> tuple[int, str, str]:
    """`bokslut connect --service-account`, the administrator consenting in a browser elsewhere and pasting back."""
    process = subprocess.Popen(
        cli.command("connect", "--company", NORDLJUS, "--no-browser", "--service-account"),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli.env,
    )  # fmt: skip
    seen = []
    for line in process.stdout:
        seen.append(line)
        if line.startswith(("Listening on", "Not listening")):
            break
    (address,) = [line.strip() for line in seen if "/oauth-v1/auth?" in line]
    assert "account_type=service" in address
    process.stdin.write(give_consent_blocking(address, NORDLJUS) + "\n")
    process.stdin.flush()
    out, err = process.communicate(timeout=60)
    return process.returncode, "".join(seen) + out, err


def _status(cli) -> dict:
    (status,) = cli("status", "--company", NORDLJUS, "--json").json()
    return status


def test_a_service_account_connects_imports_without_a_refresh_token_and_ends_when_revoked(fortnox_cli, sandbox):
    cli = fortnox_cli
    assert cli("company", "add", "--org-number", NORDLJUS, "--name", "Nordljus Konsult AB").returncode == 0
    code, out, err = _connect_as_service_account(cli)
    assert code == 0, err
    assert "until an administrator revokes the consent in Fortnox" in out
    status = _status(cli)
    assert (status["connection"], status["account"], status["days_left"]) == ("connected", "service", None)
    assert "Fortnox connected (service account)" in cli("status", "--company", NORDLJUS).stdout

    issued_before = set(sandbox.sandbox.oauth.secrets_issued())
    imported = cli("import-fortnox", "--company", NORDLJUS, "--json")
    assert imported.returncode == 0, imported.stderr
    new_tokens = set(sandbox.sandbox.oauth.secrets_issued()) - issued_before
    assert len(new_tokens) == 1  # one access token from client credentials; no refresh token to rotate

    # Forgotten here, the consent stays in Fortnox: --tenant-id takes it up again without a browser.
    disconnected = cli("disconnect", "--company", NORDLJUS)
    assert disconnected.returncode == 0 and "consent stays in Fortnox" in disconnected.stdout
    assert _status(cli)["connection"] == "disconnected"
    again = cli("connect", "--company", NORDLJUS, "--service-account", "--tenant-id", str(NORDLJUS_TENANT))
    assert again.returncode == 0, again.stderr
    assert (_status(cli)["connection"], _status(cli)["account"]) == ("connected", "service")

    sandbox.sandbox.oauth.revoke_consents(NORDLJUS_TENANT)
    refused = cli("import-fortnox", "--company", NORDLJUS)
    assert refused.returncode != 0
    assert "consent was revoked or never given" in refused.stderr
    assert (_status(cli)["connection"], _status(cli)["account"]) == ("expired", "service")


def test_a_tenant_without_service_consent_is_refused_and_nothing_is_kept(fortnox_cli):
    cli = fortnox_cli
    assert cli("company", "add", "--org-number", NORDLJUS, "--name", "Nordljus Konsult AB").returncode == 0
    refused = cli("connect", "--company", NORDLJUS, "--service-account", "--tenant-id", str(NORDLJUS_TENANT))
    assert refused.returncode != 0
    assert f"service account of tenant {NORDLJUS_TENANT}" in refused.stderr
    assert _status(cli)["connection"] == "disconnected"


async def test_the_app_shows_a_service_account_connection_as_one(fortnox_cli, sandbox, tmp_path, monkeypatch):
    """A service account has no days to lapse: the overview says connected (service account), where a user login
    says the days left; the app must not stumble on the days it does not have."""
    from core.config import load_settings
    from core.store.db import open_store
    from tests.fortnox.conftest import sandbox_env
    from tests.tui.pilot import press, settle
    from tui.app import BokslutApp
    from tui.preferences import Preferences
    from tui.screens.overview import OverviewScreen

    cli = fortnox_cli
    assert cli("company", "add", "--org-number", NORDLJUS, "--name", "Nordljus Konsult AB").returncode == 0
    assert (await asyncio.to_thread(_connect_as_service_account, cli))[0] == 0  # its browser runs a loop of its own
    assert cli("import-fortnox", "--company", NORDLJUS).returncode == 0
    for name, value in sandbox_env(sandbox).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("BOKSLUT_DATABASE_URL", cli.env["BOKSLUT_DATABASE_URL"])  # the store the CLI wrote to
    (tmp_path / "empty.toml").touch()
    settings = load_settings(str(cli.data_dir), str(tmp_path / "empty.toml"))
    db = open_store(settings.store)
    app = BokslutApp(db, settings, Preferences("en", {}))
    async with app.run_test(size=(160, 40)) as pilot:  # the facts line is cut at 80 columns
        await settle(pilot)
        await press(pilot, "enter")
        assert isinstance(app.screen, OverviewScreen) and app.return_code is None
        shown = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        assert "connected (service account)" in shown and "days left" not in shown
    db.close()
