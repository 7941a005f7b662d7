"""Deterministic demo data: a Swedish aktiebolag's books over several years, as SIE 4E files."""

from core.demo.generator import (
    SECOND_DEMO,
    SERIES,
    DemoSpec,
    demo_balances,
    demo_header,
    demo_vouchers,
    fiscal_year,
    write_demo_sie,
)

__all__ = [
    "SECOND_DEMO",
    "SERIES",
    "DemoSpec",
    "demo_balances",
    "demo_header",
    "demo_vouchers",
    "fiscal_year",
    "write_demo_sie",
]
