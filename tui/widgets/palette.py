"""Textual's command palette speaking the reader's language: its search field's placeholder and its "No matches
found" are English in Textual, the latter written inside the method that shows it."""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

from tui.i18n import t


class Palette(CommandPalette):
    def __init__(self) -> None:
        super().__init__(placeholder=t("palette.placeholder"), id="--command-palette")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        """Textual's countdown to saying a search found nothing, as Textual 8 does it, in our words."""
        self._stop_no_matches_countdown()

        def say_no_matches() -> None:
            if search_value:  # an empty search lists what can be discovered: nothing to say when that is nothing
                nothing = Option(Align.center(Text(t("palette.no_matches"), style="not bold")), disabled=True,
                                 id=self._NO_MATCHES)  # fmt: skip
                self.query_one(CommandList).add_option(nothing)
            self._list_visible = bool(search_value)

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, say_no_matches)
