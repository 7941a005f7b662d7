"""Money as Decimal in code and integer öre in the store; never float."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

ORE = Decimal("0.01")


def to_ore(amount: Decimal) -> int:
    """Exact conversion; raises ValueError for sub-öre amounts so nothing is silently rounded."""
    ore = amount.scaleb(2)
    whole = int(ore)
    if whole != ore:
        raise ValueError(f"amount {amount} has more than two decimals")
    return whole


def round_to_ore(amount: Decimal) -> Decimal:
    return amount.quantize(ORE, rounding=ROUND_HALF_EVEN)


def from_ore(ore: int) -> Decimal:
    return Decimal(ore).scaleb(-2)


def format_amount(amount: Decimal) -> str:
    """Two decimals, point as separator: the form of SIE files and the CLI's JSON."""
    return str(round_to_ore(amount))
