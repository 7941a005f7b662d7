"""Text from SIE files and the store is outside data: shown exactly as typed, never as markup or terminal codes."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

from core.text import printable


def literal(value: object, style: str = "", wrap: bool = False) -> Text:
    """A Text that renders the characters themselves: `[bold]x[/]` stays `[bold]x[/]`."""
    return Text(printable(value), style=style, no_wrap=not wrap, overflow="fold" if wrap else "ellipsis")


class SideBySide:
    """Parts (a label with its amount) on one line when the width has room, else one a line: never broken inside a
    part, as wrapping would break a Swedish amount at the spaces between its digit groups ("2 084\n170,43")."""

    def __init__(self, *parts: Text, gap: str = "   ") -> None:
        self.parts, self.gap = parts, gap

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        one_line = Text(self.gap).join(self.parts)
        if one_line.cell_len <= options.max_width:
            yield one_line
        else:
            yield from self.parts

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(max(part.cell_len for part in self.parts), Text(self.gap).join(self.parts).cell_len)


class Flowing:
    """Items packed onto as few lines as the width allows, never broken inside one: a legend's "· not started"
    stays whole at 80 columns, where wrapping at spaces would leave "not" on one line and "started" on the next."""

    def __init__(self, *items: Text, gap: str = "  ") -> None:
        self.items, self.gap = items, gap

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        line = Text()
        for item in self.items:
            if line and line.cell_len + len(self.gap) + item.cell_len > options.max_width:
                yield line
                line = Text()
            if line:
                line.append(self.gap)
            line.append_text(item)
        if line:
            yield line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(max(item.cell_len for item in self.items), Text(self.gap).join(self.items).cell_len)
