"""The reports on the demo company: they add up to the trial balance, the balance sheet balances, the previous
year's column is that year's own figures, and final differs from preliminary by exactly the closing entries."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from core import ledger
from core.closing.entries import EntryDraft, RowDraft, create_entry
from core.demo import DemoSpec, write_demo_sie
from core.importer import import_sie
from core.reports import bas, build_report
from core.reports.statements import Report
from core.store.db import open_store
from core.store.models import Account

DEMO = DemoSpec(vouchers_per_year=300, years=2)
ZERO = Decimal(0)


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("demo-sie")
    return {index: write_demo_sie(DEMO, folder / f"demo{index}.se", year_index=index) for index in (-1, 0)}


@pytest.fixture
def store(store_address):
    db = open_store(store_address)
    yield db
    db.close()


@pytest.fixture
def two_years(store, demo_files):
    """Both years imported from their own files, so both have vouchers."""
    for index in (-1, 0):
        import_sie(store, demo_files[index])
    return store


@pytest.fixture
def one_file(store, demo_files):
    """Only the last year's file: the year before is known from its #IB/#UB/#RES -1 balances alone."""
    import_sie(store, demo_files[0])
    return store


def _years(db):
    company = ledger.resolve_company(db, None)
    years = ledger.list_fiscal_years(db, company)
    assert len(years) == 2
    return company, years[0], years[1]


def _amounts(report: Report, column: str = "amount") -> dict[str, Decimal | None]:
    return {row.key: row.value(report, column) for row in report.rows if row.kind != "heading" and row.key}


def _closing(db, company, year, final=False) -> dict[str, Decimal]:
    return {line.number: line.closing for line in ledger.trial_balance(db, company, year, final=final).accounts}


def _sum(closing: dict[str, Decimal], prefixes: tuple[str, ...], exclude: tuple[str, ...] = ()) -> Decimal:
    return sum(
        (v for a, v in closing.items() if a.startswith(prefixes) and not (exclude and a.startswith(exclude))), ZERO
    )


# --- the grouping ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("account", "key"),
    [
        ("3001", "nettoomsattning"),
        ("3740", "nettoomsattning"),
        ("3990", "ovriga_rorelseintakter"),
        ("4600", "handelsvaror"),
        ("4910", "ravaror_och_fornodenheter"),
        ("4960", "handelsvaror"),
        ("4940", "lagerforandring"),
        ("4990", "lagerforandring"),
        ("6550", "ovriga_externa_kostnader"),
        ("7510", "personalkostnader"),
        ("7832", "avskrivningar"),
        ("7740", "nedskrivningar_omsattningstillgangar"),
        ("7790", "nedskrivningar_omsattningstillgangar"),
        ("8072", "nedskrivningar_finansiella"),
        ("8180", "nedskrivningar_finansiella"),
        ("8113", "resultat_ovriga_agarintressen"),
        ("8311", "ovriga_ranteintakter"),
        ("8375", "nedskrivningar_finansiella"),
        ("8410", "rantekostnader"),
        ("8811", "forandring_periodiseringsfonder"),
        ("8853", "forandring_overavskrivningar"),
        ("8890", "ovriga_bokslutsdispositioner"),
        ("8910", "skatt"),
        ("8980", "ovriga_skatter"),
    ],
)
def test_income_statement_lines_by_bas_range(account, key):
    assert bas.line_for(bas.INCOME_STATEMENT, account) == key


def test_purchases_go_to_the_line_the_company_chooses():
    assert bas.line_for(bas.INCOME_STATEMENT, "4010", "ravaror_och_fornodenheter") == "ravaror_och_fornodenheter"
    assert bas.line_for(bas.INCOME_STATEMENT, "4010") == "handelsvaror"
    assert bas.line_for(bas.INCOME_STATEMENT, "4960", "ravaror_och_fornodenheter") == "handelsvaror"


@pytest.mark.parametrize(
    ("account", "key"),
    [
        ("1229", "maskiner_och_inventarier"),
        ("1410", "ravaror_och_fornodenheter"),
        ("1460", "fardiga_varor_och_handelsvaror"),
        ("1510", "kundfordringar"),
        ("1630", "ovriga_fordringar"),
        ("1930", "kassa_och_bank"),
        ("2081", "aktiekapital"),
        ("2087", "bunden_overkursfond"),
        ("2091", "balanserat_resultat"),
        ("2097", "fri_overkursfond"),
        ("2098", "balanserat_resultat"),
        ("2099", "balanserat_resultat"),
        ("2010", "eget_kapital_enskild_firma"),
        ("2125", "periodiseringsfonder"),
        ("2140", "periodiseringsfonder"),
        ("2153", "ackumulerade_overavskrivningar"),
        ("2350", "skulder_kreditinstitut_langfristiga"),
        ("2440", "leverantorsskulder"),
        ("2512", "skatteskulder"),
        ("2650", "ovriga_kortfristiga_skulder"),
        ("2990", "upplupna_kostnader"),
    ],
)
def test_balance_sheet_lines_by_bas_range(account, key):
    assert bas.line_for(bas.BALANCE_SHEET, account) == key


def test_every_bas_account_has_one_line_and_the_result_booking_is_left_out():
    """Every four-digit number 1000-2999 and 3000-8989 except the ranges BAS leaves unused has exactly one line."""
    unused = set(range(8500, 8810))  # kontogrupper 85-87 and 8800-8809 are not BAS accounts
    for statement, numbers in ((bas.BALANCE_SHEET, range(1000, 3000)), (bas.INCOME_STATEMENT, range(3000, 8990))):
        ranges = bas.mapping(statement.key)
        keys = {line.key for line in bas.lines_of(statement.items)}
        assert set(ranges.lines) <= keys, statement.key
        for number in numbers:
            claimed = [key for key, spans in ranges.lines.items() if bas.within(spans, str(number))]
            if bas.within(ranges.purchases, str(number)):
                claimed.append("purchases")
            expected = 0 if number in unused else 1
            assert len(claimed) == expected, (number, claimed)
    for account in ("8990", "8999"):
        assert bas.line_for(bas.INCOME_STATEMENT, account) is None
    netted = bas.mapping(bas.BALANCE_SHEET.key)
    keys = {line.key for line in bas.lines_of(bas.BALANCE_SHEET.items)}
    assert all({group.debit, group.credit} <= keys for group in netted.netted)
    assert set(netted.opposite) | set(netted.opposite.values()) <= keys


def test_line_keys_are_unique_per_statement():
    for statement in bas.STATEMENTS.values():
        keys = [line.key for line in bas.lines_of(statement.items)]
        assert len(keys) == len(set(keys))


# --- income statement -----------------------------------------------------------------------------


def test_income_statement_adds_up_to_the_trial_balance(two_years):
    company, _, year = _years(two_years)
    report = build_report(two_years, company, year, "income-statement", accounts=True)
    closing = _closing(two_years, company, year)
    result = -_sum(closing, bas.RESULT_CLASSES, exclude=("899",))
    assert result != 0
    amounts = _amounts(report)
    assert amounts["arets_resultat"] == result
    assert amounts["nettoomsattning"] == -_sum(closing, tuple(str(n) for n in range(30, 38)))
    assert amounts["ovriga_externa_kostnader"] == -_sum(closing, ("5", "6"))
    assert amounts["rorelseresultat"] == amounts["rorelseintakter"] + amounts["rorelsekostnader"]
    lines = [row for row in report.rows if row.kind == "line"]
    assert sum((row.value(report, "amount") for row in lines), ZERO) == result
    # Each result account with a balance is listed once, under its line, with the statement's sign.
    listed = {row.account: row.value(report, "amount") for row in report.rows if row.kind == "account"}
    assert all(str(value) != "-0.00" for value in listed.values())
    listed = {account: value for account, value in listed.items() if value}  # the rest are there for last year
    expected = {a: -v for a, v in closing.items() if a.startswith(bas.RESULT_CLASSES) and v and a[:3] != "899"}
    assert listed == expected
    assert report.notes == ()


def test_income_statement_signs_income_positive_costs_negative(two_years):
    company, _, year = _years(two_years)
    amounts = _amounts(build_report(two_years, company, year, "income-statement"))
    assert amounts["nettoomsattning"] > 0
    assert amounts["personalkostnader"] < 0
    assert amounts["rorelsekostnader"] < 0


# --- balance sheet --------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["two_years", "one_file"])
def test_balance_sheet_balances_in_both_years(fixture, request):
    db = request.getfixturevalue(fixture)
    company, _, year = _years(db)
    report = build_report(db, company, year, "balance-sheet")
    for column in ("amount", "previous"):
        amounts = _amounts(report, column)
        assert amounts["tillgangar"] == amounts["eget_kapital_och_skulder"] != 0
    amounts = _amounts(report)
    closing = _closing(db, company, year)
    # Assets: class 1, with the tax account, the tax liabilities and the VAT accounts each netted and counted
    # here when their sum is a debit (a receivable).
    receivables = sum((max(_sum(closing, (prefix,)), ZERO) for prefix in ("163", "25", "26")), ZERO)
    assert amounts["tillgangar"] == _sum(closing, ("1",), exclude=("163",)) + receivables
    income = _amounts(build_report(db, company, year, "income-statement"))
    assert amounts["arets_resultat"] == income["arets_resultat"]  # the year's result is still unbooked
    assert [n.key for n in report.notices if n.key != "report.reclassified"] == []


def test_balance_sheet_equity_and_debts_positive(two_years):
    company, _, year = _years(two_years)
    amounts = _amounts(build_report(two_years, company, year, "balance-sheet"))
    assert amounts["bundet_eget_kapital"] == Decimal("50000.00")
    assert amounts["leverantorsskulder"] > 0
    assert amounts["kassa_och_bank"] > 0


# --- the previous year --------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["two_years", "one_file"])
@pytest.mark.parametrize("kind", ["income-statement", "balance-sheet"])
def test_previous_column_is_the_previous_years_own_figures(fixture, kind, request):
    db = request.getfixturevalue(fixture)
    company, previous, year = _years(db)
    report = build_report(db, company, year, kind)
    own = _amounts(build_report(db, company, previous, kind, final=True))
    assert (report.previous_start, report.previous_end) == (previous.start, previous.end)
    beside = _amounts(report, "previous")
    for key, value in beside.items():
        assert value == own.get(key, ZERO), key
    assert own["arets_resultat"] != 0 and beside["arets_resultat"] == own["arets_resultat"]


def test_previous_year_known_only_from_balances_has_its_own_result(one_file):
    """The year before came as year -1 of a file: no vouchers, so its figures are its #UB and #RES."""
    company, previous, _ = _years(one_file)
    income = _amounts(build_report(one_file, company, previous, "income-statement"))
    res = dict(
        one_file.execute_sql(
            "SELECT account, amount FROM balance WHERE fiscal_year_id = ? AND kind = 'RES' AND objects = ''",
            (previous.id,),
        ).fetchall()
    )
    expected = -sum(v for a, v in res.items() if a != "8999")
    assert income["arets_resultat"] == Decimal(expected).scaleb(-2)
    balance = _amounts(build_report(one_file, company, previous, "balance-sheet"))
    assert balance["tillgangar"] == balance["eget_kapital_och_skulder"] > 0


def test_first_year_in_the_store_has_a_blank_previous_column(one_file):
    company, first, _ = _years(one_file)
    for kind in ("trial-balance", "income-statement", "balance-sheet"):
        report = build_report(one_file, company, first, kind)
        assert report.previous_start is None
        assert all(row.value(report, "previous") is None for row in report.rows), kind
        assert report.to_json()["previous_year"] is None


# --- trial balance ------------------------------------------------------------------------------


def test_trial_balance_report_matches_the_ledger(two_years):
    company, previous, year = _years(two_years)
    report = build_report(two_years, company, year, "trial-balance")
    ledger_lines = {line.number: line for line in ledger.trial_balance(two_years, company, year).accounts}
    previous_closing = _closing(two_years, company, previous, final=True)
    accounts = {row.account: row for row in report.rows if row.kind == "account"}
    assert set(accounts) == set(ledger_lines) | set(previous_closing)
    for number, line in ledger_lines.items():
        row = accounts[number]
        assert row.values[:3] == (line.opening, line.movement, line.closing)
        assert row.value(report, "previous") == previous_closing.get(number, ZERO)
        assert row.heading == line.name
    class_one = next(row for row in report.rows if row.kind == "subtotal" and row.key == "klass_1")
    assert class_one.value(report, "closing") == _sum({n: line.closing for n, line in ledger_lines.items()}, ("1",))
    total = report.rows[-1]
    assert total.kind == "total" and total.value(report, "closing") == 0 and total.value(report, "movement") == 0


# --- preliminary and final ----------------------------------------------------------------------


def _depreciation(amount: str) -> EntryDraft:
    return EntryDraft(
        date=None,
        text="Avskrivning inventarier",
        rows=(
            RowDraft(account="7832", debit=Decimal(amount), credit=ZERO),
            RowDraft(account="1229", debit=ZERO, credit=Decimal(amount)),
        ),
    )


def test_final_differs_from_preliminary_by_the_closing_entry(two_years):
    company, _, year = _years(two_years)
    before = {kind: build_report(two_years, company, year, kind) for kind in ("income-statement", "balance-sheet")}
    create_entry(two_years, company, year, _depreciation("12345.67"))
    preliminary = {kind: _amounts(build_report(two_years, company, year, kind)) for kind in before}
    final = {kind: _amounts(build_report(two_years, company, year, kind, final=True)) for kind in before}
    assert preliminary == {kind: _amounts(report) for kind, report in before.items()}
    cost = Decimal("12345.67")
    changed = {
        "income-statement": {
            "avskrivningar": -cost,
            "rorelsekostnader": -cost,
            "rorelseresultat": -cost,
            "resultat_efter_finansiella_poster": -cost,
            "resultat_fore_skatt": -cost,
            "arets_resultat": -cost,
        },
        "balance-sheet": {
            "maskiner_och_inventarier": -cost,
            "materiella": -cost,
            "anlaggningstillgangar": -cost,
            "tillgangar": -cost,
            "arets_resultat": -cost,
            "fritt_eget_kapital": -cost,
            "eget_kapital": -cost,
            "eget_kapital_och_skulder": -cost,
        },
    }
    for kind in before:
        differences = {
            key: final[kind][key] - preliminary[kind][key]
            for key in preliminary[kind]
            if final[kind][key] != preliminary[kind][key]
        }
        assert differences == changed[kind], kind
    final_report = build_report(two_years, company, year, "balance-sheet", final=True)
    assert final_report.final and not final_report.notice("report.unbalanced")
    previous = {kind: _amounts(build_report(two_years, company, year, kind, final=True), "previous") for kind in before}
    assert previous == {kind: _amounts(report, "previous") for kind, report in before.items()}


def test_final_trial_balance_moves_by_the_entry(two_years):
    company, _, year = _years(two_years)
    create_entry(two_years, company, year, _depreciation("100.00"))
    preliminary = build_report(two_years, company, year, "trial-balance")
    final = build_report(two_years, company, year, "trial-balance", final=True)

    def movement(report, account):
        return next(row.value(report, "movement") for row in report.rows if row.account == account)

    assert movement(final, "7832") - movement(preliminary, "7832") == Decimal("100.00")
    assert movement(final, "1229") - movement(preliminary, "1229") == Decimal("-100.00")
    assert movement(final, "1930") == movement(preliminary, "1930")


def test_booking_the_result_to_2099_changes_neither_statement(two_years):
    """8999/2099 moves the result into equity: the income statement leaves 8999 out and the balance sheet's
    Årets resultat reads 2099 plus what is still unbooked, so both stay the same."""
    company, _, year = _years(two_years)
    Account.get_or_create(company=company.id, number="8999", defaults={"name": "Årets resultat"})
    income = _amounts(build_report(two_years, company, year, "income-statement"))
    balance = _amounts(build_report(two_years, company, year, "balance-sheet"))
    result = format(income["arets_resultat"], "f")
    create_entry(
        two_years,
        company,
        year,
        EntryDraft(
            date=None,
            text="Årets resultat",
            rows=(
                RowDraft(account="8999", debit=Decimal(result), credit=ZERO),
                RowDraft(account="2099", debit=ZERO, credit=Decimal(result)),
            ),
        ),
    )
    assert _amounts(build_report(two_years, company, year, "income-statement", final=True)) == income
    assert _amounts(build_report(two_years, company, year, "balance-sheet", final=True)) == balance


def test_accounts_outside_the_classes_are_named_in_a_note(two_years):
    company, _, year = _years(two_years)
    Account.create(company=company.id, number="9100", name="Intern kalkyl")
    create_entry(
        two_years,
        company,
        year,
        EntryDraft(
            date=None,
            text="Kalkyl",
            rows=(
                RowDraft(account="9100", debit=Decimal("10.00"), credit=ZERO),
                RowDraft(account="1930", debit=ZERO, credit=Decimal("10.00")),
            ),
        ),
    )
    report = build_report(two_years, company, year, "balance-sheet", final=True)
    assert any("9100" in note for note in report.notes)
    assert any("balanserar inte" in note and "-10.00" in note for note in report.notes)
    trial = build_report(two_years, company, year, "trial-balance", final=True)
    assert any(row.account == "9100" for row in trial.rows)
