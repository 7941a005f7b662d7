"""A table over millions of rows that draws only the rows on screen (Textual's Line API).

It never reads the store: a page it lacks is asked for with `PageWanted`, and its owner answers
with `add_page` once a worker has read it. Rows not yet read show as a dim placeholder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.bindings import translate_bindings
from core.text import printable

PAGES_KEPT = 64


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    value: Callable[[Any], str]
    width: int | None = None  # None: takes the width the others leave
    align_right: bool = False


class LineTable(ScrollView, can_focus=True):
    BINDINGS = [
        Binding("up", "cursor(-1)", show=False, id="table.up"),
        Binding("down", "cursor(1)", show=False, id="table.down"),
        Binding("pageup", "page(-1)", show=False, id="table.page_up"),
        Binding("pagedown", "page(1)", show=False, id="table.page_down"),
        Binding("home", "jump(0)", show=False, id="table.home"),
        Binding("end", "jump(-1)", show=False, id="table.end"),
        Binding("enter", "choose", "key.open", id="table.open"),
    ]
    COMPONENT_CLASSES = {"line-table--header", "line-table--cursor", "line-table--pending"}
    DEFAULT_CSS = """
    LineTable { height: 1fr; overflow-x: hidden; }
    LineTable > .line-table--header { text-style: bold; background: $panel; }
    LineTable > .line-table--cursor { background: $block-cursor-blurred-background; }
    LineTable:focus > .line-table--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
    LineTable > .line-table--pending { color: $text-muted; }
    """

    cursor: reactive[int] = reactive(0)

    @dataclass
    class PageWanted(Message):
        table: LineTable
        source: int  # which `show_source` call the page belongs to
        page: int

    @dataclass
    class RowChosen(Message):
        row: Any

    @dataclass
    class CursorMoved(Message):
        position: int
        count: int

    def __init__(self, columns: Sequence[Column], page_size: int, **kwargs) -> None:
        super().__init__(**kwargs)
        translate_bindings(self)
        self.columns = tuple(columns)
        self.page_size = page_size
        self.source = 0
        self.count = 0
        self._pages: LRUCache[int, list] = LRUCache(PAGES_KEPT)
        self._wanted: set[int] = set()

    # --- what the owner calls -----------------------------------------------------------------

    def show_source(self, count: int) -> None:
        """Start over with another set of rows (a new filter); pages asked for before are then ignored."""
        self.source += 1
        self.count = count
        self._pages.clear()
        self._wanted.clear()
        self.virtual_size = Size(self.size.width, count + 1)  # + the header line
        self.set_reactive(LineTable.cursor, 0)
        self.scroll_to(y=0, animate=False, immediate=True)
        self.post_message(self.CursorMoved(0, count))
        self.refresh()

    def add_page(self, source: int, page: int, rows: list) -> None:
        if source != self.source:
            return
        self._pages[page] = rows
        self._wanted.discard(page)
        self.refresh()

    @property
    def cursor_row(self) -> Any | None:
        page, offset = divmod(self.cursor, self.page_size)
        rows = self._pages.get(page)
        return rows[offset] if rows is not None and offset < len(rows) else None

    # --- keys ---------------------------------------------------------------------------------

    @property
    def _rows_visible(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def action_cursor(self, step: int) -> None:
        self.cursor = max(0, min(self.count - 1, self.cursor + step))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * self._rows_visible)

    def action_jump(self, where: int) -> None:
        self.cursor = max(0, self.count - 1) if where < 0 else 0

    def action_choose(self) -> None:
        row = self.cursor_row
        if row is not None:
            self.post_message(self.RowChosen(row))

    def watch_cursor(self, position: int) -> None:
        top = round(self.scroll_offset.y)
        if position < top:
            self.scroll_to(y=position, animate=False, immediate=True)
        elif position >= top + self._rows_visible:
            self.scroll_to(y=position - self._rows_visible + 1, animate=False, immediate=True)
        self.post_message(self.CursorMoved(position, self.count))
        self.refresh()

    # --- drawing ------------------------------------------------------------------------------

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self.count + 1)

    def _widths(self, total: int) -> list[int]:
        fixed = sum(column.width or 0 for column in self.columns) + len(self.columns) - 1
        flexible = max(8, total - fixed)
        return [column.width or flexible for column in self.columns]

    def _line(self, cells: Sequence[str], style: Style, width: int) -> Strip:
        """One row as plain characters: cell values are data, never markup."""
        fitted = []
        for column, cell, cell_width in zip(self.columns, cells, self._widths(width), strict=True):
            text = Text(printable(cell))
            text.truncate(cell_width, overflow="ellipsis")
            padding = " " * (cell_width - text.cell_len)
            fitted.append(padding + text.plain if column.align_right else text.plain + padding)
        return Strip([Segment(" ".join(fitted), style)]).adjust_cell_length(width, style)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            header = base + self.get_component_rich_style("line-table--header")
            return self._line([column.title for column in self.columns], header, width)
        index = round(self.scroll_offset.y) + y - 1
        if index >= self.count:
            return Strip.blank(width, base)
        page, offset = divmod(index, self.page_size)
        rows = self._pages.get(page)
        if rows is None or offset >= len(rows):
            self._want(page)
            return Strip(
                [Segment("…", base + self.get_component_rich_style("line-table--pending"))]
            ).adjust_cell_length(width, base)
        style = base + self.get_component_rich_style("line-table--cursor") if index == self.cursor else base
        return self._line([column.value(rows[offset]) for column in self.columns], style, width)

    def _want(self, page: int) -> None:
        if page not in self._wanted:
            self._wanted.add(page)
            self.post_message(self.PageWanted(self, self.source, page))
