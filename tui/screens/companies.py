"""The start screen: every company in the store, importing a SIE file by typing its path (Tab completes it),
renaming a company and removing a company or one of its fiscal years."""

from __future__ import annotations

from pathlib import Path

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from core import ledger
from core.reconcile.report import progress_at_work
from core.store.models import Company
from core.store.orgnr import format_org_number
from tui.bindings import translate_bindings
from tui.i18n import t, tn
from tui.jobs import ImportJob
from tui.navigation import Place
from tui.screens.base import BokslutScreen
from tui.screens.confirm import ConfirmScreen
from tui.text import literal
from tui.widgets.activity_panel import import_status
from tui.widgets.path_input import PathInput
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
        Binding("e", "rename", "key.rename", show=False, id="companies.rename"),  # in F1 and the palette
        Binding("delete", "remove", "key.remove", show=False, id="companies.remove"),
        Binding("s", "app_settings", "key.app_settings", show=False, id="companies.app_settings"),
        Binding("escape", "focus_list", show=False, id="companies.list"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.companies: list = []  # (id, name, org number, years) as last read, laid out again on a resize
        self.progress: dict[int, str] = {}  # company id -> reconciled of accounts with a balance, read after the list
        self.offered_import = False  # the empty store puts the cursor in the file field, once
        self.importing: Path | None = None  # the file typed here, until its import ends: kept in the field if it fails

    def compose_body(self) -> ComposeResult:
        yield RowTable(id="companies", cursor_type="row", zebra_stripes=True)
        yield Label(t("companies.import_label"), id="import-label")
        yield PathInput(placeholder=t("companies.import_placeholder"), id="import-path")
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

    def action_app_settings(self) -> None:
        self.app.go(Place.APP_SETTINGS)

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
        """The path stays in the field until the import has gone well: a mistyped one is corrected, not retyped."""
        path = self.query_one("#import-path", PathInput).path
        if path is None:
            self.query_one("#import-status", Static).update(t("companies.no_path"))
            return
        self.importing = path
        self.app.start_import(path)

    def show_import(self, job: ImportJob | None) -> None:
        """The progress bar and status line follow the newest import of this session."""
        if job is None:
            return
        bar = self.query_one("#import-progress", ProgressBar)
        bar.display = not job.finished  # an idle bar would animate for nothing over a slow link
        bar.update(total=job.total_bytes or None, progress=job.bytes_read)  # by bytes: nothing counts records first
        self.query_one("#import-status", Static).update(import_status(job))
        if job.finished and job.path is not None and job.path == self.importing:
            self.importing = None
            if job.status == "done":  # on to the list, where the company now is
                self.query_one("#import-path", Input).clear()
                self.set_focus(self.query_one("#companies", RowTable))

    # --- rename, remove --------------------------------------------------------------------------

    def action_rename(self) -> None:
        company_id = self.highlighted_company()
        if company_id is None:
            return
        name = next(name for found, name, *_ in self.companies if found == company_id)

        def renamed(new_name: str | None) -> None:
            if new_name and new_name != name:
                self.run_query(
                    lambda: ledger.rename_company(self.db, Company.get_by_id(company_id), new_name),
                    lambda _: self.app.store_changed.publish(None), group="rename",
                )  # fmt: skip

        self.app.push_screen(RenameDialog(name), renamed)

    def action_remove(self) -> None:
        """The whole company or one of its years, chosen in a list; then a question naming what goes."""
        company_id = self.highlighted_company()
        if company_id is None:
            return
        _, name, _, years = next(company for company in self.companies if company[0] == company_id)

        def chosen(year: str | None) -> None:
            if year is not None:
                self.run_query(lambda: removal_of(self.db, company_id, year), lambda gone: self.ask(company_id, gone, year))

        self.app.push_screen(RemoveDialog(name, sorted(years)), chosen)

    def ask(self, company_id: int, gone: ledger.Removal, year: str) -> None:
        spans = ", ".join(f"{start} – {end}" for start, end in gone.years) or t("overview.no_years")
        counts = t("companies.remove_counts", vouchers=tn("companies.vouchers", gone.vouchers),
                   entries=tn("companies.closing_entries", gone.closing_entries))  # fmt: skip
        question = (
            t("companies.remove_company_question", company=gone.company, years=spans, counts=counts)
            if year == WHOLE_COMPANY
            else t("companies.remove_year_question", company=gone.company, year=spans, counts=counts)
        )

        def answered(yes: bool | None) -> None:
            if yes:
                db, settings = self.db, self.app.settings
                self.run_query(lambda: remove(db, settings, company_id, year), self.removed, group="remove")

        self.app.push_screen(ConfirmScreen(question), answered)

    def removed(self, gone: ledger.Removal) -> None:
        self.query_one("#import-status", Static).update(literal(t("companies.removed", company=gone.company)))
        self.app.store_changed.publish(None)


WHOLE_COMPANY = "company"


def removal_of(db, company_id: int, year: str) -> ledger.Removal:
    company = Company.get_by_id(company_id)
    fiscal_year = None if year == WHOLE_COMPANY else ledger.resolve_fiscal_year(db, company, int(year))
    return ledger.removal(db, company, fiscal_year)


def remove(db, settings, company_id: int, year: str) -> ledger.Removal:
    """A company's Fortnox token goes with it (`settings` say where it is kept)."""
    company = Company.get_by_id(company_id)
    if year == WHOLE_COMPANY:
        return ledger.remove_company(db, company, settings)
    return ledger.remove_fiscal_year(db, company, ledger.resolve_fiscal_year(db, company, int(year)))


class RenameDialog(ModalScreen[str | None]):
    """The company's name in a field: Enter keeps the change, Esc leaves the name as it was."""

    BINDINGS = [Binding("escape", "dismiss(None)", "key.cancel", id="rename.cancel")]
    DEFAULT_CSS = """
    RenameDialog { align: center middle; }
    RenameDialog > Vertical { width: 60; height: auto; border: round $primary; background: $surface; padding: 0 1; }
    """

    def __init__(self, name: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.name_now = name

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = t("companies.rename_title")
            yield Input(self.name_now, id="new-name")
            yield Static(id="rename-problem")

    def on_mount(self) -> None:
        self.set_focus(self.query_one(Input))

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.query_one("#rename-problem", Static).update(t("error.company_needs_name"))
            return
        self.dismiss(event.value.strip())


class RemoveDialog(ModalScreen[str | None]):
    """What to remove: the whole company or one fiscal year (by the calendar year it ends in)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "key.cancel", id="remove.cancel")]
    DEFAULT_CSS = """
    RemoveDialog { align: center middle; }
    RemoveDialog > Vertical { width: 60; height: auto; border: round $warning; background: $surface; padding: 0 1; }
    RemoveDialog OptionList { height: auto; max-height: 12; border: none; }
    """

    def __init__(self, company: str, years: list[str]) -> None:
        super().__init__()
        translate_bindings(self)
        self.company = company
        self.years = years

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = t("companies.remove_title")
            yield OptionList(
                Option(literal(t("companies.remove_whole", company=self.company)), id=WHOLE_COMPANY),
                *(Option(t("companies.remove_one_year", year=year), id=year) for year in self.years),
            )

    def on_mount(self) -> None:
        self.set_focus(self.query_one(OptionList))

    @on(OptionList.OptionSelected)
    def selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
