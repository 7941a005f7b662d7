"""`bokslut tax ...` as a user runs it: a real process over a real store holding the reference's Case A
(tax-ink2-sru.md §4). Every expected figure is worked out by hand in the comments, never by calling core."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.tax import ORG_NUMBER, write_books
from tests.tax.test_worked_examples import CASE_A

YEAR = ("--company", ORG_NUMBER, "--year", "2025")
SRU = ("--postal-code", "111 22", "--city", "Stockholm", "--assisted", "no", "--audited", "no")


@pytest.fixture
def case_a(cli, tmp_path):
    # 7832 and 1229 with no movement: in the chart, so the plan-depreciation draft can book on them.
    path = write_books(tmp_path / "a.se", {}, {**CASE_A, "7832": Decimal(0), "1229": Decimal(0)})
    imported = cli("import-sie", str(path))
    assert imported.returncode == 0, imported.stderr
    return cli


def shown(cli, *args: str) -> dict:
    run = cli("tax", *args, *YEAR, "--json")
    assert run.returncode == 0, run.stderr
    return run.json()


def line(sheet: dict, field: str) -> dict:
    return next(item for item in sheet["lines"] if item["field"] == field)


def refused(run) -> str:
    """Bad input: exit 2, one line on stderr, nothing on stdout."""
    assert run.returncode == 2 and run.stdout == ""
    assert len(run.stderr.splitlines()) == 1, run.stderr
    return run.stderr


def test_show_the_sheet_its_sources_the_tax_and_the_drafts(case_a):
    sheet = shown(case_a, "show")

    # B 565 384; 4.3c = 8 000 + 2 500 + 3 000 + 316 = 13 816 added; 4.5c 1 200 deducted: P = 578 000. The fund is
    # 25 % of P = 144 500, Y = 433 500, tax 20.6 % = 89 301.
    assert (sheet["surplus_before_allocation"], sheet["allocation_max"], sheet["taxable"]) == (
        "578000.00",
        "144500.00",
        "433500.00",
    )
    assert (sheet["rate"], sheet["tax"], sheet["saved"]) == ("20.6", "89301.00", None)
    assert {k: line(sheet, "4.3c")[k] for k in ("amount", "source", "overridden", "computed")} == {
        "amount": "13816.00",
        "source": "books",
        "overridden": False,
        "computed": "13816.00",
    }
    drafts = {draft["name"]: draft for draft in sheet["drafts"]}
    assert list(drafts) == ["allocation", "tax"]
    assert drafts["tax"]["lines"] == ["taxable", "rate", "tax", "4.3a"]
    assert [(row["account"], row["debit"], row["credit"]) for row in drafts["tax"]["entry"]["rows"]] == [
        ("8910", "89301.00", "0.00"),
        ("2512", "0.00", "89301.00"),
    ]

    text = case_a("tax", "show", *YEAR)
    assert text.returncode == 0 and "89301.00" in text.stdout and "not saved" in text.stdout

    saved = shown(case_a, "show", "--save")
    assert saved["saved"]["stale"] is False


def test_an_override_is_marked_recomputes_the_tax_and_reset_takes_it_back(case_a):
    sheet = shown(case_a, "set", "4.3c", "20000")

    # P = 578 000 + (20 000 - 13 816) = 584 184; fund floor(25 %) = 146 046; Y = 438 138, down to tens 438 130;
    # tax floor(20.6 % x 438 130 = 90 254.78) = 90 254.
    assert {k: line(sheet, "4.3c")[k] for k in ("amount", "overridden", "computed")} == {
        "amount": "20000.00",
        "overridden": True,
        "computed": "13816.00",
    }
    assert (sheet["allocation_max"], sheet["taxable"], sheet["tax"]) == ("146046.00", "438130.00", "90254.00")

    back = shown(case_a, "reset", "4.3c")
    assert (line(back, "4.3c")["overridden"], back["tax"]) == (False, "89301.00")


def test_plan_shows_what_another_allocation_does_to_the_tax_and_stores_nothing(case_a):
    planned = shown(case_a, "plan", "--allocation", "0")

    # No fund: Y = P = 578 000, tax 20.6 % = 119 068, 29 767 more than with the full fund.
    assert (planned["allocation"], planned["tax"], planned["tax_now"], planned["tax_change"]) == (
        "0.00",
        "119068.00",
        "89301.00",
        "29767.00",
    )
    assert [draft["name"] for draft in planned["drafts"]] == ["tax"]
    assert shown(case_a, "show")["allocation"] == "144500.00"


def test_bad_input_is_one_line_and_exit_2(case_a):
    assert "whole kronor" in refused(case_a("tax", "set", "4.3c", "12.50", *YEAR))
    assert "not an input" in refused(case_a("tax", "set", "9.99", "1", *YEAR))
    assert "not an amount" in refused(case_a("tax", "plan", "--allocation", "much", *YEAR))
    assert "cannot be negative" in refused(case_a("tax", "plan", "--allocation", "-1", *YEAR))
    # 4.14a (last year's underskott) and the other type B fields are never negative on the form (§4, §11.4): a
    # negative one would add a deficit to the income instead of deducting it
    assert "4.14a cannot be negative" in refused(case_a("tax", "set", "4.14a", "-50000", *YEAR))
    assert "4.13- cannot be negative" in refused(case_a("tax", "set", "4.13-", "-1", *YEAR))
    assert case_a("tax", "set", "4.6e", "-1", *YEAR).returncode == 0  # type A: may be negative


def test_the_return_refused_until_the_drafts_are_booked_then_written_once(case_a, tmp_path):
    out = tmp_path / "out"
    out.mkdir()

    # Before booking, INK2R has the books' result, 565 384 (B, nothing appropriated or taxed) on 3.26 (7450), but
    # the sheet's 4.1 (7650) is the year's result after fund and tax: 565 384 - 144 500 - 89 301 = 331 583.
    message = refused(case_a("tax", "sru", *YEAR, "--output", str(out), *SRU))
    assert "7450" in message and "565384" in message and "7650" in message and "331583" in message
    assert list(out.iterdir()) == []

    booked = case_a("tax", "book", "all", *YEAR, "--json")
    assert booked.returncode == 0, booked.stderr
    assert [entry["template"] for entry in booked.json()] == ["tax:allocation", "tax:tax"]
    listed = case_a("closing", "list", *YEAR, "--json").json()
    assert [(entry["text"], entry["template"]) for entry in listed] == [
        ("Avsättning till periodiseringsfond 2025", "tax:allocation"),
        ("Skatt på årets resultat 2025", "tax:tax"),
    ]
    assert shown(case_a, "show")["drafts"] == []
    assert "nothing to book" in refused(case_a("tax", "book", "tax", *YEAR))

    written = case_a("tax", "sru", *YEAR, "--output", str(out), *SRU)
    assert written.returncode == 0, written.stderr
    assert str(out / "INFO.SRU") in written.stdout and str(out / "BLANKETTER.SRU") in written.stdout
    forms = (out / "BLANKETTER.SRU").read_bytes().decode("iso-8859-1").split("\r\n")
    assert "#UPPGIFT 7104 433500" in forms and "#UPPGIFT 7650 331583" in forms and "#UPPGIFT 8041 X" in forms
    before = (out / "BLANKETTER.SRU").read_bytes()

    assert "already exists" in refused(case_a("tax", "sru", *YEAR, "--output", str(out), *SRU))
    assert (out / "BLANKETTER.SRU").read_bytes() == before
    again = case_a("tax", "sru", *YEAR, "--output", str(out), *SRU, "--overwrite")
    assert again.returncode == 0, again.stderr


def test_funds_and_the_asset_register_with_plan_depreciation_booked(case_a):
    funds = shown(case_a, "funds")
    assert (funds["funds"], funds["allocation"], funds["allocation_account"]) == ([], "144500.00", "2125")

    added = shown(case_a, "assets", "add", "--description", "Bil", "--acquired", "2025-10-20", "--cost", "60000")
    [asset] = added["assets"]
    assert (asset["description"], asset["acquired"], asset["cost"]) == ("Bil", "2025-10-20", "60000.00")

    # October-December, 3 months of 20 % a year of 60 000: 60 000 x 0.20 x 3 / 12 = 3 000.
    booked = case_a("tax", "book", "plan-depreciation", *YEAR, "--json")
    assert booked.returncode == 0, booked.stderr
    [entry] = booked.json()
    assert [(row["account"], row["debit"], row["credit"]) for row in entry["rows"]][:2] == [
        ("7832", "3000.00", "0.00"),
        ("1229", "0.00", "3000.00"),
    ]

    when = dt.date(2025, 12, 1).isoformat()
    disposed = shown(case_a, "assets", "dispose", str(asset["id"]), "--date", when, "--proceeds", "50000")
    assert (disposed["assets"][0]["disposed"], disposed["assets"][0]["proceeds"]) == (when, "50000.00")
    assert "no asset 999" in refused(case_a("tax", "assets", "dispose", "999", *YEAR, "--date", when))
