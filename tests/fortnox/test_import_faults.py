"""Importing from Fortnox while Fortnox misbehaves: the import completes with exactly the data of a calm one, or
fails with one clear message and the store as it was. Real HTTP to the sandbox; only the waiting is fast-forwarded."""

from __future__ import annotations

import threading

import pytest

from core.activity import list_activity
from core.config import Settings
from core.errors import BokslutError
from core.fortnox.connection import FortnoxCompanyMismatch
from core.fortnox.errors import FortnoxUnavailable
from core.fortnox.importer import import_from_fortnox
from core.fortnox.tokens import open_token_store, token_key
from core.fortnox.settings import fortnox_settings
from core.store.models import Company, Voucher, VoucherRow
from tests.fortnox.conftest import FJALLBACKEN
from tests.store.conftest import dump

BOOKS = {  # the books without row ids, which a re-import renews
    "vouchers": "SELECT fy.start, v.series, v.number, v.date, v.text FROM voucher v JOIN fiscal_year fy ON fy.id = v.fiscal_year_id",
    "rows": "SELECT fy.start, v.series, v.number, r.kind, r.account, r.amount, r.objects, r.text "
    "FROM voucher_row r JOIN voucher v ON v.id = r.voucher_id JOIN fiscal_year fy ON fy.id = r.fiscal_year_id",
    "balances": "SELECT fy.start, b.kind, b.account, b.period, b.objects, b.amount FROM balance b "
    "JOIN fiscal_year fy ON fy.id = b.fiscal_year_id",
    "years": 'SELECT start, "end", fortnox_id FROM fiscal_year',
    "accounts": "SELECT number, name FROM account",
    "objects": "SELECT dimension, number, name, active FROM dimension_object",
    "series": "SELECT fy.start, s.code, s.description, s.manual FROM fortnox_series s JOIN fiscal_year fy ON fy.id = s.fiscal_year_id",
}


def _books(db) -> dict:
    return {name: sorted(db.execute_sql(sql).fetchall(), key=repr) for name, sql in BOOKS.items()}


async def test_429_storms_5xx_and_dropped_connections_change_nothing_in_the_result(connected):
    calm = await import_from_fortnox(connected.db, connected.settings, connected.company, all_years=True)
    expected = _books(connected.db)
    vouchers, rows = Voucher.select().count(), VoucherRow.select().count()

    faults = connected.sandbox.sandbox.faults
    faults.throttle(2, path="/3/sie")  # a 429 burst, then a dropped download, on the first year's file
    faults.drop(1, path="/3/sie")
    faults.fail(2, status=502, path="/3/financialyears")
    faults.fail(1, status=500, path="/3/voucherseries")
    faults.drop(1, path="/3/costcenters")
    stormy = await import_from_fortnox(connected.db, connected.settings, connected.company, all_years=True)

    assert [r.vouchers for r in stormy.years] == [r.vouchers for r in calm.years]
    assert (Voucher.select().count(), VoucherRow.select().count()) == (vouchers, rows)  # replaced, not doubled
    assert _books(connected.db) == expected
    assert stormy.requests > calm.requests


async def test_an_outage_that_outlasts_the_retries_leaves_the_store_as_it_was(connected):
    await import_from_fortnox(connected.db, connected.settings, connected.company)
    before = dump(connected.db)
    connected.sandbox.sandbox.faults.fail(50, status=503, path="/3/sie")

    with pytest.raises(FortnoxUnavailable) as failure:
        await import_from_fortnox(connected.db, connected.settings, connected.company, all_years=True)

    assert "try again" in str(failure.value)
    assert dump(connected.db) == before
    latest = list_activity(connected.db, company_id=connected.company.id)[0]
    assert (latest.kind, latest.status) == ("import", "failed")
    assert "try again" in latest.message


def _held_until_the_first_year_is_written(faults, *more):
    """on_step and on_progress for an import whose second year's download is held until the store has written rows
    of the first: an import that fetched everything before storing would never get past that request."""
    first_year_written = threading.Event()

    def stepped(step) -> None:
        if step.key == "store":  # the first year is in hand; the later ones are still to fetch
            faults.hold(first_year_written, path="/3/sie", timeout=20)
            for arm in more:
                arm()

    def progressed(progress) -> None:
        if progress.vouchers:
            first_year_written.set()

    return {"on_step": stepped, "on_progress": progressed}


async def test_the_first_year_is_stored_while_the_later_years_download(connected):
    faults = connected.sandbox.sandbox.faults
    result = await import_from_fortnox(
        connected.db, connected.settings, connected.company, **_held_until_the_first_year_is_written(faults)
    )

    assert faults.holds == [True]  # the second year's request waited for the first year's rows, and got them
    assert len(result.years) == 3 and Voucher.select().count() == sum(year.vouchers for year in result.years)
    said = [str(step) for step, _ in result.steps]
    assert said[-1] == "import into the store" and "fetch 2024-01-01..2024-12-31 while storing" in said


async def test_a_later_year_failing_to_download_rolls_back_the_year_already_stored(connected):
    await import_from_fortnox(connected.db, connected.settings, connected.company)
    before = dump(connected.db)
    faults = connected.sandbox.sandbox.faults
    year_three_fails = lambda: faults.fail(50, status=503, path="/3/sie")  # noqa: E731

    with pytest.raises(FortnoxUnavailable):
        await import_from_fortnox(
            connected.db, connected.settings, connected.company, all_years=True,
            **_held_until_the_first_year_is_written(faults, year_three_fails),
        )  # fmt: skip

    assert faults.holds == [True]  # the first year (and the second) were written in the import's transaction
    assert dump(connected.db) == before
    latest = list_activity(connected.db, company_id=connected.company.id)[0]
    assert (latest.kind, latest.status) == ("import", "failed")


async def test_a_token_for_another_fortnox_company_is_refused_before_anything_is_written(connected):
    """Tokens are per company; should one ever be filed under the wrong company, the organisation number stops it."""
    other = Company.create(name="Fjällbäcken Bygg & Fastighet AB", org_number="5590123450")
    store = open_token_store(connected.settings, fortnox_settings(connected.settings))
    store.save(token_key(FJALLBACKEN), store.load(token_key(connected.company.org_number)))
    before = dump(connected.db)

    with pytest.raises(FortnoxCompanyMismatch) as refusal:
        await import_from_fortnox(connected.db, connected.settings, other)

    assert "556123-4567" in str(refusal.value) and "559012-3450" in str(refusal.value)
    assert dump(connected.db) == before


async def test_a_download_over_the_size_limit_is_refused_with_the_limit_named(connected):
    small = Settings(
        data_dir=connected.settings.data_dir,
        config_file=None,
        max_file_bytes=10_000,
        config=connected.settings.config,
    )
    before = dump(connected.db)
    with pytest.raises(BokslutError) as refusal:
        await import_from_fortnox(connected.db, small, connected.company)
    assert "import limit of 10 000 bytes" in str(refusal.value) and "max_file_mb" in str(refusal.value)
    assert dump(connected.db) == before


async def test_a_limit_in_a_fortnox_import_names_the_financial_year_not_a_temporary_file(connected):
    """The SIE answer passes through a private temporary file; the user never saw it, and it is gone: the refusal
    names the Fortnox financial year, drops the file's line and field, and says how to go on."""
    import dataclasses

    from core.errors import user_message
    from core.sie.errors import SieError
    from tui.i18n import set_language

    limited = dataclasses.replace(connected.settings, max_objects_per_dimension=2)
    with pytest.raises(SieError) as refused:
        await import_from_fortnox(connected.db, limited, connected.company)
    error = refused.value
    first_year = "Fortnox 2023-01-01..2023-12-31"  # the first of the three years a first import brings
    assert str(error) == (
        f"{first_year}: dimension 1 has more than 2 objects; expected at most 2 objects per dimension. "
        "Raise max_objects_per_dimension under [import] in config.toml, then import again."
    )
    assert error.params["file"] == first_year and error.params["line"] is None and error.params["field"] == ""
    [entry] = list_activity(connected.db, kind="import")
    assert entry.status == "failed" and first_year in entry.message and "bokslut-fortnox-" not in entry.message
    set_language("sv")
    try:
        swedish = user_message(error)
    finally:
        set_language("en")
        from core.errors import translate_with

        translate_with(None)
    assert swedish.startswith(f"{first_year}: dimension 1 har fler än 2 objekt") and "höj max_objects_per_dimension" in swedish.lower()
    assert Voucher.select().count() == 0
