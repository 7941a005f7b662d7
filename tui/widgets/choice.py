"""A radio button whose mark says the choice, "(•)" chosen and "( )" not, so it reads without colour (a monochrome
terminal, a colour-blind reader, a screen reader following the text)."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import RadioButton

CHOSEN, NOT_CHOSEN = "(•)", "( )"


class Choice(RadioButton):
    @property
    def _button(self) -> Content:
        return Content.styled(CHOSEN if self.value else NOT_CHOSEN, "bold" if self.value else "")
