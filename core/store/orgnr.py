"""Swedish organisation numbers: one normal form, so a file, Fortnox and the user can be compared."""

from __future__ import annotations

import re

_CENTURY_PREFIXES = ("16", "18", "19", "20")  # 16 marks a legal person; 18-20 a sole trader's birth century


def normalise_org_number(text: str) -> str:
    """Ten digits from "556677-8899", "5566778899", "16556677-8899" or a 12-digit personnummer.

    The century prefix is dropped because Fortnox, SIE files and users write the same company
    both ways. Empty input gives "" (unknown). Anything else raises ValueError.
    """
    digits = re.sub(r"[\s-]", "", text or "")
    if not digits:
        return ""
    if not re.fullmatch(r"\d{10}|\d{12}", digits, re.ASCII):
        raise ValueError(f"organisation number {text!r} is not 10 digits (NNNNNN-NNNN)")
    if len(digits) == 12:
        if not digits.startswith(_CENTURY_PREFIXES):
            raise ValueError(f"organisation number {text!r} has 12 digits but no century prefix")
        digits = digits[2:]
    return digits


def format_org_number(digits: str) -> str:
    """The hyphenated form SIE files and Swedish readers expect: NNNNNN-NNNN."""
    return f"{digits[:6]}-{digits[6:]}" if len(digits) == 10 else digits


def check_digit_valid(digits: str) -> bool:
    """The last of the ten digits checks the other nine (the Luhn algorithm, weights 2-1 from the left, as
    Bolagsverket and Skatteverket give numbers): a mistyped digit or two swapped digits is caught here."""
    if not re.fullmatch(r"\d{10}", digits, re.ASCII):
        return False
    total = 0
    for position, char in enumerate(digits):
        value = int(char) * (1 if position % 2 else 2)
        total += value // 10 + value % 10
    return total % 10 == 0
