"""Amounts as a reader types them, read alike by every form that asks for one (the entry editor, the closing
templates, a check's bounds)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


def parse_amount(typed: str) -> Decimal | None:
    """An amount as a Swedish or an English reader types it ("1 234,50", "1,234.50"): spaces go, and a comma is the
    decimal sign unless there is a dot too. Empty is zero; None when it is not an amount."""
    text = typed.strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        return Decimal(0)
    text = text.replace(",", "") if "." in text else text.replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None
