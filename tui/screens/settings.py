"""Settings → Import settings: the company's data source and, for Fortnox, its connection. The interface's language
is the app's, not a company's: it lives in the app settings (tui.screens.app_settings)."""

from __future__ import annotations

import asyncio
import datetime as dt
from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from core.errors import user_message
from core.store.models import Company, utc_now
from core.store.orgnr import format_org_number
from tui.data_source import connection_text, other_source, set_company_source, source_choices, source_name
from tui.fortnox import FortnoxStatus, read_status, tell
from tui.i18n import store_words, t
from tui.jobs import ImportJob
from tui.messages import DisconnectEnded, FortnoxWorkEnded
from tui.navigation import Place
from tui.screens.base import BokslutScreen
from tui.screens.confirm import ConfirmScreen
from tui.text import literal
from tui.widgets.activity_panel import import_status


class SettingsScreen(BokslutScreen):
    HELP_KEY = "help.settings"
    BINDINGS = [
        Binding("d", "switch_source", "key.switch_source", id="settings.source"),
        Binding("c", "connect", "key.connect", id="settings.connect"),
        Binding("x", "disconnect", "key.disconnect_short", tooltip="key.disconnect", id="settings.disconnect"),
        Binding("y", "new_year", "key.new_year", show=False, id="settings.new_year"),  # in F1 and the palette
        Binding("escape", "app.pop_screen", "key.back", id="settings.back"),
    ]

    def __init__(self, company_id: int) -> None:
        super().__init__()
        self.company_id = company_id
        self.status: FortnoxStatus | None = None
        self.busy = False  # a disconnect is running
        self.following_since: dt.datetime | None = None  # when the import that follows a connection was asked for

    def compose_body(self) -> ComposeResult:
        yield Static(id="settings")
        yield Static(id="settings-status")

    def on_mount(self) -> None:
        self.set_title(t("settings.title"))
        self.app.store_changed.subscribe(self, lambda _: self.load())
        self.app.activity_changed.subscribe(self, lambda _entries: self.show_import(self.app.last_job))
        self.load()

    def on_screen_resume(self) -> None:
        """Back from the connect screen: the connection may have changed."""
        if self.status is not None:
            self.load()

    def load(self) -> None:
        settings, company_id = self.app.settings, self.company_id
        self.run_query(lambda: read_status(settings, company_id), self.show)

    def show(self, status: FortnoxStatus) -> None:
        self.status = status
        self.set_title(f"{t('settings.title')}: {status.name}")
        text = Text(no_wrap=False)
        text.append(literal(status.name, style="bold"))
        text.append("   " + t("overview.org_number", org=format_org_number(status.org_number)) + "\n\n")
        text.append(t("settings.source") + "\n", style="bold")
        text.append_text(source_choices(status.source))
        text.append("\n\n")
        text.append(t("settings.fortnox") + "\n", style="bold")
        text.append(f"  {t('settings.connection')}: ")
        text.append(connection_text(status))
        text.append("\n")
        if status.token_store:
            text.append(f"  {t('settings.token_store')}: ")
            text.append(literal(store_words(status.token_store)))
            text.append("\n")
        if status.error:
            text.append("  ")
            text.append(literal(status.error, style="bold red", wrap=True))
            text.append("\n")
        if not status.fortnox:
            text.append("  " + t("settings.choose_fortnox") + "\n", style="dim")
        elif status.connection != "connected":
            text.append("  " + t("settings.connect_hint") + "\n", style="dim")
        self.query_one("#settings", Static).update(text)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Connect when Fortnox is the source; disconnect while a connection (even an expired one) is kept."""
        if self.status is None:
            return True if action not in ("connect", "disconnect", "switch_source") else None
        if action == "connect":
            return self.status.fortnox and not self.busy
        if action == "disconnect":
            return self.status.connection != "disconnected" and not self.busy
        return True

    def action_switch_source(self) -> None:
        if self.status is None:
            return
        db, company_id, source = self.db, self.company_id, other_source(self.status.source)
        self.run_query(lambda: set_company_source(db, company_id, source), lambda _: self.switched(source))

    def switched(self, source: str) -> None:
        self.show_status(t("settings.switched", source=source_name(source)))
        self.app.store_changed.publish(None)

    def action_new_year(self) -> None:
        self.app.go(Place.NEW_YEAR, company_id=self.company_id)

    def action_connect(self) -> None:
        """Once connected, the import follows by itself (the start guide's next step, or the new import an expired
        connection asked for)."""
        if self.status is not None and self.status.fortnox:
            self.app.go(
                Place.CONNECT, self.connected, company_id=self.company_id, then_import=True,
                service_account=self.status.service_account,
            )  # fmt: skip

    def connected(self, made: bool | None) -> None:
        if made and self.status is not None:
            self.following_since = utc_now()
            self.import_from_fortnox(self.company_id, self.status.org_number)

    def show_import(self, job: ImportJob | None) -> None:
        """The import that followed a connection made here, not an older one (the status line says other things)."""
        since, status = self.following_since, self.status
        if job is not None and since is not None and status is not None and job.queued_at >= since:
            if job.company_org == status.org_number:
                self.show_status(import_status(job))

    def action_disconnect(self) -> None:
        if self.status is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.start_disconnect()

        question = t("settings.disconnect_question", company=self.status.name)
        self.app.push_screen(ConfirmScreen(question), answered)

    def start_disconnect(self) -> None:
        """In a thread of the app's, so leaving this screen never cuts a revocation short."""
        self.busy = True
        self.refresh_bindings()
        self.show_status(t("settings.disconnecting"))
        self.app.run_worker(partial(self._disconnect, self.app), thread=True, group="fortnox", exit_on_error=False)

    def _disconnect(self, app) -> None:
        """In the worker thread; `app` is handed in, as this screen may be gone before it ends."""
        from core.fortnox.connection import disconnect_company

        with app.db.connection_context():
            try:
                company = Company.get_by_id(self.company_id)
                revoked = asyncio.run(disconnect_company(app.settings, company))
                tell(self, DisconnectEnded(revoked=revoked))
            except Exception as error:  # a readable line, never a traceback; the attempt is on record
                tell(self, DisconnectEnded(error=user_message(error)))
        app.post_message(FortnoxWorkEnded())

    def on_disconnect_ended(self, message: DisconnectEnded) -> None:
        self.busy = False
        if message.error:
            self.show_status(Text(t("settings.disconnect_failed", message=message.error), style="bold red"))
        elif self.status is not None and self.status.service_account:  # the status read before the disconnect
            self.show_status(t("settings.disconnected_service"))
        else:
            self.show_status(t("settings.disconnected" if message.revoked else "settings.disconnected_already"))
        self.load()

    def show_status(self, status: str | Text) -> None:
        self.query_one("#settings-status", Static).update(
            status if isinstance(status, Text) else literal(status, wrap=True)
        )
