"""The account analysis: opening balance, every row of the year with the running balance, closing balance."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from core.analysis import PAGE_SIZE, AccountLedger, account_ledger
from tui.i18n import format_money, t
from tui.navigation import Place
from tui.screens.base import BokslutScreen
from tui.widgets.ledger_columns import VOUCHER_WIDTH, voucher_label
from tui.widgets.line_table import Column, LineTable


def ledger_columns() -> list[Column]:
    return [
        Column(t("column.date"), lambda row: row.date.isoformat(), width=10),
        Column(t("column.voucher"), voucher_label, width=max(VOUCHER_WIDTH, len(t("column.voucher")))),
        Column(t("column.text"), lambda row: row.text),
        Column(t("column.amount"), lambda row: format_money(row.amount), width=14, align_right=True),
        Column(t("column.balance"), lambda row: format_money(row.balance), width=15, align_right=True),
    ]


class AccountScreen(BokslutScreen):
    HELP_KEY = "help.account"
    BINDINGS = [Binding("escape", "app.pop_screen", "key.back", id="account.back")]

    def __init__(self, fiscal_year_id: int, account: str, at_row: int | None = None) -> None:
        """`at_row`: the #TRANS row (its id) the cursor opens on, as the transaction analysis' Enter chose it."""
        super().__init__()
        self.fiscal_year_id = fiscal_year_id
        self.account = account
        self.at_row = at_row
        self.ledger: AccountLedger | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(id="opening")
        yield LineTable(ledger_columns(), page_size=PAGE_SIZE, id="ledger")
        yield Static(id="closing")

    def on_mount(self) -> None:
        self.set_title(t("account.title", account=self.account, name=""))
        self.set_focus(self.query_one(LineTable))
        self.run_query(lambda: account_ledger(self.db, self.fiscal_year_id, self.account, self.at_row), self.show)

    def show(self, ledger: AccountLedger) -> None:
        self.ledger = ledger
        self.set_title(t("account.title", account=ledger.account, name=ledger.name))
        self.query_one("#opening", Static).update(t("account.opening", amount=format_money(ledger.opening)))
        self.query_one("#closing", Static).update(t("account.closing", amount=format_money(ledger.closing)))
        self.query_one(LineTable).show_source(ledger.rows.count)
        if ledger.position:
            self.call_after_refresh(self.open_at, ledger.position)  # once the table's new height is laid out

    def open_at(self, position: int) -> None:
        """The cursor on the row the user chose, in the middle of the table where there are rows to show around it."""
        table = self.query_one(LineTable)
        table.cursor = position
        table.scroll_to(y=max(0, position - table.size.height // 2), animate=False, immediate=True)

    def on_line_table_page_wanted(self, message: LineTable.PageWanted) -> None:
        if self.ledger is not None:
            self.read_page(message, self.ledger.rows)

    def on_line_table_row_chosen(self, message: LineTable.RowChosen) -> None:
        self.app.go(Place.VOUCHER, voucher_id=message.row.voucher_id)
