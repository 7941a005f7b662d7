"""The start screen: every company in the store, and importing a SIE file by typing its path."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Label, ProgressBar, Static

from core import ledger
from core.store.orgnr import format_org_number
from tui.i18n import t
from tui.jobs import ImportJob
from tui.screens.base import BokslutScreen
from tui.screens.overview import OverviewScreen
from tui.text import literal
from tui.widgets.activity_panel import describe_counts


class CompaniesScreen(BokslutScreen):
    HELP_KEY = "help.companies"
    BINDINGS = [
        Binding("enter", "open", "key.open", id="companies.open"),
        Binding("i", "focus_import", "key.import", id="companies.import"),
        Binding("escape", "focus_list", show=False, id="companies.list"),
    ]

    def compose_body(self) -> ComposeResult:
        yield DataTable(id="companies", cursor_type="row", zebra_stripes=True)
        yield Label(t("companies.import_label"))
        yield Input(placeholder=t("companies.import_placeholder"), id="import-path")
        yield ProgressBar(id="import-progress", show_eta=False)
        yield Static(id="import-status")

    def on_mount(self) -> None:
        self.set_title(t("companies.title"))
        table = self.query_one("#companies", DataTable)
        table.add_column(t("companies.name"), width=38)
        table.add_column(t("companies.org_number"), width=11)
        table.add_column(t("companies.years"))
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

    def show_companies(self, companies: list) -> None:
        table = self.query_one("#companies", DataTable)
        table.clear()
        for company_id, name, org_number, years in companies:
            table.add_row(
                literal(name),
                literal(format_org_number(org_number)),
                literal(", ".join(sorted(years))),
                key=str(company_id),
            )
        if not companies and self.app.last_job is None:  # the hint must not hide how an import ended
            self.query_one("#import-status", Static).update(t("companies.none"))
            self.set_focus(self.query_one("#import-path", Input))

    def action_focus_import(self) -> None:
        self.set_focus(self.query_one("#import-path", Input))

    def action_focus_list(self) -> None:
        self.set_focus(self.query_one("#companies", DataTable))

    @on(DataTable.RowSelected, "#companies")
    def action_open(self) -> None:
        """Enter on the list (the table selects the row) or Open from the command palette."""
        table = self.query_one("#companies", DataTable)
        if table.row_count:
            company_id = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            self.app.push_screen(OverviewScreen(int(company_id)))

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
        name = job.path.name
        if job.status == "queued":
            status = t("companies.queued", file=name)
        elif job.status == "running":
            status = t("companies.importing", file=name, counts=describe_counts(job.counts))
        elif job.status == "done":
            status = t("companies.imported", summary=job.message)
        else:
            status = t("companies.failed", message=job.message)
        self.query_one("#import-status", Static).update(
            literal(status, style="bold red" if job.status == "failed" else "", wrap=True)
        )
