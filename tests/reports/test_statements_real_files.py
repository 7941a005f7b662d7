"""The statements of real SIE files against figures computed here from the files' own #UB, #IB and #RES records
(read with a few lines of code below, never with the product's reader), a planted sign case, rounding that keeps
totals balanced, and the trial balance of years known only from balances."""

from __future__ import annotations

import shlex
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from core import ledger
from core.closing.entries import EntryDraft, RowDraft, create_entry
from core.importer import import_sie
from core.reports import bas, build_report
from core.reports.statements import Report
from core.store.db import open_store

FILES = Path("/work/shared/sie/files")
OVNINGSBOLAGET = FILES / "skatasweden__keyholder-plan" / "SIE4 Exempelfil.SE"  # the official SIE 4 sample
FORTNOX = FILES / "byrokrat__accounting" / "Sie4.se"  # Fortnox Bokföring 2.0.0
SIE1 = FILES / "byrokrat__accounting" / "SIE1.se"  # Visma Compact, type 1: balances only
ZERO = Decimal("0.00")

pytestmark = pytest.mark.skipif(not FILES.is_dir(), reason="the shared SIE files are not here")


def file_balances(path: Path, kind: str, year: int) -> dict[str, Decimal]:
    """Σ per account of the file's `#kind year account amount` records, without object lists."""
    sums: dict[str, Decimal] = {}
    for line in path.read_bytes().decode("cp437").splitlines():
        fields = shlex.split(line.strip().replace("\t", " "))
        if len(fields) >= 4 and fields[0] == f"#{kind}" and fields[1] == str(year):
            sums[fields[2]] = sums.get(fields[2], ZERO) + Decimal(fields[3])
    return sums


def in_range(account: str, first: int, last: int) -> bool:
    return first <= int(account[:4]) <= last


def total(balances: dict[str, Decimal], first: int, last: int) -> Decimal:
    return sum((v for a, v in balances.items() if in_range(a, first, last)), ZERO)


def amounts(report: Report, column: str = "amount") -> dict[str, Decimal | None]:
    return {row.key: row.value(report, column) for row in report.rows if row.kind != "heading" and row.key}


@pytest.fixture
def store(store_address):
    db = open_store(store_address)
    yield db
    db.close()


def imported(db, path: Path):
    import_sie(db, path)
    company = ledger.resolve_company(db, None)
    years = ledger.list_fiscal_years(db, company)
    return company, years


# --- the official sample -------------------------------------------------------------------------


def test_ovningsbolaget_statements_match_its_own_balances(store):
    company, years = imported(store, OVNINGSBOLAGET)
    year = years[-1]
    ub, res = file_balances(OVNINGSBOLAGET, "UB", 0), file_balances(OVNINGSBOLAGET, "RES", 0)
    result = -total(res, 3000, 8989)
    assert result == Decimal("1074344.11")  # the README's figure

    income = amounts(build_report(store, company, year, "income-statement"))
    assert income["arets_resultat"] == result
    assert income["nettoomsattning"] == -total(res, 3000, 3799)
    assert income["lagerforandring"] == -total(res, 4990, 4999)
    assert income["personalkostnader"] == -total(res, 7000, 7699)

    report = build_report(store, company, year, "balance-sheet")
    balance = amounts(report)
    # Årets resultat is the income statement's; what 2099 still holds from last year is balanserat resultat.
    assert balance["arets_resultat"] == result
    assert balance["balanserat_resultat"] == -(total(ub, 2090, 2095) + total(ub, 2098, 2099))
    assert balance["balanserat_resultat"] == Decimal("2216228.01")
    assert balance["fritt_eget_kapital"] == balance["balanserat_resultat"] + result
    assert balance["bundet_eget_kapital"] == -total(ub, 2080, 2089)
    # 2510 holds a debit: a tax receivable, not a negative tax debt.
    assert ub["2510"] == Decimal("210000.00")
    assert balance["ovriga_fordringar"] == total(ub, 1600, 1699) + max(total(ub, 2500, 2599), ZERO)
    assert balance.get("skatteskulder", ZERO) == max(-total(ub, 2500, 2599), ZERO)
    receivables = sum((max(total(ub, first, last), ZERO) for first, last in ((2500, 2599), (2600, 2699))), ZERO)
    assets = total(ub, 1000, 1999) + receivables
    assert balance["tillgangar"] == balance["eget_kapital_och_skulder"] == assets
    assert balance["obeskattade_reserver"] == -total(ub, 2100, 2199)
    assert balance["kortfristiga_skulder"] == -(total(ub, 2400, 2999) - receivables)
    assert not report.notice("report.unbalanced") and not report.notice("report.accounts_without_line")
    assert [n.params["accounts"] for n in report.notice("report.reclassified")] == [["2510"]]
    debts = [row for row in report.rows if row.kind == "line" and row.key not in ("balanserat_resultat",)]
    assert all(value is None or value >= 0 for row in debts for value in row.values), "a line negative by its sign"


def test_ovningsbolaget_previous_year_is_its_own_year_minus_one(store):
    """The previous year came as year -1 of the file: its figures are the file's #UB -1 and #RES -1."""
    company, years = imported(store, OVNINGSBOLAGET)
    ub, res = file_balances(OVNINGSBOLAGET, "UB", -1), file_balances(OVNINGSBOLAGET, "RES", -1)
    income = amounts(build_report(store, company, years[-1], "income-statement"), "previous")
    assert income["arets_resultat"] == -total(res, 3000, 8989) == Decimal("585964.73")
    balance = amounts(build_report(store, company, years[-1], "balance-sheet"), "previous")
    assert balance["arets_resultat"] == income["arets_resultat"]
    assert balance["tillgangar"] == total(ub, 1000, 1999) + max(total(ub, 2500, 2599), ZERO)
    assert balance["tillgangar"] == balance["eget_kapital_och_skulder"]


def test_previous_column_holds_the_previous_years_closing_entries(store):
    company, years = imported(store, OVNINGSBOLAGET)
    previous, year = years
    before = amounts(build_report(store, company, year, "income-statement"), "previous")
    create_entry(
        store,
        company,
        previous,
        EntryDraft(
            date=None,
            text="Avskrivning inventarier",
            rows=(
                RowDraft(account="7832", debit=Decimal("1000.00"), credit=ZERO),
                RowDraft(account="1229", debit=ZERO, credit=Decimal("1000.00")),
            ),
        ),
    )
    for final in (False, True):  # the previous year is always shown final, whatever this year's report is
        after = amounts(build_report(store, company, year, "income-statement", final=final), "previous")
        assert after["arets_resultat"] == before["arets_resultat"] - Decimal("1000.00")
        assert after["avskrivningar"] == before["avskrivningar"] - Decimal("1000.00")


# --- a Fortnox file ------------------------------------------------------------------------------


def test_fortnox_file_statements_and_its_unbalanced_opening(store):
    company, years = imported(store, FORTNOX)
    year = next(y for y in years if y.end.year == 2010)
    ub, ib, res = (file_balances(FORTNOX, kind, 0) for kind in ("UB", "IB", "RES"))
    result = -total(res, 3000, 8989)
    income = amounts(build_report(store, company, year, "income-statement"))
    assert income["arets_resultat"] == result
    assert income["nettoomsattning"] == -total(res, 3000, 3799)
    assert income["forandring_periodiseringsfonder"] == -total(res, 8810, 8819)

    report = build_report(store, company, year, "balance-sheet")
    balance = amounts(report)
    assert balance["arets_resultat"] == result
    # The result is booked (8999 against 2099): balanserat resultat is 2091 alone.
    assert balance["balanserat_resultat"] == -(total(ub, 2090, 2099) + total(res, 8990, 8999))
    assert balance["periodiseringsfonder"] == -total(ub, 2110, 2149)
    tax = total(ub, 2500, 2599)  # 2510 debit 57 953, 2513 credit 53 260: a net receivable
    assert tax > 0 and balance.get("skatteskulder", ZERO) == ZERO
    assert balance["ovriga_fordringar"] == total(ub, 1600, 1699) + tax + max(total(ub, 2600, 2699), ZERO)
    # The file's opening balances do not sum to zero; the balance sheet says by how much, on its face.
    difference = sum(ub.values(), ZERO) - sum(ub.get(a, ZERO) for a in ub if not a.startswith(("1", "2")))
    difference += sum(res.values(), ZERO)
    assert difference == sum(ib.values(), ZERO) == Decimal("76663.00")
    assert balance["tillgangar"] - balance["eget_kapital_och_skulder"] == difference
    # 2009 is compared by that same opening (the file has nothing else of 2009), so it is off by as much.
    unbalanced, previous = report.notice("report.unbalanced")
    assert unbalanced.params == {"column": "amount", "difference": "76663.00"}
    assert previous.params == {"column": "previous", "difference": "76663.00"}
    assert {"key": "report.unbalanced", "params": unbalanced.params} in report.to_json()["notices"]


# --- sign classification on a planted file --------------------------------------------------------

PLANTED = """#FLAGGA 0
#PROGRAM "test" 1
#FORMAT PC8
#GEN 20250101
#SIETYP 4
#FNAMN "Tecken AB"
#ORGNR 556000-0016
#RAR 0 20250101 20251231
#KONTO 1510 "Kundfordringar"
#KONTO 1630 "Skattekonto"
#KONTO 1930 "Företagskonto"
#KONTO 1940 "Bank 2"
#KONTO 2081 "Aktiekapital"
#KONTO 2440 "Leverantörsskulder"
#KONTO 2512 "Beräknad inkomstskatt"
#KONTO 2518 "Betald F-skatt"
#KONTO 2641 "Debiterad ingående moms"
#KONTO 2650 "Redovisningskonto för moms"
#KONTO 3010 "Försäljning"
#KONTO 4010 "Inköp"
#IB 0 1930 50000.00
#IB 0 2081 -50000.00
#UB 0 1510 -1500.00
#UB 0 1630 -700.00
#UB 0 1930 -3000.00
#UB 0 1940 70000.00
#UB 0 2081 -50000.00
#UB 0 2440 2500.00
#UB 0 2512 -9000.00
#UB 0 2518 12000.00
#UB 0 2641 4000.00
#UB 0 2650 -1000.00
#RES 0 3010 -40000.00
#RES 0 4010 16700.00
#VER A 1 20250601 "Året"
{
#TRANS 1510 {} -1500.00
#TRANS 1630 {} -700.00
#TRANS 1930 {} -53000.00
#TRANS 1940 {} 70000.00
#TRANS 2440 {} 2500.00
#TRANS 2512 {} -9000.00
#TRANS 2518 {} 12000.00
#TRANS 2641 {} 4000.00
#TRANS 2650 {} -1000.00
#TRANS 3010 {} -40000.00
#TRANS 4010 {} 16700.00
}
"""


def test_balances_are_shown_on_the_line_their_sign_says(store, tmp_path):
    path = tmp_path / "tecken.se"
    path.write_bytes(PLANTED.encode("cp437"))
    company, [year] = imported(store, path)
    report = build_report(store, company, year, "balance-sheet", accounts=True)
    balance = amounts(report)
    # 1940's money is cash and bank; overdrawn 1930 is a debt to the bank, not netted against it (ÅRL 3 kap. 4 §:
    # no offsetting of assets against liabilities; an overdraft used is a current liability).
    assert balance["kassa_och_bank"] == Decimal("70000.00") and balance["checkrakningskredit"] == Decimal("3000.00")
    # A credit on customers: an advance from a customer.
    assert balance["forskott_fran_kunder"] == Decimal("1500.00") and "kundfordringar" not in balance
    # 2440 debit: paid ahead to a supplier, a receivable. 25xx nets to a debit of 3 000 (F-tax paid over the
    # tax), VAT 26xx to a debit of 3 000: receivables as well.
    assert balance["ovriga_fordringar"] == Decimal("2500.00") + Decimal("3000.00") + Decimal("3000.00")
    # The tax account's credit is a tax debt, netted on its own, not against 25xx.
    assert balance["skatteskulder"] == Decimal("700.00")
    assert "leverantorsskulder" not in balance
    assert balance["tillgangar"] == balance["eget_kapital_och_skulder"] == Decimal("78500.00")
    assert balance["arets_resultat"] == Decimal("23300.00")
    lines = [row for row in report.rows if row.kind in ("line", "subtotal")]
    assert all(row.value(report, "amount") >= 0 for row in lines)
    accounts = {row.account: row.value(report, "amount") for row in report.rows if row.kind == "account"}
    assert accounts["2512"] == Decimal("-9000.00") and accounts["2518"] == Decimal("12000.00")  # under receivables
    moved = {tuple(n.params["accounts"]): n.params["to_line"] for n in report.notice("report.reclassified")}
    assert moved[("2440",)] == "Övriga fordringar" and moved[("1630",)] == "Skatteskulder"
    assert moved[("2512", "2518")] == "Övriga fordringar" and moved[("1510",)] == "Förskott från kunder"
    assert moved[("1930",)] == "Checkräkningskredit" and ("1940",) not in moved


NOT_OFFSET = """#FLAGGA 0
#FORMAT PC8
#SIETYP 4
#FNAMN "Brutto AB"
#ORGNR 556000-0024
#RAR 0 20250101 20251231
#KONTO 1710 "Förutbetalda hyreskostnader"
#KONTO 1910 "Kassa"
#KONTO 1920 "PlusGiro"
#KONTO 2081 "Aktiekapital"
#KONTO 2920 "Upplupna semesterlöner"
#KONTO 2940 "Upplupna lagstadgade sociala avgifter"
#UB 0 1710 5000.00
#UB 0 1910 101.00
#UB 0 1920 -101.00
#UB 0 2081 -3000.00
#UB 0 2920 -3000.00
#UB 0 2940 1000.00
"""


def test_cash_and_an_overdraft_or_a_prepaid_and_an_accrued_cost_are_not_offset(store, tmp_path):
    """ÅRL 3 kap. 4 §: assets and liabilities are not offset. 101 kr cash beside a PlusGiro overdrawn by 101 kr are
    cash and a bank debt (before, both vanished and the assets were 0); a debit on 2940 is a prepaid cost beside
    1710, not less accrued holiday pay on 2920 (before, 2920 and 2940 netted to 2 000)."""
    path = tmp_path / "brutto.se"
    path.write_bytes(NOT_OFFSET.encode("cp437"))
    company, [year] = imported(store, path)
    balance = amounts(build_report(store, company, year, "balance-sheet"))
    assert (balance["kassa_och_bank"], balance["checkrakningskredit"]) == (Decimal("101.00"), Decimal("101.00"))
    assert balance["forutbetalda_kostnader"] == Decimal("5000.00") + Decimal("1000.00")
    assert balance["upplupna_kostnader"] == Decimal("3000.00")
    assert balance["tillgangar"] == balance["eget_kapital_och_skulder"] == Decimal("6101.00")


def test_a_previous_year_with_nothing_of_its_own_is_compared_by_this_years_opening_balances(store):
    """Fortnox's Sie4.se has #RAR -1 but no #UB -1 or #RES -1: the 2009 column was 0.00 on every line, with no
    word. SIE 4B §5.16 lets a file give last year's closing balances as #IB 0 alone, and ÅRL 3 kap. 5 § asks for
    comparison figures: the balance sheet's 2009 column is the file's #IB 0, the income statement's is unknown."""
    opening: dict[str, Decimal] = {}
    for line in FORTNOX.read_bytes().decode("cp437").splitlines():
        if line.startswith("#IB 0 "):
            _, _, account, amount, *_ = shlex.split(line)
            opening[account] = opening.get(account, ZERO) + Decimal(amount)
    company, years = imported(store, FORTNOX)
    year = max(years, key=lambda y: y.end)

    sheet = build_report(store, company, year, "balance-sheet")
    previous = amounts(sheet, "previous")
    assert previous["kassa_och_bank"] == sum((v for a, v in opening.items() if a.startswith("19")), ZERO)
    assert previous["kassa_och_bank"] == Decimal("3458534.50")  # the reviewer's hand sum: 9 115 + 11 000 + 3 438 419.50
    assert [n.key for n in sheet.notices][0] == "report.previous_from_opening"

    income = build_report(store, company, year, "income-statement")
    assert all(value is None for value in amounts(income, "previous").values())
    assert "report.previous_result_unknown" in [n.key for n in income.notices]
    assert any("dess resultat är okänt" in note for note in income.notes)


# --- rounding -----------------------------------------------------------------------------------


def _whole(value: Decimal, unit: Decimal) -> Decimal:
    return (value / unit).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize(("rounding", "unit"), [("krona", Decimal("1")), ("thousand", Decimal("1000"))])
def test_rounded_statements_still_add_up(store, rounding, unit):
    company, years = imported(store, OVNINGSBOLAGET)
    year = years[-1]
    ub, res = file_balances(OVNINGSBOLAGET, "UB", 0), file_balances(OVNINGSBOLAGET, "RES", 0)
    reports = {
        kind: build_report(store, company, year, kind, rounding=rounding)
        for kind in ("income-statement", "balance-sheet")
    }
    for report in reports.values():
        assert report.rounding == rounding and report.to_json()["rounding"] == rounding
        for column in ("amount", "previous"):
            rows = list(report.rows)
            for index, row in enumerate(rows):  # every group total is the sum of the lines shown above it
                if row.kind == "subtotal":
                    start = max(i for i in range(index) if rows[i].kind == "heading" and rows[i].key == row.key)
                    inner = [
                        r
                        for r in rows[start + 1 : index]
                        if r.level == row.level + 1 and r.kind in ("line", "subtotal")
                    ]
                    assert row.value(report, column) == sum((r.value(report, column) for r in inner), Decimal(0))
                if row.value(report, column) is not None:
                    assert row.value(report, column) == row.value(report, column).to_integral_value()
    income, balance = (amounts(reports[kind]) for kind in ("income-statement", "balance-sheet"))
    assert income["arets_resultat"] == balance["arets_resultat"] == _whole(-total(res, 3000, 8989), unit)
    assert balance["tillgangar"] == balance["eget_kapital_och_skulder"]
    assert balance["tillgangar"] == _whole(total(ub, 1000, 1999) + ub["2510"], unit)
    lines = [r for r in reports["income-statement"].rows if r.kind == "line"]
    assert sum((r.value(reports["income-statement"], "amount") for r in lines), Decimal(0)) == income["arets_resultat"]
    for notice in reports["balance-sheet"].notice("report.rounding_difference"):
        assert notice.params["line"] in ("Kassa och bank", "Upplupna kostnader och förutbetalda intäkter")


NO_CASH = """#FLAGGA 0
#FORMAT PC8
#SIETYP 4
#FNAMN "Öresbolaget AB"
#ORGNR 556000-0032
#RAR 0 20250101 20251231
#KONTO 1510 "Kundfordringar"
#KONTO 1680 "Andra kortfristiga fordringar"
#KONTO 2081 "Aktiekapital"
#KONTO 2440 "Leverantörsskulder"
#UB 0 1510 100.40
#UB 0 1680 100.40
#UB 0 2081 -100.40
#UB 0 2440 -100.40
"""


def test_a_rounding_difference_goes_to_a_line_that_has_an_amount(store, tmp_path):
    """Review B3 (statements): each side sums 200.80, 201 kr rounded, while its two lines round to 100 + 100. The
    krona went to Kassa och bank and Upplupna kostnader, lines with no accounts behind them (a phantom cash item,
    or a negative debt); it now goes to the first line of the side's list that has an amount (domain.md §1.7)."""
    path = tmp_path / "ore.se"
    path.write_bytes(NO_CASH.encode("cp437"))
    company, [year] = imported(store, path)
    shown = amounts(build_report(store, company, year, "balance-sheet", rounding="krona"))
    assert "kassa_och_bank" not in shown and "upplupna_kostnader" not in shown
    assert (shown["kundfordringar"], shown["ovriga_fordringar"]) == (Decimal("100"), Decimal("101"))
    assert shown["leverantorsskulder"] == Decimal("101")
    assert shown["tillgangar"] == shown["eget_kapital_och_skulder"] == Decimal("201")


# --- the trial balance of years known only from balances --------------------------------------------


@pytest.mark.parametrize(("path", "year_index"), [(SIE1, 0), (SIE1, -1), (OVNINGSBOLAGET, -1)])
def test_trial_balance_of_a_balance_only_year_shows_its_closing_balances(store, path, year_index):
    company, years = imported(store, path)
    year = years[-1] if year_index == 0 else years[0]
    ib, ub, res = (file_balances(path, kind, year_index) for kind in ("IB", "UB", "RES"))
    balance = ledger.trial_balance(store, company, year)
    assert balance.balances_only and balance.to_json()["balances_only"] is True
    lines = {line.number: line for line in balance.accounts}
    expected = {a: v for a, v in ub.items() if a.startswith(("1", "2"))}
    expected.update({a: v for a, v in res.items() if not a.startswith(("1", "2"))})
    assert {a: line.closing for a, line in lines.items() if line.closing} == {a: v for a, v in expected.items() if v}
    for account, line in lines.items():
        assert line.opening == (ib.get(account, ZERO) if account.startswith(("1", "2")) else ZERO)
        assert line.movement == line.closing - line.opening
    assert any(a.startswith("3") for a in lines) and lines


def test_trial_balance_of_a_year_with_vouchers_is_still_its_transactions(store):
    company, years = imported(store, OVNINGSBOLAGET)
    balance = ledger.trial_balance(store, company, years[-1])
    assert not balance.balances_only and balance.vouchers == 295
    ub = file_balances(OVNINGSBOLAGET, "UB", 0)
    assert {line.number: line.closing for line in balance.accounts if line.number in ub} == ub
