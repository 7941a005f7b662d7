"""The transaction analysis: every #TRANS row of a year, filtered, scrolled without ever loading the year."""

from __future__ import annotations

from decimal import Decimal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from core.analysis import (
    PAGE_SIZE,
    FilterError,
    KeysetPager,
    TransactionQuery,
    YearExtent,
    parse_filter,
    recorded_extent,
    year_extent,
)
from core.store.models import FiscalYear
from tui.i18n import format_count, format_money, t
from tui.navigation import Place
from tui.screens.base import BokslutScreen
from tui.text import literal
from tui.widgets.ledger_columns import ACCOUNT_WIDTH, VOUCHER_WIDTH, voucher_label
from tui.widgets.line_table import Column, LineTable


def transaction_columns() -> list[Column]:
    return [
        Column(t("column.date"), lambda row: row.date.isoformat(), width=10),
        Column(t("column.voucher"), voucher_label, width=max(VOUCHER_WIDTH, len(t("column.voucher")))),
        Column(t("column.account"), lambda row: row.account, width=max(ACCOUNT_WIDTH, len(t("column.account")))),
        Column(t("column.text"), lambda row: row.text),
        Column(t("column.amount"), lambda row: format_money(row.amount), width=14, align_right=True),
        Column(t("column.cost_center"), lambda row: row.cost_center, width=4),
        Column(t("column.project"), lambda row: row.project, width=4),
    ]


class TransactionsScreen(BokslutScreen):
    HELP_KEY = "help.transactions"
    BINDINGS = [
        Binding("slash", "focus_filter", "key.filter", id="transactions.filter"),
        Binding("escape", "back", "key.back", id="transactions.back"),
    ]

    def __init__(self, fiscal_year_id: int) -> None:
        super().__init__()
        self.fiscal_year_id = fiscal_year_id
        self.pager: KeysetPager | None = None
        self.extent: YearExtent | None = None  # the year's row count and id range; counted once checked
        self.typed = ""  # the filter the rows on screen answer
        self.totals_waiting: KeysetPager | None = None  # rows whose totals start once their first page is shown

    def compose_body(self) -> ComposeResult:
        yield Input(placeholder=t("transactions.filter_placeholder"), id="filter")
        yield LineTable(transaction_columns(), page_size=PAGE_SIZE, id="rows")
        yield Static(t("transactions.loading"), id="position")
        yield Static(id="totals")

    def on_mount(self) -> None:
        self.run_query(lambda: FiscalYear.get_by_id(self.fiscal_year_id), self.show_year)
        self.set_focus(self.query_one(LineTable))
        self.apply_filter("")

    def show_year(self, year: FiscalYear) -> None:
        self.set_title(t("transactions.title", start=year.start, end=year.end))

    @on(Input.Submitted, "#filter")
    def filter_submitted(self, event: Input.Submitted) -> None:
        if self.apply_filter(event.value):
            self.set_focus(self.query_one(LineTable))

    def apply_filter(self, typed: str) -> bool:
        """A filter that cannot be read is explained in place (and left to fix); a good one restarts the table."""
        position = self.query_one("#position", Static)
        try:
            row_filter = parse_filter(typed)
        except FilterError as error:
            position.update(literal(str(error), style="bold red", wrap=True))
            return False
        position.update(t("transactions.loading"))
        self.typed = typed
        known = self.extent

        def read() -> KeysetPager:
            """On the year's extent as the import recorded it (instant) until a counted one is known."""
            extent = known or recorded_extent(self.db, self.fiscal_year_id) or year_extent(self.db, self.fiscal_year_id)
            return KeysetPager(TransactionQuery(self.db, self.fiscal_year_id, row_filter, extent))

        self.run_query(read, self.show_rows, group="filter")
        return True

    def show_rows(self, pager: KeysetPager) -> None:
        self.pager = pager
        self.query_one(LineTable).show_source(pager.count)
        self.query_one("#totals", Static).update("")
        self.totals_waiting = pager
        if pager.count == 0:  # no page will be asked for
            self.start_totals(pager)
        if not self.pager.query.extent.exact and self.extent is None:
            self.run_query(lambda: year_extent(self.db, self.fiscal_year_id), self.check_extent, group="extent")

    def start_totals(self, pager: KeysetPager) -> None:
        """The totals read every row the filter picks (0.3-0.5 s on a 1.7 M-row year, bench/README.md): they start
        once the first rows are on screen, so they never compete with them for the machine's cores."""
        if self.totals_waiting is pager:
            self.totals_waiting = None
            self.run_query(pager.query.totals, self.show_totals, group="totals")

    def show_totals(self, totals: tuple[Decimal, Decimal]) -> None:
        """Debit and credit of every row the filter picks, not only those on screen."""
        debit, credit = totals
        self.query_one("#totals", Static).update(
            t("transactions.totals", debit=format_money(debit), credit=format_money(credit))
        )

    def check_extent(self, counted: YearExtent) -> None:
        """The import's record of the year is trusted only as far as a count confirms it; if the store says
        otherwise, the rows on screen are read again under the counted extent."""
        self.extent = counted
        shown = self.pager.query.extent if self.pager is not None else None
        if shown is not None and not shown.exact and not shown.agrees_with(counted):
            self.apply_filter(self.typed)

    def on_line_table_page_wanted(self, message: LineTable.PageWanted) -> None:
        """As BokslutScreen.read_page, and the totals after the first page read has been painted."""
        pager = self.pager
        if pager is None:
            return

        def shown(rows: list) -> None:
            message.table.add_page(message.source, message.page, rows)
            self.call_after_refresh(self.start_totals, pager)

        self.run_query(lambda: pager.page(message.page), shown, group="page", exclusive=False)

    def on_line_table_cursor_moved(self, message: LineTable.CursorMoved) -> None:
        row = min(message.position + 1, message.count)
        self.query_one("#position", Static).update(
            t("transactions.position", row=format_count(row), total=format_count(message.count))
        )

    def on_line_table_row_chosen(self, message: LineTable.RowChosen) -> None:
        """The account analysis opens on the chosen row itself."""
        row = message.row
        self.app.go(Place.ACCOUNT, fiscal_year_id=self.fiscal_year_id, account=row.account, at_row=row.key)

    def action_focus_filter(self) -> None:
        self.set_focus(self.query_one("#filter", Input))

    def action_back(self) -> None:
        """Escape leaves the filter first, then the screen."""
        if self.focused is self.query_one("#filter", Input):
            self.set_focus(self.query_one(LineTable))
        else:
            self.app.pop_screen()
