"""Each built-in check with data that triggers it and data that does not, on small imported stores."""

from __future__ import annotations

import pytest

from core.checks import fingerprints_in, per_voucher
from core.checks.vat import set_vat_period
from core.ledger import resolve_company
from tests.checks import ORG, balance, day, db, load, results, run, voucher  # noqa: F401 (db is a fixture)
from tests.store.sources import consistent_year


def status(db, check_id, year=2024, period=""):  # noqa: F811
    return results(db, check_id, year, period)["status"]


def test_a_consistent_year_is_green_where_the_checks_can_run(db):
    load(db, consistent_year())
    found = run(db)
    assert {check for (check, period), r in found.items() if not period and r["status"] == "green"} >= {
        "voucher-balance", "closing-balances", "results", "voucher-numbering", "voucher-dates", "result-transferred",
        "unusual-sign", "vat-settlement", "vat-rate", "possible-duplicates", "round-amounts", "opening-balance",
    }  # fmt: skip  (opening-balance: against the file's own #UB -1)
    assert found[("changed-vouchers", "")]["message_key"] == "changed-vouchers.no-previous-import"


def test_unbalanced_voucher(db):
    load(db, [voucher(1, day(1, 10), ("1930", "100"), ("3001", "-90"))])
    result = results(db, "voucher-balance")
    assert result["status"] == "red" and result["rows"] == [
        {"voucher": "A 1", "date": "2024-01-10", "expected": "0.00", "found": "10.00"}
    ]
    assert result["message_key"] == "voucher-balance.found" and result["params"] == {"count": 1}


def test_closing_balances_and_results_against_the_file(db):
    items = consistent_year()
    items[4] = balance("UB", 0, "1930", "9999.00")
    items[6] = balance("RES", 0, "3001", "-1.00")
    load(db, items)
    assert results(db, "closing-balances")["rows"][0]["account"] == "1930"
    assert results(db, "results")["rows"][0] == {"account": "3001", "expected": "-1.00", "found": "-1250.50",
                                                 "difference": "-1249.50"}  # fmt: skip


def test_balances_missing_from_the_file_cannot_be_checked(db):
    load(db, [voucher(1, day(1, 10), ("1930", "100"), ("3001", "-100"))], opening=False)
    assert status(db, "closing-balances") == "orange"
    assert status(db, "results") == "orange"


def test_gaps_and_duplicates_in_numbering(db):
    rows = (("1930", "10"), ("3001", "-10"))
    load(db, [voucher(n, day(1, 2), *rows) for n in (1, 2, 5)] + [voucher(1, day(1, 3), *rows, series="B"),
                                                                 voucher(1, day(1, 3), *rows, series="B")])  # fmt: skip
    found = results(db, "voucher-numbering")["rows"]
    assert {"series": "B", "number": "1", "problem": "duplicate", "expected": 1, "found": 2} in found
    assert {"series": "A", "number": "3", "problem": "gap", "after": "2", "before": "5", "missing": 2} in found
    assert len(found) == 2


def test_numbering_without_gaps(db):
    load(db, [voucher(n, day(1, 2), ("1930", "10"), ("3001", "-10")) for n in (1, 2, 3)])
    assert status(db, "voucher-numbering") == "green"


def test_voucher_outside_the_year(db):
    load(db, [voucher(1, day(1, 2), ("1930", "1"), ("3001", "-1")), voucher(2, day(1, 2, 2025), ("1930", "1"), ("3001", "-1"))])
    assert results(db, "voucher-dates")["rows"] == [{"voucher": "A 2", "expected": "2024-01-01..2024-12-31", "found": "2025-01-02"}]


def _year_2023(closing_1930="1000.00"):
    return [balance("IB", 0, "1930", "0.00"), balance("UB", 0, "1930", closing_1930),
            voucher(1, day(3, 1, 2023), ("1930", closing_1930), ("3001", "-" + closing_1930))]  # fmt: skip


def test_opening_balance_against_the_previous_year(db):
    load(db, _year_2023(), year=2023)
    load(db, [balance("IB", 0, "1930", "900.00"), voucher(1, day(1, 8), ("1930", "1"), ("3001", "-1"))])
    assert results(db, "opening-balance")["rows"] == [
        {"account": "1930", "expected": "1000.00", "found": "900.00", "difference": "-100.00"}
    ]
    load(db, [balance("IB", 0, "1930", "1000.00"), voucher(1, day(1, 8), ("1930", "1"), ("3001", "-1"))])
    assert status(db, "opening-balance") == "green"


def test_previous_result_not_transferred(db):
    load(db, [balance("IB", 0, "1930", "100.00"), balance("IB", 0, "2099", "-60.00"), balance("IB", 0, "3001", "-40.00"),
              voucher(1, day(2, 5), ("1930", "10"), ("3001", "-10"))])  # fmt: skip  (the year's vouchers: no transfer)
    assert [r["account"] for r in results(db, "result-transferred")["rows"]] == ["2099", "3001"]
    load(db, [balance("IB", 0, "1930", "100.00"), balance("IB", 0, "2099", "-60.00"), balance("IB", 0, "3001", "-40.00")])
    assert [r["account"] for r in results(db, "result-transferred")["rows"]] == ["3001"]  # balances only: 2099 unknown
    load(db, [balance("IB", 0, "1930", "100.00"), balance("IB", 0, "2098", "-100.00")])
    assert status(db, "result-transferred") == "green"


def test_unusual_sign_on_bank_and_payables(db):
    load(db, [balance("IB", 0, "1930", "100.00"), balance("IB", 0, "2440", "-50.00"),
              voucher(1, day(2, 5), ("1930", "-500"), ("2440", "500"))])  # fmt: skip
    assert results(db, "unusual-sign")["rows"] == [
        {"account": "1930", "expected": "debit", "found": "-400.00"},
        {"account": "2440", "expected": "credit", "found": "450.00"},
    ]
    load(db, [balance("IB", 0, "1930", "100.00"), voucher(1, day(2, 5), ("1930", "-50"), ("2440", "50"))])
    assert status(db, "unusual-sign") == "red"  # 2440 is now a debit balance
    load(db, [balance("IB", 0, "1930", "100.00"), voucher(1, day(2, 5), ("1930", "50"), ("2440", "-50"))])
    assert status(db, "unusual-sign") == "green"


def test_unusual_sign_needs_a_balance_to_start_from(db):
    """A voucher file without #IB or #UB (a 4I file) does not say where 1930 started: paying 500 from it is no
    overdraft."""
    load(db, [voucher(1, day(2, 5), ("1930", "-500"), ("5410", "500"))], opening=False)
    result = results(db, "unusual-sign")
    assert (result["status"], result["message_key"]) == ("orange", "unusual-sign.no-balances")


def test_result_transfer_needs_vouchers(db):
    """Balances only (SIE 1-3): the transfer of last year's result is in vouchers the file does not carry."""
    load(db, [balance("IB", 0, "2099", "-100.00"), balance("IB", 0, "1930", "100.00"),
              balance("UB", 0, "2091", "-100.00"), balance("UB", 0, "1930", "100.00")])  # fmt: skip
    result = results(db, "result-transferred")
    assert (result["status"], result["message_key"]) == ("orange", "result-transferred.no-vouchers")


def _monthly(counts: dict[int, int], amount="100", big: dict[int, str] | None = None, year=2024):
    """`counts[month]` vouchers on 5410 in each month; `big[month]` replaces one amount that month."""
    items, number = [], 0
    for month, count in counts.items():
        for i in range(count):
            number += 1
            value = (big or {}).get(month) if i == 0 and month in (big or {}) else f"{amount}.{i % 7}0"
            items.append(voucher(number, day(month, 1 + i % 28, year), ("5410", value), ("1930", "-" + value)))
    return items


def test_unusually_many_transactions(db):
    load(db, _monthly({1: 4, 2: 5, 3: 4, 4: 30}))
    found = run(db)
    assert found[("unusual-counts", "202401")]["status"] == "orange"
    assert found[("unusual-counts", "202403")]["status"] == "orange"  # two earlier periods only
    april = found[("unusual-counts", "202404")]
    assert april["status"] == "red"
    assert {row["account"] for row in april["rows"]} == {"1930", "5410"}
    assert april["rows"][0]["found"] == 30


def test_as_many_transactions_as_usual(db):
    load(db, _monthly({1: 4, 2: 5, 3: 4, 4: 5}))
    assert status(db, "unusual-counts", period="202404") == "green"


def test_unusually_high_amount(db):
    load(db, _monthly({1: 5, 2: 5, 3: 5, 4: 5, 5: 5}, big={4: "25000.00"}))
    april = results(db, "unusual-amounts", period="202404")
    assert april["status"] == "red"
    assert {(row["account"], row["amount"]) for row in april["rows"]} == {("5410", "25000.00"), ("1930", "-25000.00")}
    assert status(db, "unusual-amounts", period="202405") == "green"
    assert status(db, "unusual-amounts", period="202403") == "orange"  # two earlier periods only


def test_transactions_against_the_same_month_last_year(db):
    load(db, [balance("UB", 0, "1930", "0")] + _monthly({1: 20}, year=2023), year=2023)
    load(db, _monthly({1: 20, 2: 3}))
    found = run(db)
    assert found[("count-vs-last-year", "202401")]["status"] == "green"
    february = found[("count-vs-last-year", "202402")]  # none last February, three now: within the tolerance
    assert february["status"] == "green"
    load(db, _monthly({1: 4}))
    assert results(db, "count-vs-last-year", period="202401")["rows"][0] == {
        "account": "1930", "expected": 20, "found": 4, "compared_with": "202301"
    }  # fmt: skip


def test_without_last_year_the_comparison_cannot_run(db):
    load(db, _monthly({1: 4}))
    assert status(db, "count-vs-last-year", period="202401") == "orange"


def _sale(number, date, net, vat, vat_account="2610"):
    gross = str(int(net) + int(vat))
    return voucher(number, date, ("1510", gross), ("3001", "-" + net), (vat_account, "-" + vat))


def test_vat_settlement_matches_the_booked_vat(db):
    purchase = voucher(3, day(1, 20), ("5410", "400"), ("2640", "100"), ("2440", "-500"))
    settle = voucher(4, day(2, 12), ("2610", "500"), ("2640", "-100"), ("2650", "-400"))
    load(db, [_sale(1, day(1, 5), "1000", "250"), _sale(2, day(1, 9), "1000", "250"), purchase, settle,
              _sale(5, day(2, 14), "400", "100")])  # fmt: skip
    set_vat_period(db, resolve_company(db, ORG), "month")
    assert status(db, "vat-settlement") == "green"  # February's sale is settled later


def test_vat_settlement_that_differs(db):
    settle = voucher(4, day(2, 12), ("2610", "250"), ("2650", "-250"))
    load(db, [_sale(1, day(1, 5), "1000", "250"), _sale(2, day(1, 31), "1000", "250"), settle])
    set_vat_period(db, resolve_company(db, ORG), "month")
    assert results(db, "vat-settlement")["rows"] == [
        {"series": "A", "number": "4", "date": "2024-02-12", "account": "2650", "period": "2024-01-01..2024-01-31",
         "expected": "-500.00", "found": "-250.00", "difference": "250.00"}
    ]  # fmt: skip


def test_vat_without_settlement_is_orange(db):
    load(db, [_sale(1, day(1, 5), "1000", "250")])
    assert status(db, "vat-settlement") == "orange"


def test_vat_rate(db):
    load(db, [_sale(1, day(1, 5), "1000", "250"), _sale(2, day(1, 6), "1000", "120", "2620"),
              _sale(3, day(1, 7), "1000", "200"), voucher(4, day(1, 8), ("5410", "1000"), ("2640", "60"), ("1930", "-1060")),
              voucher(5, day(1, 9), ("5410", "1000"), ("2640", "90"), ("1930", "-1090"))])  # fmt: skip
    found = results(db, "vat-rate")["rows"]
    assert [(row["number"], row["account"], row["amount"], row["base"]) for row in found] == [
        ("3", "2610", "-200.00", "-1000.00"), ("5", "2640", "90.00", "1000.00")
    ]


def test_possible_duplicates(db):
    load(db, [voucher(1, day(3, 4), ("5410", "2000"), ("2440", "-2000")),
              voucher(2, day(3, 4), ("5410", "2000"), ("2440", "-2000")),
              voucher(3, day(3, 5), ("5410", "2000"), ("2440", "-2000"))])  # fmt: skip
    found = results(db, "possible-duplicates")["rows"]
    assert {"account": "5410", "date": "2024-03-04", "amount": "2000.00", "vouchers": "A 1, A 2"} in found
    assert len(found) == 1  # on the result account only, not again on 2440
    load(db, [voucher(1, day(3, 4), ("5410", "2000"), ("2440", "-2000")), voucher(2, day(3, 5), ("5410", "2000"), ("2440", "-2000"))])
    assert status(db, "possible-duplicates") == "green"


def test_round_amounts(db):
    load(db, [voucher(1, day(3, 4), ("5410", "20000"), ("1930", "-20000")),
              voucher(2, day(3, 5), ("5410", "20000.50"), ("1930", "-20000.50"))])  # fmt: skip
    assert results(db, "round-amounts")["rows"] == [
        {"series": "A", "number": "1", "date": "2024-03-04", "account": "5410", "amount": "20000.00"}
    ]
    load(db, [voucher(1, day(3, 4), ("5410", "20100.25"), ("1930", "-20100.25"))])
    assert status(db, "round-amounts") == "green"


def test_weekend_postings(db):
    load(db, [voucher(1, day(1, 6), ("1930", "1"), ("3001", "-1")), voucher(2, day(1, 8), ("1930", "1"), ("3001", "-1"))])
    assert results(db, "weekend-postings")["rows"] == [{"series": "A", "number": "1", "date": "2024-01-06", "weekday": "Saturday"}]
    load(db, [voucher(2, day(1, 8), ("1930", "1"), ("3001", "-1"))])
    assert status(db, "weekend-postings") == "green"


def test_vouchers_changed_or_removed_since_the_previous_import(db):
    first = [balance("IB", 0, "1930", "0"), *(voucher(n, day(2, n), ("1930", "10"), ("3001", "-10")) for n in (1, 2, 3))]
    load(db, first)
    assert status(db, "changed-vouchers") == "orange"
    load(db, first)
    assert status(db, "changed-vouchers") == "green"
    second = [balance("IB", 0, "1930", "0"), voucher(1, day(2, 1), ("1930", "10"), ("3001", "-10")),
              voucher(2, day(2, 2), ("1930", "12"), ("3001", "-12")), voucher(4, day(2, 4), ("1930", "1"), ("3001", "-1"))]  # fmt: skip
    load(db, second)
    result = results(db, "changed-vouchers")
    assert result["rows"] == [{"voucher": "A 2", "problem": "changed"}, {"voucher": "A 3", "problem": "removed"}]
    assert result["params"] == {"count": 2, "added": 1}


@pytest.mark.sqlite_only  # stores older than the fingerprint column are SQLite stores
def test_the_importer_stores_the_fingerprint_the_rows_give(db):
    """The importer hashes what it has in hand; computed again from the stored rows it must come out the same, or a
    year imported before fingerprints were stored would show every voucher as changed."""
    items = consistent_year()
    items[-1].rows[0].date = day(1, 22)
    items[-1].rows[0].text = "hyra | mars"
    load(db, items)
    stored = db.execute_sql("SELECT TRIM(series || ' ' || number), fingerprint FROM voucher ORDER BY id").fetchall()
    assert len(stored) == 2 and all(fingerprint for _, fingerprint in stored)
    db.execute_sql("UPDATE voucher SET fingerprint = NULL")
    fingerprints_in(db)
    (year_id,) = db.execute_sql("SELECT id FROM fiscal_year").fetchone()
    assert db.execute_sql(f"{per_voucher(db)} ORDER BY v.id", (year_id,)).fetchall() == stored


@pytest.mark.sqlite_only  # stores older than the fingerprint column are SQLite stores
def test_vouchers_without_a_stored_fingerprint_are_compared_by_their_rows(db):
    """Imported before migration 5 (fingerprint NULL): the re-import computes theirs from the stored rows."""
    first = [voucher(n, day(2, n), ("1930", "10"), ("3001", "-10")) for n in (1, 2, 3)]
    load(db, first)
    db.execute_sql("UPDATE voucher SET fingerprint = NULL")
    load(db, first)
    assert status(db, "changed-vouchers") == "green"
    db.execute_sql("UPDATE voucher SET fingerprint = NULL")
    load(db, [*first[:2], voucher(3, day(2, 3), ("1930", "10"), ("3001", "-9"), ("3002", "-1"))])
    assert results(db, "changed-vouchers")["rows"] == [{"voucher": "A 3", "problem": "changed"}]
