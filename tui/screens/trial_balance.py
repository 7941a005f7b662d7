"""The trial balance of a year: opening, movement and closing per account."""

from __future__ import annotations

from decimal import Decimal

from rich.console import Group
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from core import ledger
from core.integrity import BALANCE_CLASSES, RESULT_CLASSES
from core.store.models import Company, FiscalYear
from tui.i18n import format_money, t, tn
from tui.navigation import Place
from tui.screens.base import BokslutScreen
from tui.text import SideBySide, literal
from tui.widgets.row_table import RowTable


class TrialBalanceScreen(BokslutScreen):
    HELP_KEY = "help.trial_balance"
    BINDINGS = [
        Binding("enter", "open", "key.open", id="trial_balance.open"),
        Binding("escape", "app.pop_screen", "key.back", id="trial_balance.back"),
    ]

    def __init__(self, company_id: int, fiscal_year_id: int) -> None:
        super().__init__()
        self.company_id = company_id
        self.fiscal_year_id = fiscal_year_id
        self.balance: ledger.TrialBalance | None = None

    def compose_body(self) -> ComposeResult:
        yield RowTable(id="trial-balance", cursor_type="row", zebra_stripes=True)
        yield Static(id="summary")

    def on_mount(self) -> None:
        self.run_query(
            lambda: ledger.trial_balance(
                self.db, Company.get_by_id(self.company_id), FiscalYear.get_by_id(self.fiscal_year_id)
            ),
            self.show,
        )

    def show(self, balance: ledger.TrialBalance) -> None:
        self.set_title(t("trial_balance.title", start=balance.start, end=balance.end) + f"  {balance.company_name}")
        self.balance = balance
        self.lay_out()
        accounts = tn("count.accounts", len(balance.accounts))
        counts = (
            t("trial_balance.balances_only", accounts=accounts)  # no vouchers to count: the file's balances
            if balance.balances_only
            else t(
                "trial_balance.summary",
                accounts=accounts,
                vouchers=tn("count.vouchers", balance.vouchers),
                transactions=tn("count.transactions", balance.transactions),
            )
        )
        # The result line, as the columns sign it (debit positive): the balance accounts' closing sum and the
        # year's result (classes 3-8) are equal and opposite when the books balance.
        result = sum((line.closing for line in balance.accounts if line.number.startswith(RESULT_CLASSES)), Decimal(0))
        balances = sum((line.closing for line in balance.accounts if line.number.startswith(BALANCE_CLASSES)), Decimal(0))
        totals = SideBySide(Text(t("trial_balance.balances_total", amount=format_money(balances))),
                            Text(t("trial_balance.result_total", amount=format_money(result))))  # fmt: skip
        self.query_one("#summary", Static).update(Group(totals, Text(counts)))

    def lay_out(self) -> None:
        """The amounts always fit whole; the name takes the rest of the width, up to the longest name."""
        if self.balance is None:
            return
        headers = [t("column.account"), t("column.name")] + [
            Text(t(key), justify="right") for key in ("column.opening", "column.movement", "column.closing")
        ]
        rows = [
            (
                (
                    literal(line.number),
                    literal(line.name),
                    *(
                        Text(format_money(amount), justify="right")
                        for amount in (line.opening, line.movement, line.closing)
                    ),
                ),
                line.number,
            )
            for line in self.balance.accounts
        ]
        self.query_one(RowTable).show_rows(headers, rows, flexible=1)

    def on_resize(self, _event: events.Resize) -> None:
        self.lay_out()

    def action_open(self) -> None:
        """Enter on the table, or Open from the command palette."""
        table = self.query_one(RowTable)
        if table.row_count:
            account = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            self.app.go(Place.ACCOUNT, fiscal_year_id=self.fiscal_year_id, account=account)
