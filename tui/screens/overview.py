"""The import overview of one company: its years, its last import, a year's checks and monthly result,
and importing a SIE file into this company."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, Label, ProgressBar, Static

from core import integrity
from core.overview import ClosingState, CompanyOverview, closing_state, company_overview
from core.reconcile.report import progress_at_work
from core.store.models import Company
from core.store.orgnr import format_org_number
from tui.i18n import format_count, format_money, format_time, has_text, t, tn
from tui.screens.base import BokslutScreen
from core.text import printable
from tui.fortnox import FortnoxStatus, read_status
from tui.jobs import ImportJob
from tui.data_source import connection_text, source_name
from tui.navigation import Place
from tui.text import literal
from tui.widgets.activity_panel import import_status
from tui.widgets.path_input import PathInput

BAR_WIDTH = 12  # characters of the largest month's bar in the monthly chart
CHECK_STYLES = {"ok": "green", "warning": "yellow", "error": "bold red"}
# core.integrity writes its results in English only ("<what>: <outcome>"): the outcomes it can have, by key
NOT_CHECKED = {
    integrity.NO_VOUCHERS: "no-vouchers",
    "not checked, the year has no #IB or #UB": "no-balances",
    "not checked, the year has no #RES": "no-res",
    "not checked, the file has no #UB -1": "no-previous-in-file",
    "not checked, no imported previous year with #UB": "no-previous-in-store",
    "not checked, the year has no #IB": "no-opening",
}
DIFFERENCES = re.compile(r"(\d+) differences?")
OPENING_SUM = re.compile(r"the opening balances sum to (-?\d+\.\d\d), often last year's result not yet booked")


def monthly_chart(months: tuple[tuple[str, Decimal], ...]) -> Table:
    """The result of each month as a labelled bar and its amount, two columns of months so a year fits 80×24;
    a loss is a red bar. Bars are whole characters scaled to the largest month (money stays Decimal)."""
    names = t("overview.month_names").split()
    largest = max((abs(result) for _month, result in months), default=Decimal(0))
    half = (len(months) + 1) // 2
    chart = Table.grid(padding=(0, 1))
    for _side in range(2):
        chart.add_column(no_wrap=True)
        chart.add_column(width=BAR_WIDTH, no_wrap=True)
        chart.add_column(justify="right", no_wrap=True)
    cells = []
    for month, result in months:
        length = int(abs(result) * BAR_WIDTH / largest) if largest else 0
        bar = Text("█" * length or "▏", style="red" if result < 0 else "green")
        cells.append((Text(f"{names[int(month[5:]) - 1]} {month[2:4]}"), bar, Text(format_money(result))))
    for row in range(half):
        right = cells[row + half] if row + half < len(cells) else (Text(""),) * 3
        chart.add_row(*cells[row], *right)
    return chart


def integrity_words(check: integrity.CheckResult) -> str:
    """An import check in the reader's language: its name by id, its outcome by its words; one this does not know
    stays as core wrote it."""
    _what, _, outcome = check.message.partition(": ")
    if not has_text(f"integrity.{check.check_id}"):
        return check.message
    counted = DIFFERENCES.fullmatch(outcome)
    if outcome == "no differences":
        outcome = t("integrity_outcome.no-differences")
    elif counted:
        outcome = tn("integrity_outcome.differences", int(counted[1]))
    elif outcome in NOT_CHECKED:
        outcome = t(f"integrity_outcome.{NOT_CHECKED[outcome]}")
    elif summed := OPENING_SUM.fullmatch(outcome):
        outcome = t("integrity_outcome.opening-sum", amount=format_money(Decimal(summed[1])))
    return f"{t(f'integrity.{check.check_id}')}: {outcome}"


class OverviewScreen(BokslutScreen):
    HELP_KEY = "help.overview"
    AUTO_FOCUS = ""  # nothing to focus until i shows the import field: the screen's keys answer
    BINDINGS = [
        Binding("b", "trial_balance", "key.trial_balance", id="overview.trial_balance"),
        Binding("t", "transactions", "key.transactions", id="overview.transactions"),
        Binding("e", "closing", "key.closing", id="overview.closing"),
        Binding("i", "import_file", "key.import_here", tooltip="key.import", id="overview.import"),
        # one import key whatever the source: i imports from Fortnox when it is the source (check_action picks one)
        Binding("i", "fortnox_import", "key.import_here", tooltip="key.fortnox_import", id="overview.fortnox"),
        Binding("s", "settings", "key.settings", tooltip="key.import_settings", id="overview.settings"),
        Binding("left", "year(-1)", "key.previous_year", show=False, id="overview.previous_year"),
        Binding("right", "year(1)", "key.next_year", show=False, id="overview.next_year"),
        Binding("up", "scroll(-1)", "key.scroll_up", show=False, id="overview.scroll_up"),
        Binding("down", "scroll(1)", "key.scroll_down", show=False, id="overview.scroll_down"),
        Binding("escape", "back", "key.back", show=False, id="overview.back"),  # 80 columns: F1 keeps its place
        # The closing's steps: main keys, in the footer (two lines at 80 columns)
        Binding("k", "checks", "key.checks", id="overview.checks"),
        Binding("p", "periods", "key.periods", id="overview.periods"),
        Binding("r", "reports", "key.reports", id="overview.reports"),
        Binding("x", "tax", "key.tax", id="overview.tax"),
        Binding("a", "reconcile", "key.reconcile", id="overview.reconcile"),
        Binding("y", "new_year", "key.new_year", id="overview.new_year"),
    ]

    def __init__(self, company_id: int, start_guide: bool = False) -> None:
        super().__init__()
        self.company_id = company_id
        self.overview: CompanyOverview | None = None
        self.source: FortnoxStatus | None = None
        self.start_guide = start_guide  # a new company: lead on to connecting it, or to its first file
        self.waiting_for_year: Callable[[int], None] | None = None  # a key pressed before the year was read

    def compose_body(self) -> ComposeResult:
        # Not focusable, so ← and → change the year; ↑ and ↓ scroll it when long checks need more than 80×24.
        with VerticalScroll(id="overview", can_focus=False):
            yield Static(id="facts")
            state = Static(id="closing-state")  # shown once read: it sums the year's final trial balance
            state.display = False
            yield state
            progress = Static(id="reconcile-progress")  # shown once read: it sums the year's books
            progress.display = False
            yield progress
            yield Static(id="checks")
            yield Label(id="result-label")
            yield Static(id="monthly-result")
        yield PathInput(placeholder=t("overview.import_placeholder"), id="import-path")
        yield ProgressBar(id="import-progress", show_eta=False)
        yield Static(id="import-status")

    def on_mount(self) -> None:
        self.app.store_changed.subscribe(self, lambda _: self.load(self.overview.year_id if self.overview else None))
        self.app.activity_changed.subscribe(self, lambda _entries: self.show_import(self.app.last_job))
        self.load(None)

    def load(self, year_id: int | None) -> None:
        db, settings, company_id = self.db, self.app.settings, self.company_id

        def read() -> tuple[CompanyOverview, FortnoxStatus]:
            fortnox = Company.get_by_id(company_id).source == "fortnox"  # only then is the token store asked
            return company_overview(db, company_id, year_id), read_status(settings, company_id, connection=fortnox)

        self.run_query(read, self.show)

    def show(self, read: tuple[CompanyOverview, FortnoxStatus]) -> None:
        overview, self.source = read
        self.overview = overview
        self.refresh_bindings()
        waiting, self.waiting_for_year = self.waiting_for_year, None
        if waiting is not None and overview.year_id:
            waiting(overview.year_id)
        if self.start_guide:
            self.start_guide = False
            self.lead_on()
        self.set_title(f"{t('overview.title')}: {overview.name}")
        facts = Text(no_wrap=True, overflow="ellipsis")
        facts.append(printable(overview.name), style="bold")
        facts.append("   " + t("overview.org_number", org=format_org_number(overview.org_number)))
        facts.append("   " + t("overview.source", source=source_name(self.source.source)))
        if self.source.fortnox:
            facts.append(" (")
            facts.append_text(connection_text(self.source))
            facts.append(")")
        facts.append("\n")
        chosen = next(((start, end) for year_id, start, end in overview.years if year_id == overview.year_id), None)
        if chosen is None:
            facts.append(t("overview.no_years"))
        else:  # the chosen year in full first, so a narrow terminal cuts only the list of the others
            facts.append(t("overview.year", start=chosen[0], end=chosen[1]), style="bold")
            facts.append("   ")
            for year_id, start, end in overview.years:
                label = str(end.year) if start.year == end.year else f"{start.year}/{end.year % 100:02}"
                facts.append(f" {label} ", style="reverse" if year_id == overview.year_id else "")
        facts.append("\n")
        last = overview.last_import
        if last is None:
            facts.append(t("overview.no_import"))
        else:
            counts = (
                f"{format_count(last.vouchers)} / {format_count(last.transactions)} / {format_count(last.balances)}"
            )
            facts.append(
                t(
                    "overview.last_import",
                    file=printable(last.file_name),
                    finished=format_time(last.finished),
                    counts=counts,
                )
            )
        self.query_one("#facts", Static).update(facts)
        if overview.year_id is not None:
            db, year_id = self.db, overview.year_id
            self.run_query(lambda: progress_at_work(db, year_id), self.show_progress, group="progress")
            self.run_query(lambda: closing_state(db, year_id), self.show_state, group="state")
        self.query_one("#checks", Static).update(self._checks_text(overview))
        months = overview.monthly_results
        self.query_one("#result-label", Label).update(
            t("overview.monthly_result", first=months[0][0], last=months[-1][0]) if months else ""
        )
        self.query_one("#monthly-result", Static).update(monthly_chart(months))

    def show_state(self, state: ClosingState) -> None:
        """The state of the year's closing: its key figures (final: with the closing entries), the checks that
        found something or could not run, the periods locked and the closing entries by status."""
        figures = Table.grid(padding=(0, 2))
        labels = ("overview.revenue", "overview.result", "overview.assets", "overview.cash")
        amounts = (state.figures.revenue, state.figures.result, state.figures.balance_sheet_total, state.figures.cash)
        for _label in labels:
            figures.add_column(justify="right", no_wrap=True)
        figures.add_row(*(Text(t(label), style="bold") for label in labels))
        figures.add_row(*(Text(format_money(amount)) for amount in amounts))
        checks = Text(t("overview.checks_state") + " ")
        if not state.checks_run:  # not "0 with findings": nothing has been looked at
            checks.append(t("overview.checks_never_run"), style="yellow")
        else:
            checks.append(tn("overview.checks_red", state.checks_red), style="bold red" if state.checks_red else "")
            checks.append(", ")
            checks.append(tn("overview.checks_orange", state.checks_orange),
                          style="yellow" if state.checks_orange else "")  # fmt: skip
        checks.append("   " + t("overview.periods_locked", locked=state.periods_locked, total=state.periods))
        entries = Text(t("overview.entries_state", drafts=tn("overview.entries_draft", state.entries["not_exported"]),
                         exported=tn("overview.entries_exported", state.entries["exported"])))  # fmt: skip
        if state.entries["failed"]:
            entries.append(", ")
            entries.append(tn("overview.entries_failed", state.entries["failed"]), style="bold red")
        line = self.query_one("#closing-state", Static)
        line.display = True
        line.update(Group(figures, checks, entries))

    def show_progress(self, progress: dict) -> None:
        """How far the closing has come in the period at work: accounts reconciled of those with a balance, and
        the differences left."""
        line = self.query_one("#reconcile-progress", Static)
        line.display = True
        accounts = tn("overview.reconciled_accounts", progress["accounts_with_balance"], done=progress["reconciled"])
        differences = tn("overview.differences_left", progress["differences"])
        line.update(Text(t("overview.reconcile_progress", period=progress["period"], accounts=accounts,
                           differences=differences), style="bold red" if progress["differences"] else ""))

    def _checks_text(self, overview: CompanyOverview) -> Group:
        """Each check's status, then its message wrapped under itself, so the result at its end always shows."""
        if overview.year_id is None:
            return Group()
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=max(len(t(f"status.{status}")) for status in CHECK_STYLES), no_wrap=True)
        grid.add_column(ratio=1, overflow="fold")
        for check in overview.checks:
            status = Text(t("status." + check.status), style=CHECK_STYLES.get(check.status, ""))
            grid.add_row(status, literal(integrity_words(check), wrap=True))
        return Group(Text(t("overview.checks"), style="bold"), grid)

    def action_year(self, step: int) -> None:
        if self.overview is None or not self.overview.years:
            return
        ids = [year_id for year_id, _start, _end in self.overview.years]
        position = ids.index(self.overview.year_id) + step
        if 0 <= position < len(ids):
            self.load(ids[position])

    def action_scroll(self, lines: int) -> None:
        self.query_one("#overview", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_import_file(self) -> None:
        field = self.query_one("#import-path", Input)
        field.display = True
        self.set_focus(field)

    def action_back(self) -> None:
        self.leave_field_or_screen("#import-path")

    @on(Input.Submitted, "#import-path")
    def start_import(self, event: Input.Submitted) -> None:
        overview = self.overview
        self.import_typed_path(event, overview.org_number or None if overview else None, ready=overview is not None)

    def show_import(self, job: ImportJob | None) -> None:
        """The progress bar and status line follow the newest import into this company."""
        if job is None or self.overview is None or not job.company_org:
            return
        if job.company_org == self.overview.org_number:
            bar = self.query_one("#import-progress", ProgressBar)
            bar.display = job.status == "running"
            bar.update(total=job.total_bytes or None, progress=job.bytes_read)  # by bytes: nothing counts records first
            self.show_status(import_status(job))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """One import key: Fortnox's when it is the source, else the SIE file's (switch in the import settings)."""
        if action == "fortnox_import":
            return self.source is not None and self.source.fortnox
        if action == "import_file":
            return self.source is None or not self.source.fortnox
        return True

    def action_fortnox_import(self) -> None:
        """The seed's "perform a new import to reconnect": an expired or missing connection starts the connect flow,
        and the import follows once consent is given. One Fortnox refuses only now fails with that same way out."""
        if self.overview is None or self.source is None or not self.source.fortnox:
            return
        if self.source.connection != "connected":
            self.app.go(
                Place.CONNECT, self.reconnected, company_id=self.company_id, then_import=True,
                service_account=self.source.service_account,
            )  # fmt: skip
            return
        self.app.start_fortnox_import(self.company_id, self.overview.org_number)

    def reconnected(self, made: bool | None) -> None:
        if made and self.source is not None:
            self.import_from_fortnox(self.company_id, self.source.org_number)

    def action_settings(self) -> None:
        self.app.go(Place.SETTINGS, company_id=self.company_id)

    def action_new_year(self) -> None:
        self.app.go(Place.NEW_YEAR, company_id=self.company_id)

    def lead_on(self) -> None:
        """The start guide: a Fortnox company goes on to its import settings (to connect), a SIE one to its file."""
        if self.source is not None and self.source.fortnox:
            self.action_settings()
        else:
            self.action_import_file()

    def show_status(self, status: str | Text) -> None:
        line = self.query_one("#import-status", Static)
        line.display = True
        line.update(status)

    def with_year(self, go: Callable[[int], None]) -> None:
        """Open a step of the year's closing: at once when the year is read, else as soon as it is (a key typed
        ahead over a slow link used to do nothing, though the footer showed it)."""
        if self.overview is not None and self.overview.year_id:
            go(self.overview.year_id)
        elif self.overview is None:
            self.waiting_for_year = go

    def action_trial_balance(self) -> None:
        self.with_year(lambda year: self.app.go(Place.TRIAL_BALANCE, company_id=self.company_id, fiscal_year_id=year))

    def action_closing(self) -> None:
        self.with_year(lambda year: self.app.go(Place.CLOSING, fiscal_year_id=year))

    def action_transactions(self) -> None:
        self.with_year(lambda year: self.app.go(Place.TRANSACTIONS, fiscal_year_id=year))

    def action_checks(self) -> None:
        self.with_year(lambda year: self.app.go(Place.CHECKS, company_id=self.company_id, fiscal_year_id=year))

    def action_periods(self) -> None:
        self.with_year(lambda year: self.app.go(Place.PERIODS, fiscal_year_id=year))

    def action_reports(self) -> None:
        self.with_year(lambda year: self.app.go(Place.REPORTS, company_id=self.company_id, fiscal_year_id=year))

    def action_tax(self) -> None:
        self.with_year(lambda year: self.app.go(Place.TAX, fiscal_year_id=year))

    def action_reconcile(self) -> None:
        self.with_year(lambda year: self.app.go(Place.RECONCILE, fiscal_year_id=year))
