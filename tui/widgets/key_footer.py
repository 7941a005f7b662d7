"""The footer of every screen: each key the screen shows (its main keys), on two lines when one line is too narrow
(80 columns), so no main key is cut off at the right."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

PALETTE_ROOM = 14  # the Ctrl+P key docked at the right, with its border


class KeyFooter(Footer):
    DEFAULT_CSS = """
    KeyFooter.-two-rows { layout: vertical; height: 2; }
    KeyFooter.-two-rows HorizontalGroup { height: 1; }
    KeyFooter.-two-rows FooterKey.-command-palette { dock: none; }  /* at the end of the second line */
    """
    _two_rows = False

    def compose(self) -> ComposeResult:
        keys = list(super().compose())
        self._two_rows = self.key_widths(keys) > self.room()
        self.set_class(self._two_rows, "-two-rows")
        if not self._two_rows:
            yield from keys
            return
        palette = [key for key in keys if isinstance(key, FooterKey) and key.has_class("-command-palette")]
        keys = [key for key in keys if key not in palette]
        first: list = []  # the keys in the screen's order, as many as fit on the first line
        while keys and self.key_widths([*first, keys[0]]) <= self.room() + PALETTE_ROOM:
            first.append(keys.pop(0))
        yield HorizontalGroup(*first)
        yield HorizontalGroup(*keys, *palette)

    def room(self) -> int:
        return (self.size.width or self.app.size.width) - PALETTE_ROOM

    @staticmethod
    def key_widths(keys: list) -> int:
        """As the compact footer draws them: each key, a space, its label and a space before the next (the
        palette's key, docked right on one line, is counted in PALETTE_ROOM)."""
        return sum(
            len(key.key_display) + 1 + len(key.description) + 1
            for key in keys
            if isinstance(key, FooterKey) and not key.has_class("-command-palette")
        )

    def on_resize(self, _event: events.Resize) -> None:
        """A terminal made wider or narrower may need one line more or less."""
        if (self.key_widths(list(self.query(FooterKey))) > self.room()) != self._two_rows:
            self.call_after_refresh(self.recompose)
