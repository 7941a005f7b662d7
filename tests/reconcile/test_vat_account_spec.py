"""The automatic specification of a VAT account (2610-2649) when a VAT period's settlement is booked after the
period's end, on the filing date (reconciliation.md §3.4, §6 check 5): what is left on the account at a period end
is the VAT of the periods no settlement up to that day has reported. Expected figures are summed by hand here."""

from __future__ import annotations

from decimal import Decimal

from tests.reconcile.test_cli import ok
from tests.reconcile.test_vat import ORG, YEAR, write_sie


def test_a_settlement_booked_after_its_period_leaves_the_next_period_specified(cli, tmp_path):
    """Jan 15: 2611 -1 000; Feb 5: 2611 -500; January settled Feb 12 (2611 +1 000, 2650 -1 000). At the end of
    February 2611 holds -500, February's VAT still to report: specified -500, no difference."""
    ok(cli("import-sie", str(write_sie(tmp_path / "moms.se", [
        ("20250115", [("1930", "5000.00"), ("3001", "-4000.00"), ("2611", "-1000.00")]),
        ("20250205", [("1930", "2500.00"), ("3001", "-2000.00"), ("2611", "-500.00")]),
        ("20250212", [("2611", "1000.00"), ("2650", "-1000.00")]),
    ]))))
    ok(cli("checks", "vat-period", "month", "--company", ORG))
    shown = ok(cli("reconcile", "show", *YEAR, "--period", "2025-02", "--account", "2611", "--json"))
    february = Decimal("-500.00")  # -1 000 - 500 + 1 000: January's VAT cleared, February's left
    assert Decimal(shown["balance"]) == february
    assert shown["automatic"]["kind"] == "vat-account"
    assert Decimal(shown["automatic"]["total"]) == february
    assert [(line["amount"], [s["date"] for s in line["sources"]]) for line in shown["automatic"]["lines"]] == [
        ("-500.00", ["2025-02-05"])]
    assert Decimal(shown["specified"]) == february
    assert Decimal(shown["difference"]) == 0
    # the grid's totals (read set-based for the year) agree with the specification
    listed = ok(cli("reconcile", "list", *YEAR, "--period", "2025-02", "--json"))
    row = next(r for r in listed["reconciliations"] if r["scope"] == "2611")
    assert (Decimal(row["specified"]), Decimal(row["difference"])) == (february, 0)
    # January: nothing settled by its end, the whole balance is January's VAT
    january = ok(cli("reconcile", "show", *YEAR, "--period", "2025-01", "--account", "2611", "--json"))
    assert (Decimal(january["automatic"]["total"]), Decimal(january["difference"])) == (Decimal("-1000.00"), 0)
