"""Text from SIE files and the store is outside data: shown exactly as typed, never as markup or terminal codes."""

from __future__ import annotations

from rich.text import Text

from core.text import printable


def literal(value: object, style: str = "", wrap: bool = False) -> Text:
    """A Text that renders the characters themselves: `[bold]x[/]` stays `[bold]x[/]`."""
    return Text(printable(value), style=style, no_wrap=not wrap, overflow="fold" if wrap else "ellipsis")
