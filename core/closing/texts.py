"""Fortnox's rules for voucher texts: the one place closing-entry validation, the export and the sandbox read them.

Checked here, before anything is sent, so the user fixes a text in bokslut rather than reading
Fortnox's 2000107 (too long) or 2000359 ("Värdet innehåller ej tillåtna tecken") after a POST.
A text is checked, measured and sent in NFC form, so a macOS-decomposed "å" is one character, as typed.
"""

from __future__ import annotations

import unicodedata

DESCRIPTION_MAX = 200  # Voucher.Description, 1-200 (fortnox-openapi.json fortnox_Voucher)
ROW_TEXT_MAX = 100  # VoucherRow.TransactionInformation (fortnox_Voucher_VoucherRow)
COMMENTS_MAX = 1000  # Voucher.Comments (fortnox_Voucher)

# fortnox4j FortnoxUtil.allowedPatternStr (fortnox-api.md 5.2 point 7, [S34b]): \p{L}, the ASCII digits 0-9 only
# (no other script's digits), these symbols including the backslash, NBSP, line breaks, and the combining diaeresis
# and ring above (U+0308, U+030A) that NFC leaves standing after a letter with no precomposed form.
ALLOWED_SYMBOLS = frozenset(
    "0123456789 –:.`´’,;^¤#%§£$€¢¥©™°&/()=+-*_!?²³®½@\\" "\u00a0\n\r\u0308\u030a"
)


def fortnox_text(value: str) -> str:
    """The text as bokslut checks and sends it: NFC."""
    return unicodedata.normalize("NFC", value)


def refused_characters(value: str) -> list[str]:
    """The characters of the (NFC) text outside Fortnox's class, each once, in order of appearance."""
    refused = {c for c in value if c not in ALLOWED_SYMBOLS and not unicodedata.category(c).startswith("L")}
    return sorted(refused, key=value.index)


def _describe(character: str) -> str:
    """Invisible and look-alike characters are named, so the user can find them."""
    name = unicodedata.name(character, f"U+{ord(character):04X}")
    return f"'{character}' ({name})" if character.isprintable() else name


def text_problem(value: str, max_length: int) -> tuple[str, str, dict] | None:
    """What Fortnox would refuse in this text: one sentence, its key and params (for an interface in another
    language), or None when Fortnox would accept it."""
    value = fortnox_text(value)
    if len(value) > max_length:
        message = f"is {len(value)} characters long; Fortnox allows at most {max_length}"
        return message, "too_long", {"length": len(value), "limit": max_length}
    if refused := refused_characters(value):
        listed = ", ".join(_describe(c) for c in refused)
        message = f"contains {listed}, which Fortnox does not accept; use letters, digits, spaces and common punctuation"
        return message, "refused_characters", {"characters": listed}
    return None
