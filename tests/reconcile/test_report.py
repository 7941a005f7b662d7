"""`bokslut reconcile report`: the working papers as XLSX read back with openpyxl, each figure against what the SIE
file's own records say, and as HTML where a hostile account name from the file stays text."""

from __future__ import annotations

import datetime as dt
import hashlib
import stat
from decimal import Decimal

from openpyxl import load_workbook

from tests.reconcile.test_cli import MARCH_END, YEAR, SieBook, demo, ok, refused  # noqa: F401 (demo: a fixture)

PERIOD = ("--period", "2025-03")


def sheet_rows(sheet, header: str) -> list[tuple]:
    """The rows under the header row whose first cell is `header`."""
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == header)
    return [row for row in rows[start + 1:] if row[0] is not None]


def test_xlsx_holds_each_account_with_its_specification_comments_and_files(demo, tmp_path):
    cli, book = demo
    statement_amount = book.balance("1930", MARCH_END) - Decimal("125.40")
    ok(cli("reconcile", "add-line", *YEAR, *PERIOD, "--account", "1930", "--amount", str(statement_amount),
           "--reference", "=Kontoutdrag mars", "--date", "2025-03-31"))
    ok(cli("reconcile", "comment", *YEAR, *PERIOD, "--account", "1930", "Bankavgift saknas"))
    pdf = tmp_path / "mars.pdf"
    pdf.write_bytes(b"%PDF-1.4 kontoutdrag\n" * 50)
    ok(cli("reconcile", "attach", *YEAR, *PERIOD, "--account", "1930", str(pdf)))

    out = tmp_path / "avstamning.xlsx"
    written = ok(cli("reconcile", "report", *YEAR, *PERIOD, "--format", "xlsx", "--output", str(out), "--json"))
    assert written["written"] == str(out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    workbook = load_workbook(out)

    summary = {row[0]: row for row in sheet_rows(workbook["Avstämning"], "Konto")}
    balance_accounts = {a for a in book.opening} | {a for *_, rows in book.vouchers for a, _ in rows}
    with_balance = {a for a in balance_accounts if a[0] in "12" and book.balance(a, MARCH_END)}
    assert with_balance <= summary.keys()
    for account in with_balance:
        balance = summary[account][2]
        assert isinstance(balance, (int, float)), account  # a number, not text
        assert Decimal(str(balance)).quantize(Decimal("0.01")) == book.balance(account, MARCH_END), account

    bank = summary["1930"]
    as_decimal = [Decimal(str(value)).quantize(Decimal("0.01")) for value in bank[2:5]]
    assert as_decimal == [book.balance("1930", MARCH_END), statement_amount, Decimal("125.40")]
    assert (bank[5], bank[6]) == ("Specifikation", "Pågår")

    (line,) = [row for row in sheet_rows(workbook["Specifikation"], "Konto") if row[0] == "1930"]
    assert line[3] == "=Kontoutdrag mars" and workbook["Specifikation"].cell(2, 4).data_type == "s"
    assert (line[4], Decimal(str(line[5])).quantize(Decimal("0.01"))) == ("2025-03-31", statement_amount)
    assert [row[3] for row in sheet_rows(workbook["Kommentarer"], "Konto")] == ["Bankavgift saknas"]
    (kept,) = sheet_rows(workbook["Filer"], "Konto")
    assert kept[1:4] == ("mars.pdf", pdf.stat().st_size, hashlib.sha256(pdf.read_bytes()).hexdigest())

    # The settlement account is specified by the books themselves: its open settlement, with its voucher.
    settlement = summary["2650"]
    assert (settlement[4], settlement[5]) == (0, "Från bokföringen")

    refused(cli("reconcile", "report", *YEAR, *PERIOD, "--format", "xlsx", "--output", str(out)), "--overwrite")
    ok(cli("reconcile", "report", *YEAR, *PERIOD, "--format", "xlsx", "--output", str(out), "--overwrite"))


def test_the_vat_sheet_lists_each_vat_period_ended_and_at_year_end_explains_2650(demo, tmp_path):
    """reconciliation.md §4.2 paper 5: every VAT period reconciled, and UB 2650 explained. Each of the demo's monthly
    settlements (series M) reports its month: box 49 is what it moved to 2650, negated, read from the file."""
    cli, book = demo
    settled = {day.strftime("%Y-%m"): (f"M{number} {day.isoformat()}", -sum(a for acc, a in rows if acc == "2650"))
               for series, number, day, rows in book.vouchers if series == "M" and day.year == 2025}  # fmt: skip

    out = tmp_path / "mars.xlsx"
    ok(cli("reconcile", "report", *YEAR, *PERIOD, "--format", "xlsx", "--output", str(out)))
    march = sheet_rows(load_workbook(out)["Moms"], "Momsperiod")
    assert [row[0] for row in march] == ["2025-01", "2025-02", "2025-03"]  # April's return is not due by March

    out = tmp_path / "bokslut.xlsx"
    ok(cli("reconcile", "report", *YEAR, "--period", "year-end", "--format", "xlsx", "--output", str(out)))
    rows = sheet_rows(load_workbook(out)["Moms"], "Momsperiod")
    periods, year_end = rows[:12], {row[0]: Decimal(str(row[1])).quantize(Decimal("0.01")) for row in rows[12:]}
    for label, booked, reported, source, difference, _boxes, settlement, _payment in periods:
        voucher, box_49 = settled[label]
        assert (settlement, Decimal(str(reported)), source, difference) == (voucher, box_49, "momsredovisningen", 0)
        assert Decimal(str(booked)) == box_49
    december_unpaid = -settled["2025-12"][1]
    assert year_end == {"Saldo 2650": book.balance("2650", dt.date(2025, 12, 31)),
                        "Momsredovisningar ännu inte betalda": december_unpaid, "Differens": Decimal("0.00")}
    assert book.balance("2650", dt.date(2025, 12, 31)) == december_unpaid  # the file's own year end agrees


HOSTILE_SIE = (
    '#FLAGGA 0\n#FORMAT PC8\n#SIETYP 4\n#FNAMN "<b>Fel</b> AB"\n#ORGNR 556677-8899\n#RAR 0 20250101 20251231\n'
    '#KONTO 1930 "<script>alert(1)</script>"\n#KONTO 3001 "Sales"\n#IB 0 1930 1000.00\n'
    '#VER A 1 20250115 "Sale"\n{\n#TRANS 1930 {} 250.00\n#TRANS 3001 {} -250.00\n}\n'
)


def test_html_escapes_names_from_the_file(cli, tmp_path):
    path = tmp_path / "hostile.se"
    path.write_bytes(HOSTILE_SIE.encode("cp437"))
    ok(cli("import-sie", str(path)))
    year = ("--company", "556677-8899", "--year", "2025")
    ok(cli("reconcile", "add-line", *year, "--period", "2025-01", "--account", "1930", "--amount", "1250",
           "--reference", "<img src=x onerror=alert(2)>"))
    out = tmp_path / "avstamning.html"
    ok(cli("reconcile", "report", *year, "--period", "2025-01", "--format", "html", "--output", str(out)))
    page = out.read_text(encoding="utf-8")
    assert "<script>" not in page and "<img" not in page and "<b>Fel" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;img src=x onerror=alert(2)&gt;" in page
    # 1 000 opening + 250 in January, specified 1 250: no difference
    assert "Saldo 1\u00a0250,00, specificerat 1\u00a0250,00" in page and "differens 0,00" in page
    assert "@media print" in page and stat.S_IMODE(out.stat().st_mode) == 0o600
