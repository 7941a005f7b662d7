"""The import overview of one company: its years, its last import, a year's checks and monthly result."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Label, Sparkline, Static

from core.overview import CompanyOverview, company_overview
from core.store.orgnr import format_org_number
from tui.i18n import format_count, format_time, t
from tui.screens.base import BokslutScreen
from tui.screens.transactions import TransactionsScreen
from tui.screens.trial_balance import TrialBalanceScreen
from core.text import printable

CHECK_STYLES = {"ok": "green", "warning": "yellow", "error": "bold red"}


class OverviewScreen(BokslutScreen):
    HELP_KEY = "help.overview"
    BINDINGS = [
        Binding("b", "trial_balance", "key.trial_balance", id="overview.trial_balance"),
        Binding("t", "transactions", "key.transactions", id="overview.transactions"),
        Binding("left", "year(-1)", "key.previous_year", id="overview.previous_year"),
        Binding("right", "year(1)", "key.next_year", id="overview.next_year"),
        Binding("escape", "app.pop_screen", "key.back", id="overview.back"),
    ]

    def __init__(self, company_id: int) -> None:
        super().__init__()
        self.company_id = company_id
        self.overview: CompanyOverview | None = None

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="overview"):
            yield Static(id="facts")
            yield Static(id="checks")
            yield Label(id="result-label")
            yield Sparkline([], id="monthly-result")

    def on_mount(self) -> None:
        self.app.store_changed.subscribe(self, lambda _: self.load(self.overview.year_id if self.overview else None))
        self.load(None)

    def load(self, year_id: int | None) -> None:
        self.run_query(lambda: company_overview(self.db, self.company_id, year_id), self.show)

    def show(self, overview: CompanyOverview) -> None:
        self.overview = overview
        self.set_title(f"{t('overview.title')}: {overview.name}")
        facts = Text(no_wrap=True, overflow="ellipsis")
        facts.append(printable(overview.name), style="bold")
        facts.append("   " + t("overview.org_number", org=format_org_number(overview.org_number)) + "\n")
        facts.append(t("overview.years") + ": ")
        for year_id, start, end in overview.years:
            facts.append(f" {start}–{end} ", style="reverse" if year_id == overview.year_id else "")
        if not overview.years:
            facts.append(t("overview.no_years"))
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
        self.query_one("#checks", Static).update(self._checks_text(overview))
        months = overview.monthly_results
        self.query_one("#result-label", Label).update(
            t("overview.monthly_result", first=months[0][0], last=months[-1][0]) if months else ""
        )
        self.query_one("#monthly-result", Sparkline).data = [float(result) for _month, result in months]

    def _checks_text(self, overview: CompanyOverview) -> Text:
        year = next(((start, end) for year_id, start, end in overview.years if year_id == overview.year_id), None)
        if year is None:
            return Text()
        lines = [Text(t("overview.checks", start=year[0], end=year[1]), style="bold")]
        for check in overview.checks:
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append(f"{t('status.' + check.status):<8} ", style=CHECK_STYLES.get(check.status, ""))
            line.append(printable(check.message))
            lines.append(line)
        return Text("\n", no_wrap=True, overflow="ellipsis").join(lines)

    def action_year(self, step: int) -> None:
        if self.overview is None or not self.overview.years:
            return
        ids = [year_id for year_id, _start, _end in self.overview.years]
        position = ids.index(self.overview.year_id) + step
        if 0 <= position < len(ids):
            self.load(ids[position])

    def action_trial_balance(self) -> None:
        if self.overview and self.overview.year_id:
            self.app.push_screen(TrialBalanceScreen(self.company_id, self.overview.year_id))

    def action_transactions(self) -> None:
        if self.overview and self.overview.year_id:
            self.app.push_screen(TransactionsScreen(self.overview.year_id))
