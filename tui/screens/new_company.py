"""A new company: name, organisation number and data source; the first step of the start guide."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, Label, RadioSet, Static

from core import ledger
from core.errors import BokslutError
from tui.i18n import t
from tui.navigation import Place
from tui.screens.base import BokslutScreen
from tui.text import literal
from tui.widgets.choice import Choice


class NewCompanyScreen(BokslutScreen):
    """Tab moves between the fields; Enter in a field (or Ctrl+S anywhere) creates the company."""

    HELP_KEY = "help.new_company"
    BINDINGS = [
        Binding("ctrl+s", "create", "key.create", id="new_company.create"),  # letters go into the fields
        Binding("escape", "app.pop_screen", "key.cancel", id="new_company.cancel"),
    ]

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="new-company", can_focus=False):
            yield Label(t("new_company.name"))
            yield Input(id="company-name")
            yield Label(t("new_company.org_number"))
            yield Input(placeholder="NNNNNN-NNNN", id="company-org")
            yield Label(t("new_company.source"))
            with RadioSet(id="company-source", compact=True):
                yield Choice(t("source.fortnox"), value=True, id="source-fortnox", compact=True)
                yield Choice(t("source.sie_file"), id="source-sie-file", compact=True)
            yield Static(id="new-company-status")

    def on_mount(self) -> None:
        self.set_title(t("new_company.title"))
        self.set_focus(self.query_one("#company-name", Input))

    @on(Input.Submitted)
    def submitted(self, _event: Input.Submitted) -> None:
        self.action_create()

    def action_create(self) -> None:
        name = self.query_one("#company-name", Input).value
        org = self.query_one("#company-org", Input).value
        pressed = self.query_one("#company-source", RadioSet).pressed_button
        source = "sie-file" if pressed is not None and pressed.id == "source-sie-file" else "fortnox"
        if not name.strip():
            self.show_error(t("new_company.no_name"), "#company-name")
            return
        if not org.strip():
            self.show_error(t("new_company.no_org"), "#company-org")
            return

        db = self.db

        def create():
            try:
                return ledger.add_company(db, name, org, source).id
            except BokslutError as error:  # the store's reasons, e.g. a number already in use
                return str(error)

        self.run_query(create, self.created, group="create")

    def created(self, outcome: int | str) -> None:
        if isinstance(outcome, str):
            self.show_error(outcome, "#company-org")
            return
        self.app.store_changed.publish(None)
        self.app.pop_screen()
        self.app.go(Place.OVERVIEW, company_id=outcome, start_guide=True)

    def show_error(self, message: str, field: str) -> None:
        self.query_one("#new-company-status", Static).update(literal(message, style="bold red", wrap=True))
        self.set_focus(self.query_one(field, Input))
