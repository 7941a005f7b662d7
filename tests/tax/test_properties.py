"""The fund maximum and the tax satisfy their defining equations (tax-ink2-sru.md §3, §4) for any books, and the
fund rules (sixth-year reversal, uppräkning by start dates) on hand-picked years. The sheet is computed by the pure
`calculate` from facts built here; the equations are written out in the test, not taken from the code."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_FLOOR, Decimal

from hypothesis import given
from hypothesis import strategies as st

from core.tax.sheet import Facts, calculate, plan

D = Decimal
ZERO = D(0)
# The printed sign of each INK2S field that enters the net (§4), typed from the form.
SIGNS = {
    "4.1": 1, "4.2": -1, "4.3a": 1, "4.3b": 1, "4.3c": 1, "4.4a": -1, "4.4b": -1, "4.5a": -1, "4.5b": -1,
    "4.5c": -1, "4.6a": 1, "4.6b": 1, "4.6c": 1, "4.6d": 1, "4.6e": 1, "4.14a": -1, "4.14b": 1, "4.14c": 1,
}  # fmt: skip


def facts(closing, opening=None, inputs=None, previous_loss=None, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)):
    return Facts(
        fiscal_year_id=1,
        start=start,
        end=end,
        opening=opening or {},
        closing=closing,
        inputs=inputs or {},
        previous_loss=previous_loss,
        rate=D("20.6"),
        schablon_percent=D("1.96") if opening else ZERO,
        assets=(),
    )


kronor = st.integers(min_value=0, max_value=50_000_000).map(D)


@given(income=kronor, costs=kronor, non_deductible=kronor, tax_free=kronor, loss=kronor, booked_tax=kronor)
def test_fund_maximum_tax_and_the_form_identity(income, costs, non_deductible, tax_free, loss, booked_tax):
    closing = {"3001": -income, "5010": costs, "6072": non_deductible, "8314": -tax_free, "8910": booked_tax}
    sheet = calculate(facts(closing, previous_loss=loss))

    surplus_before = income - costs - non_deductible + tax_free + non_deductible - tax_free - loss
    assert sheet.surplus_before_allocation == surplus_before  # the booked tax is not in it
    # The largest whole-krona A with A <= 25 % of the surplus computed without A; none without a surplus.
    a = sheet.allocation_max
    if surplus_before > 0:
        assert 4 * a <= surplus_before < 4 * (a + 1)
    else:
        assert a == 0
    assert sheet.allocation == a  # nothing booked on 8811 and no input: the maximum
    y = surplus_before - a
    assert sheet.surplus == y
    taxable = (y / 10).to_integral_value(rounding=ROUND_FLOOR) * 10 if y > 0 else ZERO
    assert sheet.tax == (taxable * D("0.206")).to_integral_value(rounding=ROUND_FLOOR)
    # §4: the net of the form's fields is 4.15 (or minus 4.16), and 4.15 is Y.
    fields = sheet.ink2s_fields()
    net = sum(sign * fields.get(number, 0) for number, sign in SIGNS.items())
    assert net == fields.get("4.15", 0) - fields.get("4.16", 0) == y


@given(income=kronor, costs=kronor, allocation=kronor)
def test_planning_another_allocation_moves_the_surplus_by_that_allocation(income, costs, allocation):
    sheet = calculate(facts({"3001": -income, "5010": costs}))

    planned = plan(sheet, allocation=allocation)

    assert planned.surplus == sheet.surplus_before_allocation - allocation
    assert any(n.key == "tax_allocation_above_max" for n in planned.notices) == (allocation > sheet.allocation_max)


def test_the_fund_reaching_its_sixth_year_is_reversed_and_the_others_are_not():
    opening = {"2120": D("-10000"), "2124": D("-20000"), "2129": D("-30000")}  # 2020, 2024, 2019
    sheet = calculate(facts({"3001": D("-100000")}, opening=opening, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)))

    assert {f.account: (f.label_year, f.compulsory, f.reversal) for f in sheet.funds} == {
        "2129": (2019, True, D("30000")),  # sixth year after 2019 was 2025: overdue, still compulsory
        "2120": (2020, True, D("10000")),  # 2026 is the sixth year after 2020
        "2124": (2024, False, ZERO),
    }
    # Both were allocated in years starting 2019-2020 and are reversed in one starting 2021 or later: x 1.04.
    assert sheet.amount("4.6d") == D("1600")


def test_upprakning_is_decided_by_the_start_dates_of_both_years():
    # Fiscal year 2018-07-01..2019-06-30 (starts 2018, 22 %): fund on 2129, compulsory in 2024-07-01..2025-06-30.
    late = facts({"3001": D("-1")}, opening={"2129": D("-50000")}, start=dt.date(2024, 7, 1), end=dt.date(2025, 6, 30))
    fund = calculate(late).funds[0]
    assert (fund.start, fund.compulsory, fund.factor, fund.upprakning) == (dt.date(2018, 7, 1), True, D("1.06"), D("3000"))

    # A 2018 fund reversed voluntarily in 2020 (a year starting 2019-2020): x 1.03.
    early = facts(
        {"3001": D("-1")},
        opening={"2128": D("-50000")},
        inputs={"voluntary_reversal": D("50000")},
        start=dt.date(2020, 1, 1),
        end=dt.date(2020, 12, 31),
    )
    fund = calculate(early).funds[0]
    assert (fund.label_year, fund.factor, fund.upprakning) == (2018, D("1.03"), D("1500"))
