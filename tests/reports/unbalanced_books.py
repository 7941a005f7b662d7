"""A planted SIE 4 file whose balance sheet does not balance: its opening balances sum to 1 234,56, not to zero, and
its amounts are chosen so that rounded to thousands every side has a rounding difference. The tests compute what
the reports must say from the file's own #UB and #RES records (`records`), never with the product's reader."""

from __future__ import annotations

import shlex
from decimal import Decimal
from pathlib import Path

UNBALANCED_SIE = """#FLAGGA 0
#PROGRAM "test" 1
#FORMAT PC8
#GEN 20260115
#SIETYP 4
#FNAMN "Obalans AB"
#ORGNR 556000-0024
#RAR 0 20250101 20251231
#KONTO 1510 "Kundfordringar"
#KONTO 1790 "Förutbetalda kostnader"
#KONTO 1930 "Företagskonto"
#KONTO 2081 "Aktiekapital"
#KONTO 2440 "Leverantörsskulder"
#KONTO 2990 "Upplupna kostnader"
#KONTO 3010 "Försäljning"
#KONTO 5010 "Lokalhyra"
#KONTO 7010 "Löner"
#IB 0 1510 20499.00
#IB 0 1790 10499.00
#IB 0 1930 38234.56
#IB 0 2081 -50000.00
#IB 0 2440 -12499.00
#IB 0 2990 -5499.00
#UB 0 1510 20499.00
#UB 0 1790 10499.00
#UB 0 1930 102499.00
#UB 0 2081 -50000.00
#UB 0 2440 -12499.00
#UB 0 2990 -5499.00
#RES 0 3010 -150400.40
#RES 0 5010 40635.96
#RES 0 7010 45500.00
#VER A 1 20250301 "Försäljning"
{
#TRANS 1930 {} 150400.40
#TRANS 3010 {} -150400.40
}
#VER A 2 20250401 "Hyra"
{
#TRANS 5010 {} 40635.96
#TRANS 1930 {} -40635.96
}
#VER A 3 20250425 "Löner"
{
#TRANS 7010 {} 45500.00
#TRANS 1930 {} -45500.00
}
"""


def write_unbalanced(folder: Path) -> Path:
    path = folder / "obalans.se"
    path.write_bytes(UNBALANCED_SIE.encode("cp437"))
    return path


def records(kind: str) -> dict[str, Decimal]:
    """Σ per account of the file's `#kind 0 account amount` records."""
    sums: dict[str, Decimal] = {}
    for line in UNBALANCED_SIE.splitlines():
        fields = shlex.split(line)
        if len(fields) == 4 and fields[0] == f"#{kind}" and fields[1] == "0":
            sums[fields[2]] = sums.get(fields[2], Decimal(0)) + Decimal(fields[3])
    return sums


def unbalanced_by() -> Decimal:
    """Assets minus equity and debts (with the year's result): what the books' balances add up to."""
    return sum(records("UB").values(), Decimal(0)) + sum(records("RES").values(), Decimal(0))
