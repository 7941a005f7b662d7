"""Templates suggest amounts from the final trial balance; the expected figures are computed here from
ledger.trial_balance independently of core.closing.templates. Rates: defaults by year, and overrides."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.closing import entries, rates
from core.closing.entries import EntryDraft, RowDraft
from core.closing.templates import TEMPLATES, template_draft
from core.errors import BokslutError
from core.store.models import FiscalYear
from tests.closing import demo_books

books = pytest.fixture(demo_books, name="books")
D = Decimal
ZERO = D(0)


def result(closing: dict[str, Decimal], *excluded: str) -> Decimal:
    """Profit positive: minus the sum of classes 3-8, leaving out accounts that start with `excluded`."""
    return -sum(
        (amount for number, amount in closing.items() if number[0] in "345678" and not number.startswith(excluded)),
        ZERO,
    )


def sides(draft: EntryDraft) -> list[tuple[str, Decimal, Decimal]]:
    return [(row.account, row.debit, row.credit) for row in draft.rows]


def apply(books, name: str, **options) -> entries.ClosingEntry:
    return entries.create_entry(
        books.db, books.company, books.year, template_draft(books.db, books.year, name, **options), template=name
    )


def test_depreciation_is_the_rate_of_equipment_less_what_is_booked(books):
    closing = books.closing()
    base = sum((amount for number, amount in closing.items() if "1220" <= number <= "1227"), ZERO)
    expected = (base * D("0.20")).quantize(D("0.01")) - closing["7832"]
    assert base > 0 and expected > 0

    draft = template_draft(books.db, books.year, "depreciation")

    assert (draft.date, draft.text) == (None, "Avskrivning inventarier 2025")
    assert sides(draft) == [("7832", expected, ZERO), ("1229", ZERO, expected)]
    entry = apply(books, "depreciation")
    assert (entry.template, entry.date) == ("depreciation", books.year.end)
    with pytest.raises(BokslutError, match="nothing to book with the depreciation template.*give --amount"):
        template_draft(books.db, books.year, "depreciation")


def test_the_years_result_brings_classes_3_to_8_to_zero(books):
    apply(books, "depreciation")
    apply(books, "tax")
    profit = result(books.closing())

    entry = apply(books, "year-result")

    assert [(r.account, r.amount) for r in entries.rows_of(entry)] == [("8999", profit), ("2099", -profit)]
    assert entry.text == "Årets resultat 2025"
    assert result(books.closing()) == 0
    assert books.closing()["8999"] == profit
    with pytest.raises(BokslutError, match="classes 3-8 already sum to zero"):
        template_draft(books.db, books.year, "year-result")


def test_a_loss_gives_no_tax_and_a_years_result_on_the_other_sides(books):
    loss_making = D(10) * result(books.closing())
    entries.create_entry(
        books.db,
        books.company,
        books.year,
        EntryDraft(None, "Nedskrivning", (RowDraft("7832", loss_making, ZERO), RowDraft("1229", ZERO, loss_making))),
    )
    loss = -result(books.closing())
    assert loss > 0

    with pytest.raises(BokslutError, match="nothing to book with the tax template"):
        template_draft(books.db, books.year, "tax")
    with pytest.raises(BokslutError, match="nothing to book with the periodiseringsfond template"):
        template_draft(books.db, books.year, "periodiseringsfond")
    assert sides(template_draft(books.db, books.year, "year-result")) == [("2099", loss, ZERO), ("8999", ZERO, loss)]


def test_accruals_use_the_users_cost_account_and_amount(books):
    accrued = template_draft(books.db, books.year, "accrued-expenses", amount=D("15000"), account="6420")
    prepaid = template_draft(books.db, books.year, "prepaid-expenses", amount=D("8500.50"), account="5010")

    assert sides(accrued) == [("6420", D("15000"), ZERO), ("2990", ZERO, D("15000"))]
    assert accrued.text == "Upplupna kostnader 2025"
    assert sides(prepaid) == [("1790", D("8500.50"), ZERO), ("5010", ZERO, D("8500.50"))]
    with pytest.raises(BokslutError, match="needs your cost account; give it with --account"):
        template_draft(books.db, books.year, "accrued-expenses", amount=D(1))
    with pytest.raises(BokslutError, match="cannot suggest an amount; give one with --amount"):
        template_draft(books.db, books.year, "prepaid-expenses", account="5010")


def test_excess_depreciation_takes_the_amount_and_a_negative_one_reduces(books):
    assert sides(template_draft(books.db, books.year, "excess-depreciation", amount=D("20000"))) == [
        ("8853", D("20000"), ZERO),
        ("2153", ZERO, D("20000")),
    ]
    assert sides(template_draft(books.db, books.year, "excess-depreciation", amount=D("-5000"))) == [
        ("2153", D("5000"), ZERO),
        ("8853", ZERO, D("5000")),
    ]


def test_the_amount_overrides_a_suggestion_and_bad_requests_are_refused(books):
    assert sides(template_draft(books.db, books.year, "tax", amount=D("1234")))[0] == ("8910", D("1234"), ZERO)
    for options, message in (
        ({"amount": ZERO}, "amount other than zero"),
        ({"account": "6420"}, "fixed accounts"),
    ):
        with pytest.raises(BokslutError, match=message):
            template_draft(books.db, books.year, "tax", **options)
    with pytest.raises(BokslutError, match="unknown template 'dividend'; the templates are: depreciation"):
        template_draft(books.db, books.year, "dividend")
    assert set(TEMPLATES) == {
        "depreciation", "accrued-expenses", "prepaid-expenses", "tax", "periodiseringsfond",
        "excess-depreciation", "year-result",
    }


def year_starting(books, start: dt.date, end: dt.date) -> FiscalYear:
    return FiscalYear.create(company=books.company.id, start=start, end=end)


@pytest.mark.parametrize(
    ("start", "tax"),
    [
        (dt.date(2012, 1, 1), D("26.3")),
        (dt.date(2013, 1, 1), D("22.0")),
        (dt.date(2018, 1, 1), D("22.0")),
        (dt.date(2019, 1, 1), D("21.4")),
        (dt.date(2020, 7, 1), D("21.4")),  # a broken year starting in 2020 still has 2020's rate
        (dt.date(2021, 1, 1), D("20.6")),
    ],
)
def test_default_tax_rate_follows_the_year_the_fiscal_year_starts_in(books, start, tax):
    year = year_starting(books, start, start.replace(year=start.year + 1) - dt.timedelta(days=1))
    assert rates.rate(books.db, year, "tax") == tax
    assert rates.rate(books.db, year, "periodiseringsfond") == 25
    assert rates.rate(books.db, year, "depreciation") == 20


def test_a_year_before_the_data_needs_its_own_rate(books):
    year = year_starting(books, dt.date(2005, 1, 1), dt.date(2005, 12, 31))
    with pytest.raises(BokslutError, match="no default tax rate for a fiscal year starting in 2005.*--set tax="):
        rates.rate(books.db, year, "tax")
    rates.set_rate(books.db, year, "tax", "28")
    assert rates.rate(books.db, year, "tax") == 28


def test_an_override_is_per_fiscal_year_and_the_templates_use_it(books):
    other = year_starting(books, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    rates.set_rate(books.db, books.year, "tax", "22,5")
    rates.set_rate(books.db, books.year, "tax", D("22"))  # replaces, does not add a second value

    assert rates.rate(books.db, books.year, "tax") == 22
    assert rates.rate(books.db, other, "tax") == D("20.6")
    from core.tax.sheet import compute_sheet  # the tax template books the tax computation's tax at this rate

    assert compute_sheet(books.db, books.year).rate == 22
    assert rates.rates_json(books.db, books.year)[0] == {
        "name": "tax", "value": "22", "default": "20.6", "overridden": True
    }

    rates.set_rate(books.db, books.year, "tax", "")
    assert rates.rate(books.db, books.year, "tax") == D("20.6")


@pytest.mark.parametrize(("name", "value", "message"), [
    ("tax", "lots", "not a percentage"),
    ("tax", "101", "not a percentage"),
    ("tax", "-1", "not a percentage"),
    ("vat", "25", "unknown rate 'vat'; the rates are: tax, periodiseringsfond, depreciation"),
])
def test_bad_rates_are_refused(books, name, value, message):
    with pytest.raises(BokslutError, match=message):
        rates.set_rate(books.db, books.year, name, value)


def test_depreciation_stops_at_a_book_value_of_zero(books):
    """Review B7: at 40 % on equipment already mostly depreciated, the plan would take the book value below zero.
    The suggestion is at most what 1220-1229 still hold (acquisition values less write-downs and depreciation)."""
    closing = books.closing()
    base = sum((amount for number, amount in closing.items() if "1220" <= number <= "1227"), ZERO)
    left = sum((amount for number, amount in closing.items() if "1220" <= number <= "1229"), ZERO)
    rates.set_rate(books.db, books.year, "depreciation", D("95"))
    planned = (base * D("0.95")).quantize(D("0.01")) - closing["7832"]
    assert 0 < left < planned  # the demo's equipment is partly depreciated: 95 % of it is more than is left

    draft = template_draft(books.db, books.year, "depreciation")

    assert sides(draft) == [("7832", left, ZERO), ("1229", ZERO, left)]
    apply(books, "depreciation")
    after = books.closing()
    assert sum((amount for number, amount in after.items() if "1220" <= number <= "1229"), ZERO) == 0
