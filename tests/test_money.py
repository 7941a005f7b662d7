"""Amounts the product computes are rounded to öre half away from zero (tax-ink2-sru.md §2.3), not to even."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.money import format_amount, round_to_ore


@pytest.mark.parametrize(("computed", "rounded"), [
    ("0.125", "0.13"),  # banker's rounding gave 0.12
    ("-0.125", "-0.13"),
    ("12.505", "12.51"),  # 12.5 % of 100.04 kr
    ("0.135", "0.14"),
    ("0.124999", "0.12"),
    ("3.10", "3.10"),
])
def test_half_an_ore_rounds_away_from_zero(computed, rounded):
    assert round_to_ore(Decimal(computed)) == Decimal(rounded)
    assert format_amount(Decimal(computed)) == rounded
