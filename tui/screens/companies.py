"""The start screen: every company in the store, and importing a SIE file by typing its path."""

from __future__ import annotations

from pathlib import Path

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Label, ProgressBar, Static

from core import ledger
from core.reconcile.report import progress_at_work
from core.store.orgnr import format_org_number
from tui.i18n import t
from tui.jobs import ImportJob
from tui.navigation import Place
from tui.screens.base import BokslutScreen
from tui.text import literal
from tui.widgets.activity_panel import import_status
from tui.widgets.row_table import RowTable


def reconcile_progress(db) -> dict[int, str]:
    """Per company, its latest year's period at work: accounts reconciled of those with a balance ("12/30"), and
    "!3" for differences left, so a firm sees which clients are done."""
    shown = {}
    for company in ledger.list_companies(db):
        latest = max(company.fiscal_years, key=lambda year: year.end, default=None)
        if latest is not None:
            done = progress_at_work(db, latest.id)
            left = f" !{done['differences']}" if done["differences"] else ""
            shown[company.id] = f"{done['reconciled']}/{done['accounts_with_balance']}{left}"
    return shown


class CompaniesScreen(BokslutScreen):
    HELP_KEY = "help.companies"
    BINDINGS = [
        Binding("enter", "open", "key.open", id="companies.open"),
        Binding("i", "focus_import", "key.import", id="companies.import"),
        Binding("n", "new_company", "key.new_company", id="companies.new"),
        Binding("y", "new_year", "key.new_year", id="companies.new_year"),
        Binding("escape", "focus_list", show=False, id="companies.list"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.companies: list = []  # (id, name, org number, years) as last read, laid out again on a resize
        self.progress: dict[int, str] = {}  # company id -> reconciled of accounts with a balance, read after the list
        self.offered_import = False  # the empty store puts the cursor in the file field, once

    def compose_body(self) -> ComposeResult:
        yield RowTable(id="companies", cursor_type="row", zebra_stripes=True)
        yield Label(t("companies.import_label"), id="import-label")
        yield Input(placeholder=t("companies.import_placeholder"), id="import-path")
        yield ProgressBar(id="import-progress", show_eta=False)
        yield Static(id="import-status")

    def on_mount(self) -> None:
        self.set_title(t("companies.title"))
        self.app.activity_changed.subscribe(self, lambda _entries: self.show_import(self.app.last_job))
        self.app.store_changed.subscribe(self, lambda _: self.load())
        self.show_import(self.app.last_job)
        self.load()

    def load(self) -> None:
        def companies():
            return [
                (
                    company.id,
                    company.name,
                    company.org_number or "",
                    [str(year.end.year) for year in company.fiscal_years],
                )
                for company in ledger.list_companies(self.db)
            ]

        self.run_query(companies, self.show_companies)
        self.run_query(lambda: reconcile_progress(self.db), self.show_progress, group="progress")

    def show_companies(self, companies: list) -> None:
        self.companies = companies
        self.lay_out()
        if not companies and self.app.last_job is None:  # the hint must not hide how an import ended
            self.query_one("#import-status", Static).update(t("companies.none"))
            if not self.offered_import:  # once: a later refresh must not pull the cursor back from where the user went
                self.offered_import = True
                self.set_focus(self.query_one("#import-path", Input))

    def show_progress(self, progress: dict[int, str]) -> None:
        self.progress = progress
        self.lay_out()

    def lay_out(self) -> None:
        """The years column fits every year; the name takes what is left."""
        rows = [
            (
                (literal(name), literal(format_org_number(org_number)), literal(", ".join(sorted(years))),
                 self.progress.get(company_id, "")),
                str(company_id),
            )
            for company_id, name, org_number, years in self.companies
        ]
        headers = (t("companies.name"), t("companies.org_number"), t("companies.years"), t("companies.progress"))
        self.query_one("#companies", RowTable).show_rows(headers, rows, flexible=0)

    def on_resize(self, _event: events.Resize) -> None:
        self.lay_out()

    def action_focus_import(self) -> None:
        self.set_focus(self.query_one("#import-path", Input))

    def action_new_company(self) -> None:
        self.app.go(Place.NEW_COMPANY)

    def action_new_year(self) -> None:
        """The start guide's other way in: the next year of the highlighted company, from its data source."""
        company_id = self.highlighted_company()
        if company_id is not None:
            self.app.go(Place.NEW_YEAR, company_id=company_id)

    def highlighted_company(self) -> int | None:
        table = self.query_one("#companies", RowTable)
        if not table.row_count:
            return None
        return int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_focus_list(self) -> None:
        self.set_focus(self.query_one("#companies", RowTable))

    def action_open(self) -> None:
        """Enter on the list, or Open from the command palette."""
        company_id = self.highlighted_company()
        if company_id is not None:
            self.app.go(Place.OVERVIEW, company_id=company_id)

    @on(Input.Submitted, "#import-path")
    def start_import(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        if not typed:
            self.query_one("#import-status", Static).update(t("companies.no_path"))
            return
        self.app.start_import(Path(typed).expanduser())
        event.input.clear()

    def show_import(self, job: ImportJob | None) -> None:
        """The progress bar and status line follow the newest import of this session."""
        if job is None:
            return
        bar = self.query_one("#import-progress", ProgressBar)
        bar.display = not job.finished  # an idle bar would animate for nothing over a slow link
        bar.update(total=job.expected_transactions or None, progress=job.transactions)
        self.query_one("#import-status", Static).update(import_status(job))
