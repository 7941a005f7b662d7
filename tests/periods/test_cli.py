"""`bokslut period ...` as a user runs it: a real process over a real store with the demo company imported."""

from __future__ import annotations

import getpass
import json

import pytest

from core.demo import write_demo_sie
from tests.closing import DEMO

YEAR = ("--company", DEMO.org_number, "--year", "2025")


@pytest.fixture
def demo_cli(cli, tmp_path):
    imported = cli("import-sie", str(write_demo_sie(DEMO, tmp_path / "demo.se")))
    assert imported.returncode == 0, imported.stderr
    return cli


def listed(cli) -> dict:
    run = cli("period", "list", *YEAR, "--json")
    assert run.returncode == 0, run.stderr
    return run.json()


def states(cli) -> dict[str, str]:
    return {period["label"]: period["state"] for period in listed(cli)["periods"]}


def refused(run, words: str) -> None:
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and words in run.stderr, run.stderr


def test_list_shows_the_months_and_the_year_end_period(demo_cli):
    document = listed(demo_cli)

    assert (document["kind"], document["fiscal_year"]) == ("month", {"start": "2025-01-01", "end": "2025-12-31"})
    assert [p["key"] for p in document["periods"]] == [f"2025{m:02d}" for m in range(1, 13)] + ["year-end"]
    assert document["periods"][0] == {
        "key": "202501", "label": "2025-01", "start": "2025-01-01", "end": "2025-01-31", "state": "open",
        "locked": False, "changed_by": None, "changed_at": None,
    }
    text = demo_cli("period", "list", *YEAR)
    assert text.returncode == 0, text.stderr
    assert "periods by month" in text.stdout
    assert "year-end  2025-12-31..2025-12-31  not started" in text.stdout


def test_lock_in_order_unlock_pauses_the_next_and_lock_again(demo_cli):
    for written in ("2025-01", "202502"):
        run = demo_cli("period", "lock", written, *YEAR)
        assert run.returncode == 0, run.stderr
    shown = run.stdout.split(": ", 1)[1].split()
    assert shown[:4] == ["2025-02", "2025-02-01..2025-02-28", "locked", getpass.getuser()]
    refused(demo_cli("period", "lock", "2025-04", *YEAR), "2025-04 cannot be locked yet: the earlier period 2025-03")

    unlocked = demo_cli("period", "unlock", "2025-02", *YEAR, "--json")

    assert unlocked.returncode == 0, unlocked.stderr
    assert (unlocked.json()["state"], unlocked.json()["changed_by"]) == ("unlocked", getpass.getuser())
    assert list(states(demo_cli).values())[:4] == ["locked", "unlocked", "paused", "not started"]
    refused(demo_cli("period", "lock", "2025-03", *YEAR), "the earlier period 2025-02 is temporarily unlocked")
    assert demo_cli("period", "lock", "2025-02", *YEAR).returncode == 0
    assert demo_cli("period", "lock", "2025-03", *YEAR).returncode == 0
    assert list(states(demo_cli).values())[:4] == ["locked", "locked", "locked", "open"]


def test_quarters_until_a_period_is_locked(demo_cli):
    quarters = demo_cli("period", "kind", "quarter", *YEAR, "--json")
    assert quarters.returncode == 0, quarters.stderr
    assert [p["label"] for p in quarters.json()["periods"]] == ["2025Q1", "2025Q2", "2025Q3", "2025Q4", "year-end"]
    refused(demo_cli("period", "lock", "2025-01", *YEAR), "divided into quarters 2025Q1..2025Q4 and year-end")

    assert demo_cli("period", "lock", "2025Q1", *YEAR).returncode == 0
    refused(demo_cli("period", "kind", "month", *YEAR), "cannot become months: period 2025Q1 has been locked")
    assert listed(demo_cli)["kind"] == "quarter"


def test_bad_period_names_and_kinds_are_one_line_refusals(demo_cli):
    refused(demo_cli("period", "lock", "2025-13", *YEAR), "'2025-13' is not a period; give it as 2025-03")
    refused(demo_cli("period", "unlock", "2025-01", *YEAR), "period 2025-01 of fiscal year")
    refused(demo_cli("period", "kind", "year", *YEAR), "invalid choice: 'year'")
    refused(demo_cli("period", "list", "--company", DEMO.org_number, "--year", "2031"), "no fiscal year ending in 2031")


def test_closing_add_is_refused_in_a_locked_period(demo_cli):
    assert demo_cli("period", "lock", "2025-01", *YEAR).returncode == 0
    entry = {
        "date": "2025-01-31",
        "text": "Upplupet revisionsarvode",
        "rows": [{"account": "6420", "debit": "500.00"}, {"account": "2990", "credit": "500.00"}],
    }

    locked = demo_cli("closing", "add", *YEAR, "--from-json", "-", stdin=json.dumps(entry))
    opened = demo_cli("closing", "add", *YEAR, "--from-json", "-", stdin=json.dumps({**entry, "date": "2025-02-01"}))

    assert locked.returncode == 2
    assert "2025-01-31 lies in period 2025-01, which is locked" in locked.stderr
    assert opened.returncode == 0, opened.stderr


def test_every_lock_and_unlock_is_in_the_activity_log_with_who_and_why(demo_cli):
    """Review D2: a period's row keeps only its last change, so lock -> unlock -> lock lost the unlock. The
    activity log keeps each, with the user and, for an unlock through reconciliation, the reason given."""

    assert demo_cli("period", "lock", "2025-01", *YEAR).returncode == 0
    assert demo_cli("reconcile", "unlock", *YEAR, "--period", "2025-01", "--reason", "Bankavgift saknades").returncode == 0
    assert demo_cli("period", "lock", "2025-01", *YEAR).returncode == 0
    listed = demo_cli("activity", "--kind", "period", "--json")
    assert listed.returncode == 0, listed.stderr
    entries = sorted(listed.json(), key=lambda e: e["id"])
    user = getpass.getuser()
    assert [(e["status"], e["message"]) for e in entries] == [
        ("done", f"locked period 2025-01 of fiscal year 2025-01-01..2025-12-31 by {user}"),
        ("done", f"unlocked period 2025-01 of fiscal year 2025-01-01..2025-12-31 by {user}: Bankavgift saknades"),
        ("done", f"locked period 2025-01 of fiscal year 2025-01-01..2025-12-31 by {user}"),
    ]
