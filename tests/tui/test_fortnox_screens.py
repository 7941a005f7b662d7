"""The Fortnox flow through Pilot at 80×24, against the sandbox over loopback HTTP: a new company, its import
settings, connecting with no browser on this machine (the address read off the screen, consent given as a browser
elsewhere would, the answer pasted), importing, an expired connection, and disconnecting.

Nothing sleeps: `settle` waits for the app's workers, `until` for the event the connect screen sets once it waits
for the browser (a worker that waits on the user would keep `settle` waiting for ever).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import socket
from functools import partial
from urllib.parse import urlsplit

import pytest
from textual.widgets import Input, Static

import core.fortnox.connection
from core.activity import list_activity
from core.fortnox.client import FortnoxClient
from fortnox_sandbox import data as sandbox_data
from fortnox_sandbox.app import SandboxConfig
from fortnox_sandbox.browser import give_consent
from fortnox_sandbox.serve import running_sandbox
from core.fortnox.settings import fortnox_settings
from core.fortnox.throttle import RateLimiter
from core.fortnox.tokens import open_token_store, token_key
from core.store.models import Company
from tests.fortnox.conftest import FJALLBACKEN, NORDLJUS, free_port, sandbox_env
from tests.tui.conftest import SIZE
from tests.tui.pilot import press, settle, until
from tui.screens.confirm import ConfirmScreen
from tui.screens.connect import ConnectScreen
from tui.screens.new_company import NewCompanyScreen
from tui.screens.overview import OverviewScreen
from tui.screens.settings import SettingsScreen


def static_text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


@pytest.fixture
def sandbox(monkeypatch):
    """The sandbox on loopback, the app pointed at it by the environment, and its waits on the sandbox's clock."""
    config = SandboxConfig(vouchers_per_year=150, rate_limit=True)
    with running_sandbox(config, redirect_uri=f"http://127.0.0.1:{free_port()}/callback") as running:
        for name, value in sandbox_env(running).items():
            monkeypatch.setenv(name, value)

        async def sandbox_time(seconds: float) -> None:
            running.sandbox.clock.advance(seconds)

        limiter = RateLimiter(clock=lambda: running.sandbox.clock.now().timestamp(), sleep=sandbox_time)
        monkeypatch.setattr(core.fortnox.connection, "FortnoxClient", partial(FortnoxClient, sleep=sandbox_time))
        monkeypatch.setattr(core.fortnox.connection, "shared_limiter", lambda *_: limiter)
        yield running


async def new_company(pilot, name: str, org_number: str) -> None:
    """From an empty Companies screen: n, the form, Enter. A Fortnox company goes on to its import settings."""
    await press(pilot, "escape", "n")  # an empty store starts in the import field: Esc leaves it
    assert isinstance(pilot.app.screen, NewCompanyScreen)
    pilot.app.screen.query_one("#company-name", Input).value = name
    pilot.app.screen.query_one("#company-org", Input).value = org_number
    await press(pilot, "enter")


async def open_connect(pilot) -> ConnectScreen:
    """c on the import settings; returns once the address and the listener's state are on screen."""
    await pilot.press("c")
    screen = pilot.app.screen
    assert isinstance(screen, ConnectScreen)
    await until(pilot, screen.waiting)
    return screen


async def paste(pilot, text: str) -> None:
    """What the user's terminal does with a paste into the focused field, then Enter; waits for the connect."""
    field = pilot.app.screen.query_one("#connect-paste", Input)
    assert field.has_focus
    field.value = text
    await press(pilot, "enter")


def token_kept(app, org_number: str) -> bool:
    store = open_token_store(app.settings, fortnox_settings(app.settings))
    return store.load(token_key(org_number)) is not None


async def test_connect_import_expire_and_disconnect(make_app, store, sandbox):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await new_company(pilot, "Nordljus Konsult AB", NORDLJUS)
        assert isinstance(app.screen, SettingsScreen)  # the start guide leads on to connecting
        shown = static_text(app.screen, "#settings")
        assert "(•) Fortnox" in shown and "not connected" in shown

        screen = await open_connect(pilot)
        url = screen.url
        assert url.startswith(sandbox.auth_url + "/auth?")
        assert static_text(screen, "#connect-url") == url  # in full: wrapped, never cut
        port = urlsplit(sandbox.redirect_uri).port
        assert f"Listening on http://127.0.0.1:{port}/callback" in static_text(screen, "#connect-listener")
        assert f"ssh -L {port}:127.0.0.1:{port}" in static_text(screen, "#connect-next")
        await pilot.press("ctrl+y")
        assert app.clipboard == url  # OSC 52

        await paste(pilot, await give_consent(url, NORDLJUS))  # waits for the connect, then the import it starts
        assert screen not in app.screen_stack  # the words of the connection are said in a notice instead
        result = next(notice.message for notice in app._notifications if notice.message.startswith("Connected"))
        assert result.startswith(
            "Connected to Nordljus Konsult AB (556123-4567) in Fortnox. The connection lasts 30 days"
        )
        assert "file" in result and "token" not in result.split("The token")[0]

        # the start guide goes on to the import by itself: back on the import settings, which follow it
        assert isinstance(app.screen, SettingsScreen)
        shown = static_text(app.screen, "#settings")
        assert "connected, 30 days left" in shown and "Token kept in: file" in shown
        assert static_text(app.screen, "#settings-status").startswith(
            "Done: Nordljus Konsult AB (556123-4567): imported 3 years"
        )

        await press(pilot, "escape")
        assert isinstance(app.screen, OverviewScreen)
        assert "Source: Fortnox (connected, 30 days left)" in static_text(app.screen, "#facts")
        overview = app.screen.overview
        assert len(overview.years) == 3
        assert overview.checks and all(check.status == "ok" for check in overview.checks)
        assert overview.last_import.source == "fortnox"
        status = static_text(app.screen, "#import-status")
        assert status.startswith("Done: Nordljus Konsult AB (556123-4567): imported 3 years")

        # Expired at Fortnox (no clock moved): the import Fortnox refuses says how to go on, and the status is expired.
        sandbox.sandbox.oauth.expire_consents(sandbox_data.NORDLJUS.tenant_id)
        await press(pilot, "i")
        status = static_text(app.screen, "#import-status")
        assert "expired" in status and "Press i on the overview to connect again; the import follows by itself." in status
        assert "Source: Fortnox (expired" in static_text(app.screen, "#facts")
        # "Perform a new import to reconnect": i connects first, and the import follows the consent by itself.
        await pilot.press("i")
        screen = app.screen
        assert isinstance(screen, ConnectScreen)
        await until(pilot, screen.waiting)
        await paste(pilot, await give_consent(screen.url, NORDLJUS))
        assert isinstance(app.screen, OverviewScreen)
        assert static_text(app.screen, "#import-status").startswith("Done: Nordljus Konsult AB (556123-4567): imported")
        assert "Source: Fortnox (connected, 30 days left)" in static_text(app.screen, "#facts")

        # A connection bokslut counts as lapsed (its 30 days): i goes straight to the connect flow.
        token_store = open_token_store(app.settings, fortnox_settings(app.settings))
        kept = token_store.load(token_key(NORDLJUS))
        old = kept.obtained - dt.timedelta(days=31)
        token_store.save(token_key(NORDLJUS), dataclasses.replace(kept, obtained=old))
        app.store_changed.publish(None)
        await settle(pilot)
        await pilot.press("i")
        assert isinstance(app.screen, ConnectScreen)
        await press(pilot, "escape")
        await press(pilot, "s")
        assert "expired: connect again" in static_text(app.screen, "#settings")

        await press(pilot, "x")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "y")  # waits for the disconnect worker
        assert isinstance(app.screen, SettingsScreen)
        assert static_text(app.screen, "#settings-status").startswith("Disconnected")
        assert "not connected" in static_text(app.screen, "#settings")
        panel = static_text(app.screen, "#activity")
        for kind in ("disconnect", "import", "connect"):
            assert f"{kind} " in panel
    assert not token_kept(app, NORDLJUS)
    kinds = [(entry.kind, entry.status) for entry in list_activity(store)]
    assert kinds == [
        ("disconnect", "done"), ("connect", "failed"), ("import", "done"), ("connect", "done"), ("import", "failed"),
        ("import", "done"), ("connect", "done"),
    ]  # fmt: skip


async def test_consent_for_another_company_is_refused_and_nothing_is_kept(make_app, store, sandbox):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await new_company(pilot, "Nordljus Konsult AB", NORDLJUS)
        screen = await open_connect(pilot)
        first = screen.url
        await paste(pilot, await give_consent(first, FJALLBACKEN))
        result = static_text(screen, "#connect-result")
        assert result.startswith("Not connected: the Fortnox company")
        assert "559012-3450" in result and "nothing was changed" in result and "Try again" in result
        assert "Traceback" not in result
        assert not token_kept(app, NORDLJUS) and not token_kept(app, FJALLBACKEN)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Try again", "Cancel"} <= titles
        await pilot.press("f1")
        help_text = str(app.screen.query_one(Static).content)
        assert "Connect with no browser on this machine" in help_text and "(connect.retry)" in help_text
        await pilot.press("escape")
        assert app.screen is screen

        await pilot.press("r")  # a new address: an old one cannot be replayed
        await until(pilot, screen.waiting)
        assert screen.url != first and screen.query_one("#connect-paste", Input).has_focus
        await paste(pilot, await give_consent(screen.url, NORDLJUS))
        assert isinstance(app.screen, SettingsScreen)  # connected: on to the import, which follows by itself
        assert app._notifications and "Connected to Nordljus Konsult AB" in list(app._notifications)[-1].message
    kinds = [(entry.kind, entry.status) for entry in list_activity(store)]
    assert kinds == [("import", "done"), ("connect", "done"), ("connect", "failed")]


async def test_esc_cancels_the_connect_and_closes_the_listener(make_app, store, sandbox):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await new_company(pilot, "Nordljus Konsult AB", NORDLJUS)
        await open_connect(pilot)
        await press(pilot, "escape")  # waits until the connect's thread has ended
        assert isinstance(app.screen, SettingsScreen)
        assert "not connected" in static_text(app.screen, "#settings")
        assert "connect  failed" in static_text(app.screen, "#activity")
    with socket.socket() as probe:  # the listener let its port go
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", urlsplit(sandbox.redirect_uri).port))
    assert not token_kept(app, NORDLJUS)
    [entry] = list_activity(store)
    assert (entry.kind, entry.status) == ("connect", "failed")
    assert "cancel" in entry.message


async def test_a_new_company_form_explains_its_errors(make_app, store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await new_company(pilot, "", "")
        assert static_text(app.screen, "#new-company-status") == "Type the company's name."
        assert app.screen.query_one("#company-name", Input).has_focus
        await new_company_fields(pilot, "Nordljus Konsult AB", "12345")
        assert "is not 10 digits" in static_text(app.screen, "#new-company-status")
        assert app.screen.query_one("#company-org", Input).has_focus

        await pilot.press("tab")  # to the data source: arrows move, Enter chooses
        assert app.screen.query_one("#company-source").has_focus
        await pilot.press("down", "enter")
        app.screen.query_one("#company-org", Input).value = NORDLJUS
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, OverviewScreen)  # a SIE company goes on to its first file
        assert app.screen.query_one("#import-path", Input).has_focus
        assert "Source: SIE file" in static_text(app.screen, "#facts")

        await press(pilot, "escape", "escape", "n")
        await new_company_fields(pilot, "Another name", "5561234567")
        refused = static_text(app.screen, "#new-company-status")
        assert refused == "556123-4567 is already in the store as Nordljus Konsult AB"
        await press(pilot, "escape")
    assert [(company.name, company.source) for company in Company.select()] == [("Nordljus Konsult AB", "sie-file")]


async def new_company_fields(pilot, name: str, org_number: str) -> None:
    pilot.app.screen.query_one("#company-name", Input).value = name
    pilot.app.screen.query_one("#company-org", Input).value = org_number
    await press(pilot, "enter")


async def test_switching_the_data_source_and_the_keys_that_follow_it(make_app, demo_store, sandbox):
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "s")
        assert isinstance(app.screen, SettingsScreen)
        assert "(•) SIE file" in static_text(app.screen, "#settings")
        await press(pilot, "c")  # no connecting while the source is a SIE file
        assert isinstance(app.screen, SettingsScreen)
        await press(pilot, "d")
        assert "(•) Fortnox" in static_text(app.screen, "#settings")
        assert static_text(app.screen, "#settings-status").startswith("The data source is now Fortnox.")

        await pilot.press("f1")
        help_text = str(app.screen.query_one(Static).content)
        assert "Disconnect Fortnox company  (settings.disconnect)" not in help_text  # nothing to disconnect
        assert "Connect  (settings.connect)" in help_text and "Data source  (settings.source)" in help_text
        await press(pilot, "escape", "escape")
        assert isinstance(app.screen, OverviewScreen)
        assert "Source: Fortnox (not connected)" in static_text(app.screen, "#facts")
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Import from Fortnox", "Import settings"} <= titles and "Import SIE" not in titles

        await pilot.press("i")  # not connected: i connects first (the import would follow the consent)
        assert isinstance(app.screen, ConnectScreen)
        await until(pilot, app.screen.waiting)
        await press(pilot, "escape")
        assert isinstance(app.screen, OverviewScreen)
    assert Company.get().source == "fortnox"


async def test_a_service_account_connects_from_the_app_and_imports(make_app, store, sandbox):
    """Ctrl+T turns the connect screen to a service account: the administrator consents once in a browser elsewhere
    and the address is pasted back, or, once that consent is given, the tenant id alone connects; either way the
    import follows and the screens say service account, with no days to lapse. A tenant whose consent was revoked
    is refused and nothing is kept."""
    tenant = sandbox_data.NORDLJUS.tenant_id
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await new_company(pilot, "Nordljus Konsult AB", NORDLJUS)
        screen = await open_connect(pilot)
        assert "(•) User login" in static_text(screen, "#connect-kind")  # the product's flow is the default
        assert "account_type" not in screen.url and not screen.query_one("#connect-tenant", Input).display
        user_url = screen.url

        await pilot.press("ctrl+t")
        await until(pilot, screen.waiting)
        assert "(•) Service account" in static_text(screen, "#connect-kind")
        assert "account_type=service" in screen.url and screen.url != user_url
        assert static_text(screen, "#connect-url") == screen.url
        assert "system administrator" in static_text(screen, "#connect-open")
        port = urlsplit(sandbox.redirect_uri).port  # the user login's listener let the port go for this one
        assert f"Listening on http://127.0.0.1:{port}/callback" in static_text(screen, "#connect-listener")
        assert f"ssh -L {port}:127.0.0.1:{port}" in static_text(screen, "#connect-next")
        await pilot.press("ctrl+y")
        assert app.clipboard == screen.url

        await paste(pilot, await give_consent(screen.url, NORDLJUS))
        said = next(notice.message for notice in app._notifications if notice.message.startswith("Connected"))
        assert said.startswith("Connected to Nordljus Konsult AB (556123-4567) in Fortnox as a service account.")
        assert "until an administrator revokes the consent" in said and "days" not in said
        kept = open_token_store(app.settings, fortnox_settings(app.settings)).load(token_key(NORDLJUS))
        assert (kept.refresh_token, kept.tenant_id) == ("", tenant)
        assert isinstance(app.screen, SettingsScreen)  # on to the import, which follows by itself
        assert "connected (service account)" in static_text(app.screen, "#settings")
        assert static_text(app.screen, "#settings-status").startswith(
            "Done: Nordljus Konsult AB (556123-4567): imported 3 years"
        )
        await press(pilot, "escape")
        assert isinstance(app.screen, OverviewScreen)
        assert "Source: Fortnox (connected (service account))" in static_text(app.screen, "#facts")
        assert "days left" not in static_text(app.screen, "#facts")
        assert len(app.screen.overview.years) == 3

        # Forgotten here, the consent stays in Fortnox: the tenant id takes it up again without a browser.
        await press(pilot, "s", "x", "y")
        assert "not connected" in static_text(app.screen, "#settings")
        assert static_text(app.screen, "#settings-status").startswith(
            "Disconnected here: the service account's consent stays in Fortnox"
        )
        screen = await open_connect(pilot)
        await pilot.press("ctrl+t")
        await until(pilot, screen.waiting)
        await pilot.press("tab")
        field = screen.query_one("#connect-tenant", Input)
        assert field.has_focus
        await pilot.press("enter")  # not `press`: the listener still waits for a browser, so the app never settles
        await pilot.pause()
        said = static_text(screen, "#connect-result")
        assert said == "Type the tenant id, digits only, or consent with the address above."
        await pilot.press(*"x1")  # only digits go into the field
        assert field.value == "1"
        field.value = ""
        await pilot.press(*str(tenant))
        await press(pilot, "enter")
        assert isinstance(app.screen, SettingsScreen)
        assert "connected (service account)" in static_text(app.screen, "#settings")
        assert static_text(app.screen, "#settings-status").startswith("Done: Nordljus Konsult AB (556123-4567)")

        # Revoked in Fortnox: the import says so, and i connects again as the service account it was, where the
        # tenant id alone is refused until an administrator consents again.
        sandbox.sandbox.oauth.revoke_consents(tenant)
        await press(pilot, "escape", "i")
        assert isinstance(app.screen, OverviewScreen)
        assert "consent was revoked or never given" in static_text(app.screen, "#import-status")
        assert "Source: Fortnox (expired" in static_text(app.screen, "#facts")
        await pilot.press("i")
        screen = app.screen
        assert isinstance(screen, ConnectScreen)
        await until(pilot, screen.waiting)
        assert "(•) Service account" in static_text(screen, "#connect-kind") and "account_type=service" in screen.url
        screen.query_one("#connect-tenant", Input).value = str(tenant)
        screen.query_one("#connect-tenant", Input).focus()
        await press(pilot, "enter")
        assert app.screen is screen
        result = static_text(screen, "#connect-result")
        assert result.startswith(f"Not connected: Fortnox gave no token for the service account of tenant {tenant}")
        assert "Traceback" not in result
    entries = [(entry.kind, entry.status, entry.message) for entry in list_activity(store)]
    assert [(kind, status) for kind, status, _ in entries[:5]] == [
        ("connect", "failed"), ("connect", "failed"), ("import", "failed"), ("import", "done"), ("connect", "done"),
    ]  # fmt: skip
    assert "consent was revoked" in entries[0][2] and "cancelled" in entries[1][2]  # the listener gave way
