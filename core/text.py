"""Text from SIE files and Fortnox is outside data: it is shown as characters, never as terminal codes."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(value: object) -> str:
    """One line with every control character (escape sequences, bells, newlines) made a harmless space."""
    return _CONTROL.sub(" ", str(value))
