"""Fortnox's rules for voucher texts, shared by closing-entry validation and the export preflight.

Checked here, before anything is sent, so the user fixes a text in bokslut rather than reading
Fortnox's 2000107 (too long) or 2000359 ("Värdet innehåller ej tillåtna tecken") after a POST.
"""

from __future__ import annotations

import unicodedata

DESCRIPTION_MAX = 200  # Voucher.Description
ROW_TEXT_MAX = 100  # VoucherRow.TransactionInformation
COMMENTS_MAX = 1000  # Voucher.Comments

# fortnox4j's whitelist (fortnox-api.md 5.2 point 7): besides letters and digits, these; plus NBSP and newlines.
ALLOWED_SYMBOLS = frozenset(" –:.`´’,;^¤#%§£$€¢¥©™°&/()=+-*_!?²³®½@\u00a0\n\r")


def _allowed(character: str) -> bool:
    category = unicodedata.category(character)
    return character in ALLOWED_SYMBOLS or category.startswith("L") or category == "Nd"


def _describe(character: str) -> str:
    """Invisible and look-alike characters are named, so the user can find them."""
    name = unicodedata.name(character, f"U+{ord(character):04X}")
    return f"'{character}' ({name})" if character.isprintable() else name


def text_problem(value: str, max_length: int) -> str | None:
    """What Fortnox would refuse in this text, as one sentence, or None when it would accept it."""
    if len(value) > max_length:
        return f"is {len(value)} characters long; Fortnox allows at most {max_length}"
    refused = sorted({c for c in value if not _allowed(c)}, key=value.index)
    if refused:
        listed = ", ".join(_describe(c) for c in refused)
        return f"contains {listed}, which Fortnox does not accept; use letters, digits, spaces and common punctuation"
    return None
