"""INK2R from final balances: on a real SIE file against sums computed here from the file's own #UB/#RES and #SRU
records, and the rules of tax-ink2-sru.md §9 (precedence of #SRU, pairs by net sign, reclassification, rounding)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest

from core import ledger
from core.closing.entries import EntryDraft, RowDraft, create_entry
from core.errors import BokslutError
from core.importer import import_sie
from core.sie.reader import read_sie
from core.sie.writer import write_sie4e
from core.store.db import open_store
from core.tax.ink2r import account_sru_codes, build_ink2r, ink2_fields, ink2r_from_balances

OFFICIAL_SAMPLE = "skatasweden__keyholder-plan/SIE4 Exempelfil.SE"  # every account with a balance has one #SRU


@pytest.fixture
def store(store_address):
    db = open_store(store_address)
    yield db
    db.close()


def _records(path, keyword: str) -> list[list[str]]:
    """The file's records of one kind, split on blanks (the fields used here are never quoted)."""
    text = path.read_bytes().decode("cp437")
    return [line.split()[1:] for line in text.splitlines() if line.split()[:1] == [keyword]]


def _kronor(ore: int) -> int:
    return int(Decimal(ore).scaleb(-2).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _ore(text: str) -> int:
    return int(Decimal(text) * 100)


def _expected_from_file(path) -> dict[int, int]:
    """INK2R computed straight from the file: year 0's #UB and #RES under each account's #SRU code, in the form's
    direction, with the two rules of §9.3 this file needs: a net debit on 25xx is a receivable (7261), and the year's
    result, not yet on 2099, belongs to 2.28 (7302)."""
    code_of = {account: int(code) for account, code in _records(path, "#SRU")}
    balances = {account: _ore(amount) for year, account, amount, *_ in _records(path, "#UB") if year == "0"}
    results = {account: _ore(amount) for year, account, amount, *_ in _records(path, "#RES") if year == "0"}
    ore: dict[int, int] = defaultdict(int)
    for account, amount in balances.items():
        code = code_of[account]
        ore[code] += amount if code < 7300 else -amount  # 72xx assets debit +, 73xx credit +
    tax = sum(amount for account, amount in balances.items() if account.startswith("25"))
    if tax > 0:
        ore[7368] += tax
        ore[7261] += tax
    ore[7302] -= sum(results.values())
    pair_net = sum(-amount for account, amount in results.items() if code_of[account] in (7411, 7510))
    for account, amount in results.items():
        code = code_of[account]
        if code not in (7411, 7510):
            ore[code] += -amount if code < 7500 else amount  # 74xx income credit +, 75xx costs debit +
    ore[7411 if pair_net >= 0 else 7510] += abs(pair_net)
    fields = {code: _kronor(amount) for code, amount in ore.items()}
    assets = sum(v for c, v in fields.items() if c < 7300)
    fields[7302] += assets - sum(v for c, v in fields.items() if 7300 <= c < 7400)
    result = sum(v for c, v in fields.items() if 7400 <= c < 7500) - sum(v for c, v in fields.items() if c >= 7500)
    fields[7450 if result >= 0 else 7550] = abs(result)
    return {code: amount for code, amount in fields.items() if amount}


def test_real_file_ink2r_equals_its_own_balances_under_its_own_sru_codes(store, sample_file):
    path = sample_file(OFFICIAL_SAMPLE)
    import_sie(store, path)
    company = ledger.resolve_company(store)
    year = ledger.resolve_fiscal_year(store, company, 2021)
    ink2r = build_ink2r(store, company, year)
    expected = _expected_from_file(path)
    assert dict(ink2r.fields) == expected
    assert expected[7261] == 210000 and 7368 not in expected  # the file's 2510 is a net debit of 210 000
    assert expected[7411] == 75788  # 4990's credit 75 787.51: the pair's + code, rounded half up
    assert any(note.key == "tax.ink2r_reclassified" for note in ink2r.notes)
    assert {line.source for line in ink2r.accounts} == {"sru"}


def test_closing_entries_not_yet_in_the_books_are_in_ink2r(store, sample_file):
    path = sample_file(OFFICIAL_SAMPLE)
    import_sie(store, path)
    company = ledger.resolve_company(store)
    year = ledger.resolve_fiscal_year(store, company, 2021)
    before = build_ink2r(store, company, year).fields
    draft = EntryDraft(
        date=dt.date(2021, 12, 31),
        text="Periodiseringsfond",
        rows=(
            RowDraft(account="8811", debit=Decimal("100000.00"), credit=Decimal(0)),
            RowDraft(account="2121", debit=Decimal(0), credit=Decimal("100000.00")),
        ),
    )
    create_entry(store, company, year, draft)
    after = build_ink2r(store, company, year).fields
    assert after[7525] == before.get(7525, 0) + 100000
    assert after[7321] == before.get(7321, 0) + 100000
    assert after[7450] == before[7450] - 100000
    assert after[7302] == before[7302] - 100000  # the result in 2.28 drops by the allocation


def test_every_sru_code_of_an_account_is_read_and_stored(store, sample_file):
    path = sample_file("byrokrat__accounting/BL0001_typ4.SE")
    expected: dict[str, list[str]] = defaultdict(list)
    for account, code in _records(path, "#SRU"):
        expected[account].append(code)
    assert expected["8910"] == ["7528", "7651"]  # BL tags 8910 with INK2R 3.25 and INK2S 4.3a
    document, _ = read_sie(path)
    assert {a: list(acc.sru_codes) for a, acc in document.header.accounts.items() if acc.sru_codes} == expected
    assert document.header.accounts["8910"].sru == "7528"
    import_sie(store, path)
    stored = account_sru_codes(store, ledger.resolve_company(store))
    assert {a: list(codes) for a, codes in stored.items()} == expected


def test_an_sie_export_gives_back_every_sru_code(store, sample_file, tmp_path):
    import_sie(store, sample_file("byrokrat__accounting/BL0001_typ4.SE"))
    company = ledger.resolve_company(store)
    year = ledger.resolve_fiscal_year(store, company)
    header, balances, vouchers = ledger.export_year(store, company, year)
    write_sie4e(tmp_path / "out.se", header, balances, vouchers)
    document, _ = read_sie(tmp_path / "out.se")
    assert document.header.accounts["8910"].sru_codes == ("7528", "7651")


# --- the rules on small books (öre, debit +) -----------------------------------------------------------------


def test_the_ink2r_code_is_chosen_among_several_and_ink2s_tags_are_skipped():
    ink2r = ink2r_from_balances({"8910": 10000, "2510": -10000}, {"8910": ("7651", "7528")})
    assert ink2r.fields[7528] == 100
    assert ("8910", 7528, "sru") in [(line.account, line.code, line.source) for line in ink2r.accounts]


def test_sru_code_wins_over_the_bas_table_and_is_flagged():
    ink2r = ink2r_from_balances({"1930": 50000, "2081": -50000}, {"1930": ("7369",)})
    assert ink2r.fields == {7301: 500, 7369: -500}  # the file says 1930 is a liability: a debit there is negative
    keys = [note.key for note in ink2r.notes]
    assert "tax.ink2r_sru_differs" in keys and "tax.ink2r_against_direction" in keys


def test_sru_on_the_result_transfer_is_ignored():
    books = {"1930": 10000, "3010": -10000, "8999": 10000, "2099": -10000}
    ink2r = ink2r_from_balances(books, {"8999": ("7450",), "2099": ("7302",)})
    assert ink2r.fields == {7281: 100, 7302: 100, 7410: 100, 7450: 100}


def test_tax_account_credit_is_a_tax_liability():
    ink2r = ink2r_from_balances({"1630": -30000, "1930": 30000}, {})
    assert ink2r.fields == {7281: 300, 7368: 300}


def test_a_tax_liability_net_of_f_tax_stays_a_liability():
    ink2r = ink2r_from_balances({"2510": -50000, "2518": 20000, "1930": 30000}, {})
    assert ink2r.fields == {7281: 300, 7368: 300}
    assert not [note for note in ink2r.notes if note.key == "tax.ink2r_reclassified"]


@pytest.mark.parametrize(
    ("balances", "fields"),
    [
        ({"8250": -70000, "8270": 20000}, {7416: 700, 7521: 200}),  # 3.15 income; 827x is 3.17, not the pair
        ({"8250": 30000, "8260": -10000}, {7520: 200}),  # the pair's net is a cost
        ({"8810": 40000}, {7525: 400}),  # the group account 8810 goes by its net
        ({"8819": -40000, "8811": 60000}, {7420: 400, 7525: 600}),  # reversal and allocation are reported gross
    ],
)
def test_pairs_go_by_the_groups_net_sign(balances, fields):
    books = {**balances, "1930": -sum(balances.values())}
    ink2r = ink2r_from_balances(books, {})
    result = sum(v for c, v in fields.items() if c < 7500) - sum(v for c, v in fields.items() if c >= 7500)
    bank = -sum(balances.values()) // 100
    assert ink2r.fields == {
        **fields,
        7281: bank,
        7302: result,
        (7450 if result >= 0 else 7550): abs(result),
    }


def test_rounding_difference_goes_to_free_equity():
    # Three asset fields of 0.50 each round to 1 each (3 kr); the liability 1.50 rounds to 2: 2.28 takes the 1.
    books = {"1510": 50, "1710": 50, "1930": 50, "2440": -150}
    ink2r = ink2r_from_balances(books, {})
    assert ink2r.fields == {7251: 1, 7263: 1, 7281: 1, 7365: 2, 7302: 1}


def test_purchases_go_where_the_company_chose():
    books = {"4010": 10000, "1930": -10000}
    assert 7512 in ink2r_from_balances(books, {}).fields
    assert 7511 in ink2r_from_balances(books, {}, purchases_code=7511).fields
    with pytest.raises(BokslutError) as error:
        ink2r_from_balances(books, {}, purchases_code=7513)
    assert error.value.key == "tax.ink2r_purchases_code"


def test_fallback_accounts_are_mapped_and_flagged():
    ink2r = ink2r_from_balances({"2473": -10000, "1930": 10000}, {})
    assert ink2r.fields == {7281: 100, 7369: 100}
    assert [note.key for note in ink2r.notes] == ["tax.ink2r_fallback"]


def test_an_account_no_aktiebolag_has_is_refused():
    with pytest.raises(BokslutError) as error:
        ink2r_from_balances({"2010": -10000, "9999": 5000, "1930": 5000}, {})
    assert error.value.key == "tax.ink2r_unmapped" and error.value.params["accounts"] == "2010, 9999"


# --- the main form -------------------------------------------------------------------------------------------


def test_main_form_from_the_sheet():
    assert ink2_fields({7670: 433500, 7650: 331583}) == {7104: 433500}
    assert ink2_fields({7770: 20000, 7672: 5000}) == {7114: 25000}  # 4.14c is also reported at 1.2
    assert ink2_fields({7670: 1000}, {7132: 4000}) == {7104: 1000, 7132: 4000}
    with pytest.raises(BokslutError) as error:
        ink2_fields({}, {7104: 1})
    assert error.value.key == "tax.ink2_unknown_field"
