"""F1: what the current screen is for and every key it answers to, as bound now (user keymap included)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.bindings import full_name, translate_bindings
from tui.i18n import t
from tui.screens.base import BokslutScreen
from tui.text import literal


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,f1", "dismiss", "key.close", id="help.close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 76; height: auto; max-height: 90%; border: round $primary; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, screen: BokslutScreen) -> None:
        super().__init__()
        translate_bindings(self)
        self.helped = screen

    def compose(self) -> ComposeResult:
        text = Text(t(self.helped.HELP_KEY))
        text.append(f"\n\n{t('help.keys')}\n", style="bold")
        for active in self.helped.active_bindings.values():
            binding = active.binding
            if binding.id and binding.description:  # ours; Textual's own (scrolling, focus) left out
                text.append(f"{self.app.get_key_display(binding):>10}  {full_name(binding)}  ")
                text.append(f"({binding.id})\n" if binding.id else "\n", style="dim")
        text.append("\n" + t("help.hint"), style="dim")
        with VerticalScroll() as scroll:
            scroll.border_title = literal(t("help.title", screen=self.helped.title))  # a name is text, not markup
            yield Static(text)
