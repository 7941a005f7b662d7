"""The demo company's books hold together the way real ones must, read back through the SIE reader."""

from __future__ import annotations

import ast
import datetime as dt
import tracemalloc
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from core.demo import SECOND_DEMO, SERIES, DemoSpec, demo_vouchers, fiscal_year, write_demo_sie
from core.sie.model import BalanceKind, SieDocument
from core.sie.reader import read_sie
from core.store.orgnr import check_digit_valid

SMALL = DemoSpec(vouchers_per_year=400)
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[tuple[DemoSpec, int], SieDocument]:
    """Each year of the default and the second company, written and read back once."""
    folder = tmp_path_factory.mktemp("demo")
    documents = {}
    for spec in (SMALL, SECOND_DEMO):
        for year_index in range(1 - spec.years, 1):
            path = write_demo_sie(spec, folder / f"{spec.seed}_{year_index}.se", year_index)
            document, warnings = read_sie(path)
            assert warnings == []
            documents[spec, year_index] = document
    return documents


def _balances(document: SieDocument, kind: BalanceKind, year: int) -> dict[str, Decimal]:
    return {
        b.account: b.amount for b in document.balances if b.kind is kind and b.year_index == year and not b.objects
    }


def _movements(document: SieDocument) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for voucher in document.vouchers:
        for row in voucher.transactions():
            totals[row.account] += row.amount
    return totals


def _all_years(spec: DemoSpec) -> list[int]:
    return list(range(1 - spec.years, 1))


@pytest.mark.parametrize("spec", [SMALL, SECOND_DEMO], ids=["default", "second"])
def test_every_voucher_balances_and_series_are_numbered_without_gaps(files, spec):
    for year_index in _all_years(spec):
        document = files[spec, year_index]
        year = fiscal_year(spec, year_index)
        numbers: dict[str, list[int]] = defaultdict(list)
        for voucher in document.vouchers:
            assert sum(row.amount for row in voucher.transactions()) == 0, (voucher.series, voucher.number)
            assert len(voucher.rows) >= 2
            assert year.start <= voucher.date <= year.end
            assert voucher.text and len(voucher.text) <= 50  # Fortnox's limit for imported texts
            numbers[voucher.series].append(int(voucher.number))
        assert set(numbers) <= set(SERIES)
        for series, found in numbers.items():
            assert found == list(range(1, len(found) + 1)), series


@pytest.mark.parametrize("spec", [SMALL, SECOND_DEMO], ids=["default", "second"])
def test_balances_follow_from_the_vouchers(files, spec):
    for year_index in _all_years(spec):
        document = files[spec, year_index]
        opening = _balances(document, BalanceKind.IB, 0)
        closing = _balances(document, BalanceKind.UB, 0)
        result = _balances(document, BalanceKind.RES, 0)
        movements = _movements(document)
        for account in set(opening) | set(closing) | set(result) | set(movements):
            moved = movements.get(account, Decimal(0))
            if account[0] in "12":
                assert opening.get(account, 0) + moved == closing.get(account, 0), account
                assert account not in result
            else:
                assert moved == result.get(account, 0), account
                assert account not in opening and account not in closing
        periods: dict[str, Decimal] = defaultdict(Decimal)
        for balance in document.balances:
            if balance.kind is BalanceKind.PSALDO and balance.year_index == 0:
                periods[balance.account] += balance.amount
        assert {a: v for a, v in periods.items() if v} == {a: v for a, v in movements.items() if v}
        assert sum(opening.values()) == 0  # the opening balance sheet balances


@pytest.mark.parametrize("spec", [SMALL, SECOND_DEMO], ids=["default", "second"])
def test_each_year_opens_with_the_previous_years_closing_balances(files, spec):
    for year_index in _all_years(spec)[1:]:
        this, previous = files[spec, year_index], files[spec, year_index - 1]
        assert _balances(this, BalanceKind.IB, 0) == _balances(this, BalanceKind.UB, -1)
        assert _balances(this, BalanceKind.UB, -1) == _balances(previous, BalanceKind.UB, 0)
        assert _balances(this, BalanceKind.RES, -1) == _balances(previous, BalanceKind.RES, 0)
        assert _balances(this, BalanceKind.IB, -1) == _balances(previous, BalanceKind.IB, 0)


def test_closed_years_book_tax_and_result_and_the_agm_moves_it_on(files):
    spec = SMALL
    for year_index in _all_years(spec)[:-1]:
        document = files[spec, year_index]
        closing = _balances(document, BalanceKind.UB, 0)
        result = _balances(document, BalanceKind.RES, 0)
        assert sum(closing.values()) == 0 and sum(result.values()) == 0  # the result is booked to 2099
        assert closing["2099"] == -result["8999"]
        assert result["8910"] > 0
        assert {v.series for v in document.vouchers} >= set("ABCDEFGHKLM") | {"I"}
        for vat_account in ("2611", "2621", "2631", "2641"):
            assert closing.get(vat_account, 0) == 0  # cleared to 2650 by the monthly VAT report
    last = files[spec, 0]
    assert "I" not in {v.series for v in last.vouchers}  # the open year is bokslut's to close
    assert _balances(last, BalanceKind.IB, 0)["2099"] == _balances(last, BalanceKind.UB, -1)["2099"]
    assert "2099" not in _balances(last, BalanceKind.UB, 0)  # moved to 2098 at the AGM


def test_the_last_year_can_be_closed_too():
    spec = DemoSpec(vouchers_per_year=200, years=1, close_last_year=True)
    series = {voucher.series for voucher in demo_vouchers(spec)}
    assert "I" in series


def test_the_books_look_like_a_swedish_aktiebolag(files):
    document = files[SMALL, 0]
    used = {row.account for voucher in document.vouchers for row in voucher.rows}
    assert used <= set(document.header.accounts)
    assert {"3001", "3002", "3003", "2611", "2621", "2631", "2641", "1510", "2440", "1930", "1630", "2650",
            "7510", "2710", "2731", "7832", "1229"} <= used
    for voucher in document.vouchers:
        amounts = defaultdict(Decimal)
        for row in voucher.rows:
            amounts[row.account] += row.amount
        if voucher.series == "B":
            lines = sum(1 for row in voucher.rows if row.account in ("3001", "3041"))
            assert abs(amounts["2611"] - (amounts["3001"] + amounts["3041"]) / 4) <= Decimal("0.01") * lines
        if voucher.series == "K":
            assert amounts["2710"] < 0 and amounts["7510"] > 0
    header = document.header
    assert header.org_number == "556123-4567" and header.sie_type == 4 and header.format == "PC8"
    assert set(header.years) == {0, -1}
    declared = set(header.objects)
    rows = [row for voucher in document.vouchers for row in voucher.rows]
    assert {obj for row in rows for obj in row.objects} <= declared
    share = sum(1 for row in rows if row.objects) / len(rows)
    assert 0.25 < share < 0.42
    assert any(row.quantity for row in rows)


def test_a_second_company_is_a_different_company(files):
    first, second = files[SMALL, 0].header, files[SECOND_DEMO, 0].header
    assert second.org_number == "559012-3450" and second.company_name != first.company_name
    assert check_digit_valid(second.org_number.replace("-", ""))


@pytest.mark.parametrize("org_number", ["556123-4568", "55612345", "556123-456a"])
def test_an_org_number_without_a_valid_check_digit_is_refused(org_number):
    with pytest.raises(ValueError):
        DemoSpec(org_number=org_number)


def test_the_same_spec_gives_the_same_bytes(tmp_path: Path):
    spec = DemoSpec(vouchers_per_year=300, years=2, seed=99)
    first = write_demo_sie(spec, tmp_path / "a.se", ksumma=True).read_bytes()
    second = write_demo_sie(DemoSpec(vouchers_per_year=300, years=2, seed=99), tmp_path / "b.se", ksumma=True)
    assert second.read_bytes() == first
    read_sie(second)  # and the checksum verifies
    other = write_demo_sie(DemoSpec(vouchers_per_year=300, years=2, seed=100), tmp_path / "c.se").read_bytes()
    assert other != first


@pytest.mark.slow
def test_size_grows_linearly_with_the_voucher_count(tmp_path: Path):
    sizes = {}
    counts = {}
    for vouchers in (2_000, 4_000, 8_000):
        spec = DemoSpec(vouchers_per_year=vouchers, years=1)
        sizes[vouchers] = write_demo_sie(spec, tmp_path / f"{vouchers}.se").stat().st_size
        counts[vouchers] = sum(1 for _ in demo_vouchers(spec))
        assert abs(counts[vouchers] - vouchers) < vouchers * 0.08
    per_voucher_small = (sizes[4_000] - sizes[2_000]) / 2_000
    per_voucher_large = (sizes[8_000] - sizes[4_000]) / 4_000
    assert 0.9 < per_voucher_large / per_voucher_small < 1.1
    assert 150 < per_voucher_large < 320  # real Fortnox exports: about 240 bytes per voucher


@pytest.mark.slow
def test_generation_streams(tmp_path: Path):
    """A year of 12 000 vouchers is written without holding them: the peak stays far below their size."""
    spec = DemoSpec(vouchers_per_year=12_000, years=1)
    tracemalloc.start()
    try:
        path = write_demo_sie(spec, tmp_path / "big.se")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert path.stat().st_size > 2_000_000
    assert peak < 4_000_000


def test_no_float_in_money_code():
    """Money is integer öre or Decimal everywhere in the demo and the writer, randomness included."""
    for relative in ("core/demo/generator.py", "core/demo/bas.py", "core/sie/writer.py"):
        tree = ast.parse((ROOT / relative).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            assert not (isinstance(node, ast.Constant) and isinstance(node.value, float)), relative
            assert not (isinstance(node, ast.Name) and node.id == "float"), relative
            assert not (isinstance(node, ast.Attribute) and node.attr in ("random", "uniform", "gauss")), relative


def test_fiscal_years_are_calendar_years_ending_at_the_spec_end():
    spec = DemoSpec()
    assert fiscal_year(spec, 0).start == dt.date(2025, 1, 1)
    assert fiscal_year(spec, -2).end == dt.date(2023, 12, 31)
    with pytest.raises(ValueError):
        list(demo_vouchers(spec, -3))
