"""The lists (companies, trial balance, system tasks, a voucher's rows): a DataTable whose Enter is the screen's,
with every column a fixed width computed from the data and the terminal's width.

Textual's DataTable binds Enter itself (hidden), which hides the screen's Enter binding from the footer and F1
and ignores the keymap; without it the screen's binding answers and shows. No column is auto-width: Textual 8
widens an auto-width column on idle without repainting the cells drawn at the old width, so they stay cut.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

SCROLLBAR = 2  # Textual's vertical scrollbar, kept free so a growing list never pushes the last column out
CELL_PADDING = 2  # one space either side of every cell
LEAST = 8  # the flexible column never gets narrower than this


class RowTable(DataTable, inherit_bindings=False):
    """Home and End go to the first and last row, as in every list of the app (DataTable's scroll sideways)."""

    BINDINGS = [
        *(binding for binding in DataTable.BINDINGS if binding.key not in ("enter", "home", "end")),
        Binding("home", "scroll_top", show=False),
        Binding("end", "scroll_bottom", show=False),
    ]

    def show_rows(
        self,
        headers: Sequence[str | Text],
        rows: Sequence[tuple[Sequence[str | Text], str | None]],
        flexible: int,
        most: Mapping[int, int] | None = None,
    ) -> None:
        """Replace columns and rows: each (cells, key) row; every column as wide as its widest cell or header
        (at most `most[index]`), column `flexible` as wide as the terminal leaves, up to its widest.
        The cursor stays on the row and column it was on."""
        row, column = self.cursor_coordinate
        widths = fitted_widths([headers, *(cells for cells, _key in rows)], flexible, self.app.size.width, most)
        self.clear(columns=True)
        for header, width in zip(headers, widths, strict=True):
            self.add_column(header, width=width)
        for cells, key in rows:
            self.add_row(*cells, key=key)
        if rows:
            self.move_cursor(row=min(row, len(rows) - 1), column=min(column, len(headers) - 1), animate=False)


def fitted_widths(
    lines: Sequence[Sequence[str | Text]], flexible: int, total: int, most: Mapping[int, int] | None = None
) -> list[int]:
    """Column widths for `lines` (header first) in `total` terminal columns."""
    widest = [max(cell_len(str(cell)) for cell in column) for column in zip(*lines)]
    widths = [min(width, (most or {}).get(index, width)) for index, width in enumerate(widest)]
    room = total - SCROLLBAR - CELL_PADDING * len(widths) - sum(widths) + widths[flexible]
    widths[flexible] = max(LEAST, min(widths[flexible], room))
    return widths
