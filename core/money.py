"""Money as Decimal in code and integer öre in the store; never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

ORE = Decimal("0.01")


LARGEST_AMOUNT = Decimal(10) ** 15  # kronor: far beyond any company's books, well inside the store's 64-bit öre


def to_ore(amount: Decimal) -> int:
    """Exact conversion; raises ValueError for sub-öre amounts so nothing is silently rounded, and for amounts no
    books hold (1e999999 would overflow the arithmetic and the store)."""
    if not amount.is_finite() or abs(amount) >= LARGEST_AMOUNT:
        raise ValueError(f"amount {amount} is not an amount of kronor this program keeps (at most 15 digits)")
    ore = amount.scaleb(2)
    whole = int(ore)
    if whole != ore:
        raise ValueError(f"amount {amount} has more than two decimals")
    return whole


def round_to_ore(amount: Decimal) -> Decimal:
    """Half away from zero (Decimal's ROUND_HALF_UP), as the product rounds every amount it computes
    (tax-ink2-sru.md §2.3: öre to kronor, schablonintäkt; an accountant's 0.125 is 0.13, not banker's 0.12)."""
    return amount.quantize(ORE, rounding=ROUND_HALF_UP)


def from_ore(ore: int) -> Decimal:
    return Decimal(ore).scaleb(-2)


def format_amount(amount: Decimal) -> str:
    """Two decimals, point as separator: the form of SIE files and the CLI's JSON."""
    return str(round_to_ore(amount))
