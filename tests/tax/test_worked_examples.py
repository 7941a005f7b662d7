"""The reference's worked examples end to end: books in through a SIE file and a real store, then the sheet, the
fund maximum, the tax and the drafts. Every expected figure is typed from tax-ink2-sru.md, not computed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.closing.entries import EntryDraft, RowDraft, create_entry
from core.store.db import open_store
from core.tax import drafts
from core.tax.assets import add_asset, dispose_asset
from core.tax.sheet import compute_sheet, plan, reset_input, save_sheet, set_input
from tests.tax import import_books, write_books

D = Decimal
ZERO = D(0)

# Case A (§4): calendar 2025, 20.6 %. Income 3001 1 400 816 and 8314 1 200 (tax-free); costs 836 632 of which
# 6072 8 000, 6992 2 500, 7632 3 000 and 8423 316 are non-deductible; B = 565 384.
CASE_A = {
    "3001": D("-1400816"),
    "8314": D("-1200"),
    "5010": D("192000"),
    "6072": D("8000"),
    "6992": D("2500"),
    "7010": D("630816"),
    "7632": D("3000"),
    "8423": D("316"),
}
# Case B (§6.7): funds 2129 (2019) 40 000, 2121 (2021) 60 000, 2123 (2023) 100 000; result before appropriations
# 146 480 with 6072 6 000.
CASE_B_OPENING = {"1930": D("200000"), "2129": D("-40000"), "2121": D("-60000"), "2123": D("-100000")}
CASE_B = {"3001": D("-300000"), "5010": D("147520"), "6072": D("6000")}


@pytest.fixture
def store(store_address):
    db = open_store(store_address)
    yield db
    db.close()


def book(db, year, *rows: tuple[str, Decimal]) -> None:
    draft = EntryDraft(None, "Bokslutspost", tuple(RowDraft(a, max(v, ZERO), max(-v, ZERO)) for a, v in rows))
    create_entry(db, year.company, year, draft)


def book_drafts(db, year, sheet) -> None:
    for proposal in drafts.closing_drafts(sheet):
        create_entry(db, year.company, year, proposal.draft)


def sides(proposal) -> list[tuple[str, Decimal, Decimal]]:
    return [(row.account, row.debit, row.credit) for row in proposal.draft.rows]


def test_case_a_sheet_fund_maximum_and_tax(store, tmp_path):
    year = import_books(store, write_books(tmp_path / "a.se", {}, CASE_A))

    sheet = compute_sheet(store, year)

    assert sheet.book_result == D("565384")
    assert (sheet.amount("4.3c"), sheet.amount("4.5c")) == (D("13816"), D("1200"))
    assert sheet.surplus_before_allocation == D("578000")
    assert (sheet.allocation_max, sheet.allocation, sheet.allocation_account) == (D("144500"), D("144500"), "2125")
    assert (sheet.surplus, sheet.taxable, sheet.tax) == (D("433500"), D("433500"), D("89301"))
    assert sheet.ink2s_fields() == {"4.1": 331583, "4.3a": 89301, "4.3c": 13816, "4.5c": 1200, "4.15": 433500}
    assert sheet.ink2s_codes() == {"7650": 331583, "7651": 89301, "7653": 13816, "7754": 1200, "7670": 433500}


def test_case_a_drafts_once_booked_leave_the_sheet_unchanged_and_nothing_to_book(store, tmp_path):
    year = import_books(store, write_books(tmp_path / "a.se", {}, CASE_A))
    sheet = compute_sheet(store, year)
    proposals = {proposal.name: proposal for proposal in drafts.closing_drafts(sheet)}
    assert sides(proposals["allocation"]) == [("8811", D("144500"), ZERO), ("2125", ZERO, D("144500"))]
    assert sides(proposals["tax"]) == [("8910", D("89301"), ZERO), ("2512", ZERO, D("89301"))]
    assert proposals["tax"].draft.text == "Skatt på årets resultat 2025"

    book_drafts(store, year, sheet)
    after = compute_sheet(store, year)

    assert drafts.closing_drafts(after) == []
    assert after.ink2s_fields() == sheet.ink2s_fields()


def test_a_tax_booked_too_high_gets_a_draft_that_lowers_it(store, tmp_path):
    year = import_books(store, write_books(tmp_path / "a.se", {}, CASE_A))
    book(store, year, ("8910", D("100000")), ("2512", D("-100000")))

    sheet = compute_sheet(store, year)

    assert sheet.tax == D("89301")  # the booked tax is added back (4.3a), so it does not lower the base
    assert sides(drafts.tax_draft(sheet)) == [("2512", D("10699"), ZERO), ("8910", ZERO, D("10699"))]


def test_case_b_compulsory_reversal_upprakning_schablonintakt_and_fund(store, tmp_path):
    year = import_books(store, write_books(tmp_path / "b.se", CASE_B_OPENING, CASE_B))

    sheet = compute_sheet(store, year)

    funds = {fund.account: fund for fund in sheet.funds}
    assert [(f.account, f.label_year, f.compulsory) for f in sheet.funds] == [
        ("2129", 2019, True),
        ("2121", 2021, False),
        ("2123", 2023, False),
    ]
    assert (funds["2129"].reversal, funds["2129"].factor, funds["2129"].upprakning) == (D("40000"), D("1.04"), D("1600"))
    assert funds["2121"].reversal == funds["2123"].reversal == ZERO
    assert sheet.book_result == D("186480")
    assert (sheet.amount("4.6a"), sheet.amount("4.6d"), sheet.amount("4.3c")) == (D("3920"), D("1600"), D("6000"))
    assert sheet.surplus_before_allocation == D("198000")
    assert (sheet.allocation, sheet.allocation_account, sheet.surplus, sheet.tax) == (
        D("49500"),
        "2125",
        D("148500"),
        D("30591"),
    )
    reversal = drafts.reversal_drafts(sheet)
    assert [sides(proposal) for proposal in reversal] == [[("2129", D("40000"), ZERO), ("8819", ZERO, D("40000"))]]

    book_drafts(store, year, sheet)
    after = compute_sheet(store, year)
    assert drafts.closing_drafts(after) == []
    assert (after.surplus, after.tax, after.amount("4.6d")) == (D("148500"), D("30591"), D("1600"))


def test_voluntary_reversal_takes_the_oldest_fund_after_the_compulsory_one(store, tmp_path):
    year = import_books(store, write_books(tmp_path / "b.se", CASE_B_OPENING, CASE_B))
    set_input(store, year, "voluntary_reversal", D("70000"), "anna")

    funds = {fund.account: fund.reversal for fund in compute_sheet(store, year).funds}

    assert funds == {"2129": D("40000"), "2121": D("60000"), "2123": D("10000")}


def test_an_override_is_marked_and_reset_goes_back_to_the_books(store, tmp_path):
    year = import_books(store, write_books(tmp_path / "a.se", {}, CASE_A))

    set_input(store, year, "4.3c", D("20000"), "anna")
    line = next(line for line in compute_sheet(store, year).lines if line.field == "4.3c")
    assert (line.amount, line.computed, line.overridden) == (D("20000"), D("13816"), True)
    assert compute_sheet(store, year).surplus_before_allocation == D("584184")  # 578 000 + 6 184

    assert reset_input(store, year, "4.3c") is True
    line = next(line for line in compute_sheet(store, year).lines if line.field == "4.3c")
    assert (line.amount, line.overridden) == (D("13816"), False)
    assert reset_input(store, year, "4.3c") is False


def test_the_saved_sheet_goes_stale_when_a_closing_entry_changes_the_books(store, tmp_path):
    year = import_books(store, write_books(tmp_path / "a.se", {}, CASE_A))
    assert save_sheet(store, year, "anna").saved["stale"] is False
    assert compute_sheet(store, year).saved["stale"] is False

    book(store, year, ("6072", D("1000")), ("1930", D("-1000")))

    assert compute_sheet(store, year).saved["stale"] is True
    assert save_sheet(store, year, "anna").saved["stale"] is False


def test_result_planning_shows_what_another_allocation_does_to_the_tax(store, tmp_path):
    year = import_books(store, write_books(tmp_path / "a.se", {}, CASE_A))
    sheet = compute_sheet(store, year)

    none = plan(sheet, allocation=D("0"))

    # Y = 578 000, rounded down to tens 578 000, x 20.6 % = 119 068.
    assert (none.allocation, none.surplus, none.tax) == (ZERO, D("578000"), D("119068"))
    assert compute_sheet(store, year).allocation == D("144500")  # nothing stored


def test_case_c_30_rule_against_20_rule_and_the_forced_dissolution(store, tmp_path):
    opening = {"1220": D("250000"), "1229": D("-132000"), "2153": D("-30000"), "2099": D("-88000")}
    movements = {"1220": D("100000"), "1229": D("-54000"), "3001": D("-500000"), "5010": D("400000")}
    year = import_books(store, write_books(tmp_path / "c.se", opening, movements))
    company = year.company
    add_asset(store, company, "2025", dt.date(2025, 3, 1), D("120000"))
    add_asset(store, company, "2024", dt.date(2024, 5, 1), D("80000"))
    add_asset(store, company, "2023", dt.date(2023, 5, 1), D("50000"))
    add_asset(store, company, "2021 kept", dt.date(2021, 5, 1), D("100000"))
    sold = add_asset(store, company, "2021 sold", dt.date(2021, 5, 1), D("20000"))
    dispose_asset(store, sold.id, dt.date(2025, 6, 1), D("6000"))

    sheet = compute_sheet(store, year)

    register = sheet.assets
    assert (register.opening_tax_value, register.underlag) == (D("88000"), D("202000"))
    assert (register.floor_30, register.floor_20, register.lowest) == (D("141400"), D("164000"), D("141400"))
    assert (register.plan_residual, register.ceiling) == (D("164000"), D("22600"))
    assert sides(drafts.excess_depreciation_draft(sheet)) == [("2153", D("7400"), ZERO), ("8853", ZERO, D("7400"))]


def test_funds_after_a_changed_fiscal_year_are_flagged_for_the_fund_register(store, tmp_path):
    """A fund's year is inferred from its account as if every year were shaped like this one [P]; §6.3 and §6.6 want
    the fund's own beskattningsår. After an 18-month year (2023-01-01..2024-06-30) that inference can be wrong, so the
    sheet says so; with same-shaped years (Case B) it does not."""
    import_books(store, write_books(tmp_path / "long.se", {}, {"3001": D("-1000")}, "20230101", "20240630"))
    year = import_books(store, write_books(tmp_path / "now.se", CASE_B_OPENING, CASE_B, "20240701", "20250630"))

    notices = {notice.key: notice.params for notice in compute_sheet(store, year).notices}

    assert notices["tax_fund_years_inferred"] == {"start": "2023-01-01", "end": "2024-06-30"}


def test_funds_after_same_shaped_years_are_not_flagged(store, tmp_path):
    import_books(store, write_books(tmp_path / "2024.se", {}, {"3001": D("-1000")}, "20240101", "20241231"))
    year = import_books(store, write_books(tmp_path / "b.se", CASE_B_OPENING, CASE_B))

    assert "tax_fund_years_inferred" not in {notice.key for notice in compute_sheet(store, year).notices}


def test_a_machine_on_1210_is_in_the_pool_its_overavskrivningar_stand_against(store, tmp_path):
    """2153 is "maskiner och inventarier" (§8.5): a machine on 1210 counts as much as equipment on 1220. Bought 2024
    for 100 000; plan 20 000 a year; 30 000 above plan at the start. By hand: opening tax value 100 000 - 20 000 -
    30 000 = 50 000; floor_30 = 70 % x 50 000 = 35 000; floor_20 = 60 % x 100 000 = 60 000; L = 35 000; R = 100 000 -
    40 000 = 60 000; ceiling 25 000, so 5 000 of the 30 000 must be dissolved."""
    opening = {"1210": D("100000"), "1219": D("-20000"), "2153": D("-30000"), "2099": D("-50000")}
    movements = {"1219": D("-20000"), "7832": D("20000"), "3001": D("-300000"), "5010": D("200000")}
    year = import_books(store, write_books(tmp_path / "m.se", opening, movements))
    add_asset(store, year.company, "Svarv", dt.date(2024, 3, 1), D("100000"))

    register = compute_sheet(store, year).assets

    assert (register.opening_tax_value, register.floor_30, register.floor_20) == (D("50000"), D("35000"), D("60000"))
    assert (register.plan_residual, register.ceiling) == (D("60000"), D("25000"))
    assert sides(drafts.excess_depreciation_draft(compute_sheet(store, year))) == [
        ("2153", D("5000"), ZERO), ("8853", ZERO, D("5000"))
    ]


def test_sub_accounts_count_as_their_bas_account(store, tmp_path):
    """Case A with the non-deductible costs and the tax-free income on six-digit sub-accounts (607210, 699210,
    763210, 842310, 831410) and an allocation already booked on 881110 / 212510: the same 4.3c 13 816, 4.5c 1 200,
    P 578 000 and fund 144 500 (§4), so nothing more is proposed."""
    sub = {"607210": "6072", "699210": "6992", "763210": "7632", "842310": "8423", "831410": "8314"}
    movements = {next((s for s, bas in sub.items() if bas == a), a): v for a, v in CASE_A.items()}
    movements |= {"881110": D("144500"), "212510": D("-144500")}
    year = import_books(store, write_books(tmp_path / "sub.se", {}, movements))

    sheet = compute_sheet(store, year)

    assert (sheet.amount("4.3c"), sheet.amount("4.5c")) == (D("13816"), D("1200"))
    assert (sheet.surplus_before_allocation, sheet.allocation, sheet.tax) == (D("578000"), D("144500"), D("89301"))
    assert "allocation" not in {proposal.name for proposal in drafts.closing_drafts(sheet)}


def test_the_closing_templates_for_tax_and_fund_book_what_the_tax_computation_gives(store, tmp_path):
    """The `t` picker's and `bokslut closing template`'s tax and fund are the sheet's, not a rate of the book result:
    Case A's non-deductible costs and tax-free income move both (fund 144 500 on 2125, tax 89 301)."""
    from core.closing.templates import template_draft

    year = import_books(store, write_books(tmp_path / "a.se", {}, CASE_A))

    fund = template_draft(store, year, "periodiseringsfond")
    assert [(row.account, row.debit, row.credit) for row in fund.rows] == [
        ("8811", D("144500"), ZERO), ("2125", ZERO, D("144500"))
    ]
    tax = template_draft(store, year, "tax")
    assert [(row.account, row.debit, row.credit) for row in tax.rows] == [("8910", D("89301"), ZERO), ("2512", ZERO, D("89301"))]


def test_the_tax_template_lowers_a_tax_booked_too_high(store, tmp_path):
    from core.closing.templates import template_draft

    year = import_books(store, write_books(tmp_path / "a.se", {}, CASE_A))
    book(store, year, ("8910", D("100000")), ("2512", D("-100000")))

    lowered = template_draft(store, year, "tax")

    assert [(row.account, row.debit, row.credit) for row in lowered.rows] == [
        ("2512", D("10699"), ZERO), ("8910", ZERO, D("10699"))
    ]
