"""A yes/no question in a box, answered from the keyboard: y (or j, for ja) / n, or Tab to a button and Enter."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui.bindings import translate_bindings
from tui.i18n import t
from tui.text import literal


class ConfirmScreen(ModalScreen[bool]):
    """Dismissed with True for yes, False for no; No has the focus, so a stray Enter changes nothing."""

    BINDINGS = [
        Binding("y,j", "answer(True)", "key.yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "key.no", id="confirm.no"),
    ]
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 70; height: auto; border: round $warning; background: $surface; padding: 0 1;
    }
    ConfirmScreen Horizontal { height: auto; align: center middle; margin-top: 1; }
    ConfirmScreen Button { margin: 0 2; }
    """

    def __init__(self, question: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(literal(self.question, wrap=True), id="question")
            with Horizontal():
                yield Button(t("confirm.yes"), id="yes", variant="warning", compact=True)
                yield Button(t("confirm.no"), id="no", compact=True)

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#no", Button))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
