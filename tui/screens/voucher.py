"""One voucher, drilled down to from the account analysis: every row, with removed and added rows marked as history."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from core.analysis import VoucherDetail, voucher_detail
from tui.i18n import format_money, t
from tui.screens.base import BokslutScreen
from tui.text import literal
from tui.widgets.row_table import RowTable

HISTORY = {"RTRANS": "voucher.added", "BTRANS": "voucher.removed"}  # SIE: #RTRANS added later, #BTRANS removed
NAME_WIDTH = 40  # at most: the objects and the row texts need the room more


class VoucherScreen(BokslutScreen):
    HELP_KEY = "help.voucher"
    BINDINGS = [Binding("escape", "app.pop_screen", "key.back", id="voucher.back")]

    def __init__(self, voucher_id: int) -> None:
        super().__init__()
        self.voucher_id = voucher_id
        self.voucher: VoucherDetail | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(id="voucher-text")
        yield RowTable(id="voucher-rows", cursor_type="row")

    def on_mount(self) -> None:
        self.set_title(t("voucher.title", voucher="", date=""))
        self.set_focus(self.query_one(RowTable))
        self.run_query(lambda: voucher_detail(self.db, self.voucher_id), self.show)

    def show(self, voucher: VoucherDetail) -> None:
        self.voucher = voucher
        self.set_title(t("voucher.title", voucher=f"{voucher.series}{voucher.number}", date=voucher.date))
        heading = literal(voucher.text, style="bold", wrap=True)
        if voucher.registered:
            heading.append("   " + t("voucher.registered", date=voucher.registered), style="dim")
        self.query_one("#voucher-text", Static).update(heading)
        self.lay_out()

    def lay_out(self) -> None:
        """The name takes the width the others leave; history rows are dim, so the booked rows stand out."""
        if self.voucher is None:
            return
        headers = [
            t("column.change"), t("column.account"), t("column.name"), Text(t("column.amount"), justify="right"),
            t("column.objects"), t("column.text"),
        ]  # fmt: skip
        rows = []
        for line in self.voucher.lines:
            style = "dim" if line.kind in HISTORY else ""
            cells = (
                Text(t(HISTORY[line.kind]) if line.kind in HISTORY else "", style=style),
                literal(line.account, style=style),
                literal(line.name, style=style),
                Text(format_money(line.amount), style=style, justify="right"),
                literal(line.objects, style=style),
                literal(line.text, style=style),
            )
            rows.append((cells, None))
        self.query_one(RowTable).show_rows(headers, rows, flexible=2, most={2: NAME_WIDTH})

    def on_resize(self, _event: events.Resize) -> None:
        self.lay_out()
