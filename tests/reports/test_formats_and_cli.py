"""The report files read back (CSV rows, XLSX numbers as numbers) and the `bokslut report` command end to end."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from core import ledger
from core.demo import DemoSpec, write_demo_sie
from core.importer import import_sie
from core.reports import Column, Report, ReportRow, build_report
from core.reports.formats import NUMBER_FORMAT, csv_text, json_text, xlsx_bytes
from core.store.db import open_store
from tests.postgres import store_location

DEMO = DemoSpec(vouchers_per_year=300, years=2)
ORG = DEMO.org_number_hyphenated


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("demo-sie")
    return {index: write_demo_sie(DEMO, folder / f"demo{index}.se", year_index=index) for index in (-1, 0)}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, demo_files, postgres_server):
    with store_location(postgres_server, tmp_path_factory.mktemp("store")) as location:
        db = open_store(location)
        for index in (-1, 0):
            import_sie(db, demo_files[index])
        yield db
        db.close()


@pytest.fixture(scope="module")
def reports(demo_db) -> dict[str, Report]:
    company = ledger.resolve_company(demo_db, None)
    year = ledger.resolve_fiscal_year(demo_db, company, None)
    return {
        kind: build_report(demo_db, company, year, kind, accounts=True)
        for kind in ("trial-balance", "income-statement", "balance-sheet")
    }


def _exact(value) -> Decimal:
    """A number read back from XLSX as the decimal it was written as (a float's shortest repr is exact here)."""
    assert isinstance(value, (int, float)) and not isinstance(value, bool), value
    return Decimal(repr(value)).quantize(Decimal("0.01"))


# --- CSV ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["trial-balance", "income-statement", "balance-sheet"])
def test_csv_has_one_row_per_report_row_with_exact_amounts(reports, kind):
    report = reports[kind]
    text = csv_text(report)
    assert not text.startswith("\ufeff") and "\r" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    columns = [column.key for column in report.columns]
    assert list(rows[0]) == ["level", "kind", "key", "account", "heading", *columns]
    assert len(rows) == len(report.rows)
    for written, row in zip(rows, report.rows):
        assert (int(written["level"]), written["kind"], written["account"], written["heading"]) == (
            row.level,
            row.kind,
            row.account,
            row.heading,
        )
        for column, value in zip(columns, row.values):
            assert written[column] == ("" if value is None else f"{value:.2f}")
            if value is not None:
                assert Decimal(written[column]) == value
                assert "," not in written[column] and " " not in written[column]


def test_json_amounts_are_decimal_strings(reports):
    document = json.loads(json_text(reports["balance-sheet"]))
    assert document["report"] == "balance-sheet" and document["title"] == "Balansräkning"
    assert document["company"]["org_number"] == ORG.replace("-", "")
    values = [row["amount"] for row in document["rows"] if row["kind"] != "heading"]
    assert values and all(isinstance(value, str) and value.split(".")[1].isdigit() for value in values)
    assert all(row["amount"] is None for row in document["rows"] if row["kind"] == "heading")
    assert document["sign_convention"]


# --- XLSX -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["trial-balance", "income-statement", "balance-sheet"])
def test_xlsx_holds_numbers_as_numbers(reports, kind):
    report = reports[kind]
    sheet = load_workbook(io.BytesIO(xlsx_bytes(report))).active
    assert sheet.title == report.title
    assert sheet["A1"].value == report.title and sheet["A1"].font.bold
    grid = list(sheet.iter_rows(min_row=7, max_row=6 + len(report.rows)))
    assert len(grid) == len(report.rows)
    first_amount = 2  # account in column A, heading in B, then the amount columns (0-based index 2)
    headers = [cell.value for cell in sheet[6]]
    heading = "Benämning" if kind == "trial-balance" else "Rubrik"
    assert headers == ["Konto", heading, *(c.label for c in report.columns)]
    for cells, row in zip(grid, report.rows):
        assert (cells[0].value or "") == row.account
        assert cells[1].value == row.heading
        assert bool(cells[1].font.bold) == (row.kind in {"heading", "subtotal", "result", "total"})
        for cell, value in zip(cells[first_amount:], row.values):
            if value is None:
                assert cell.value is None
            else:
                assert _exact(cell.value) == value
                assert cell.number_format == NUMBER_FORMAT
    assert sheet.column_dimensions["B"].width >= max(len(row.heading) for row in report.rows)
    assert all(sheet.column_dimensions[letter].width == 20 for letter in "CD")


def _tiny_report(rows: tuple[ReportRow, ...], notes: tuple[str, ...] = ()) -> Report:
    return Report(
        kind="income-statement",
        title="Resultaträkning",
        company_name="=HYPERLINK(\"http://x\") AB",
        org_number="5561234567",
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
        previous_start=None,
        previous_end=None,
        final=True,
        columns=(Column("amount", "2025-01-01–2025-12-31"), Column("previous", "Föregående år")),
        rows=rows,
        notes=notes,
    )


def test_xlsx_texts_are_never_formulas_and_large_amounts_stay_exact():
    rows = (
        ReportRow(1, "account", "=SUM(A1:A9)\x1b[31m", (Decimal("12345678901234.56"), None), account="3001"),
        ReportRow(0, "result", "Årets resultat", (Decimal("-0.01"), None), key="arets_resultat"),
    )
    sheet = load_workbook(io.BytesIO(xlsx_bytes(_tiny_report(rows, ("=1+1",))))).active
    assert sheet["A2"].value == "=HYPERLINK(\"http://x\") AB, 556123-4567" and sheet["A2"].data_type == "s"
    assert sheet["B7"].value == "=SUM(A1:A9)[31m" and sheet["B7"].data_type == "s"
    assert _exact(sheet["C7"].value) == Decimal("12345678901234.56")
    assert _exact(sheet["C8"].value) == Decimal("-0.01")
    assert sheet["D7"].value is None
    assert sheet["A10"].value == "=1+1" and sheet["A10"].data_type == "s"


def test_statement_without_accounts_has_no_account_column(demo_db):
    company = ledger.resolve_company(demo_db, None)
    year = ledger.resolve_fiscal_year(demo_db, company, None)
    report = build_report(demo_db, company, year, "income-statement")
    sheet = load_workbook(io.BytesIO(xlsx_bytes(report))).active
    assert [cell.value for cell in sheet[6]] == ["Rubrik", *(c.label for c in report.columns)]
    assert sheet.freeze_panes == "B7"


# --- the command ---------------------------------------------------------------------------------


@pytest.fixture
def demo_cli(cli, demo_files):
    for index in (-1, 0):
        run = cli("import-sie", str(demo_files[index]))
        assert run.returncode == 0, run.stderr
    return cli


def _store_report(cli, kind: str, **options) -> Report:
    db = open_store(cli.store)
    try:
        company = ledger.resolve_company(db, ORG)
        return build_report(db, company, ledger.resolve_fiscal_year(db, company, 2025), kind, **options)
    finally:
        db.close()


@pytest.mark.parametrize("kind", ["trial-balance", "income-statement", "balance-sheet"])
def test_report_json_on_stdout_is_the_report(demo_cli, kind):
    run = demo_cli("report", kind, "--company", ORG, "--year", "2025", "--format", "json")
    assert run.returncode == 0, run.stderr
    assert run.json() == _store_report(demo_cli, kind).to_json()
    assert run.json()["previous_year"] == {"start": "2024-01-01", "end": "2024-12-31"}


def test_report_defaults_to_json_for_the_only_company_and_latest_year(demo_cli):
    run = demo_cli("report", "balance-sheet", "--final", "--accounts")
    assert run.returncode == 0, run.stderr
    document = run.json()
    assert document["final"] is True and document["fiscal_year"]["end"] == "2025-12-31"
    assert document == _store_report(demo_cli, "balance-sheet", final=True, accounts=True).to_json()
    totals = {row["key"]: row["amount"] for row in document["rows"] if row["kind"] == "subtotal"}
    assert totals["tillgangar"] == totals["eget_kapital_och_skulder"]


def test_report_csv_on_stdout_reads_back(demo_cli):
    run = demo_cli("report", "income-statement", "--year", "2025", "--format", "csv")
    assert run.returncode == 0, run.stderr
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    report = _store_report(demo_cli, "income-statement")
    assert len(rows) == len(report.rows)
    result = next(row for row in rows if row["key"] == "arets_resultat")
    assert Decimal(result["amount"]) == report.row("arets_resultat").value(report, "amount")
    assert result["heading"] == "Årets resultat"


def test_report_files_with_output(demo_cli, tmp_path):
    xlsx = tmp_path / "balans.xlsx"
    run = demo_cli("report", "balance-sheet", "--format", "xlsx", "--output", str(xlsx))
    assert run.returncode == 0, run.stderr
    assert str(xlsx) in run.stdout
    sheet = load_workbook(xlsx).active
    report = _store_report(demo_cli, "balance-sheet")
    total_row = next(row for row in sheet.iter_rows(min_row=7) if row[0].value == "Summa tillgångar")
    assert _exact(total_row[1].value) == report.row("tillgangar").value(report, "amount")
    assert _exact(total_row[2].value) == report.row("tillgangar").value(report, "previous")

    path = tmp_path / "saldo.csv"
    run = demo_cli("report", "trial-balance", "--format", "csv", "--output", str(path))
    assert run.returncode == 0, run.stderr
    assert path.read_bytes().decode("utf-8") == csv_text(_store_report(demo_cli, "trial-balance"))
    assert list(tmp_path.glob("*.part")) == []


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("report", "balance-sheet", "--format", "xlsx"), "--output"),
        (("report", "balance-sheet", "--company", "556677-8899"), "556677-8899"),
        (("report", "balance-sheet", "--company", "not-a-number"), "organisation number"),
        (("report", "income-statement", "--year", "1999"), "1999"),
        (("report", "income-statement", "--format", "pdf"), "pdf"),
        (("report", "profit-and-loss"), "profit-and-loss"),
        (("report",), "REPORT"),
        (("report", "trial-balance", "--output", "/nonexistent-dir/x.csv", "--format", "csv"), "nonexistent-dir"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(demo_cli, args, words):
    run = demo_cli(*args)
    assert run.returncode == 2, (run.stdout, run.stderr)
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert words in run.stderr
    assert run.stdout == ""


def test_report_on_an_empty_store_says_so(cli):
    run = cli("report", "trial-balance")
    assert run.returncode == 2
    assert "no company" in run.stderr and len(run.stderr.strip().splitlines()) == 1


def test_the_cli_knows_the_report_command():
    """cli/main.py wires the reports in with cli.reports.register(commands)."""
    from cli.main import build_parser

    try:
        args = build_parser().parse_args(["report", "balance-sheet", "--format", "csv"])
    except SystemExit:
        pytest.fail("`bokslut report` is not registered: cli/main.py must list cli.reports in COMMAND_GROUPS")
    assert (args.report_kind, args.format) == ("balance-sheet", "csv")
