"""`bokslut reconcile analysis` against last year over a leap day: two years written here, imported as a user does,
the expected sums made by hand from the vouchers below."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tests.reconcile.test_cli import ok

ORG = "556677-8899"


def write_year(path: Path, year: int, opening_bank: str, fees: list[tuple[str, str]]) -> Path:
    """A year whose vouchers are bank fees on 6570 paid from 1930."""
    lines = ["#FLAGGA 0", "#SIETYP 4", '#FNAMN "Skottdag AB"', f"#ORGNR {ORG}", f"#RAR 0 {year}0101 {year}1231",
             '#KONTO 1930 "Bank"', '#KONTO 2081 "Aktiekapital"', '#KONTO 2099 "Årets resultat"',
             '#KONTO 6570 "Bankkostnader"', f"#IB 0 1930 {opening_bank}", "#IB 0 2081 -100000.00",
             f"#IB 0 2099 {Decimal('100000.00') - Decimal(opening_bank)}"]
    for number, (day, amount) in enumerate(fees, start=1):
        lines += [f'#VER A {number} {day} "Avgift {number}"', "{", f"#TRANS 6570 {{}} {amount}",
                  f"#TRANS 1930 {{}} -{amount}", "}"]
    path.write_bytes(("\n".join(lines) + "\n").encode("cp437"))
    return path


def test_last_years_february_holds_its_leap_day(cli, tmp_path):
    ok(cli("import-sie", str(write_year(tmp_path / "2024.se", 2024, "100000.00", [
        ("20240115", "20.00"), ("20240210", "50.00"), ("20240229", "100.00"), ("20240301", "7.00")]))))
    ok(cli("import-sie", str(write_year(tmp_path / "2025.se", 2025, "99823.00", [("20250210", "30.00")]))))
    rows = ok(cli("reconcile", "analysis", "--company", ORG, "--year", "2025", "--period", "2025-02",
                  "--json"))["accounts"]
    (fees,) = [row for row in rows if row["account"] == "6570"]
    assert Decimal(fees["period"]) == Decimal("30.00")
    assert Decimal(fees["period_last_year"]) == Decimal("50.00") + Decimal("100.00")  # 10 and 29 February 2024
    assert Decimal(fees["year_to_date_last_year"]) == Decimal("20.00") + Decimal("50.00") + Decimal("100.00")
