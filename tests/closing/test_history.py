"""Every change of a closing entry is kept with who and when (BFL's behandlingshistorik), in the same transaction
as the change; and only a year-end entry may be not applicable for transfer."""

from __future__ import annotations

import datetime as dt
import getpass
import json
from decimal import Decimal

import pytest

from core.closing import entries
from core.closing.entries import ClosingEntryInvalid, EntryDraft, RowDraft
from core.errors import BokslutError
from core.store.models import ClosingHistory
from tests.closing import demo_books
from tests.closing.test_cli import ENTRY, YEAR, add, demo_cli  # noqa: F401

books = pytest.fixture(demo_books, name="books")
D = Decimal


def draft(date: dt.date | None, text: str = "Upplupen revision", amount: str = "100.00") -> EntryDraft:
    return EntryDraft(date, text, (RowDraft("6420", D(amount), D(0)), RowDraft("2990", D(0), D(amount))))


def lines(entry) -> list[tuple[str, str, bool]]:
    query = ClosingHistory.select().where(ClosingHistory.entry == entry.id).order_by(ClosingHistory.id)
    return [(line.action, line.status, line.deleted) for line in query]


def test_each_change_is_a_line_with_who_and_when(books):
    entry = entries.create_entry(books.db, books.company, books.year, draft(None))
    entries.update_entry(books.db, entry, draft(None, amount="250.00"))
    entries.set_not_applicable(books.db, entry, True)
    entries.set_not_applicable(books.db, entry, False)
    entries.delete_entry(books.db, entry)
    entries.restore_entry(books.db, entry)
    reversal = entries.reverse_entry(books.db, entry)

    assert lines(entry) == [
        ("created", "not_exported", False),
        ("edited", "not_exported", False),
        ("not_applicable", "not_applicable", False),
        ("exportable", "not_exported", False),
        ("deleted", "not_exported", True),
        ("restored", "not_exported", False),
        ("reversed", "not_exported", False),
    ]
    assert lines(reversal) == [("created", "not_exported", False)]
    history = ClosingHistory.select().where(ClosingHistory.entry == entry.id).order_by(ClosingHistory.id)
    assert {line.changed_by for line in history} == {getpass.getuser()}
    edited = json.loads(history[1].details)["before"]
    assert (edited["rows"][0]["account"], edited["rows"][0]["debit"]) == ("6420", "100.00")
    assert json.loads(history[6].details) == {"by": reversal.id}
    assert json.loads(ClosingHistory.get(ClosingHistory.entry == reversal.id).details)["reverses"] == entry.id


def test_a_refused_change_leaves_no_line(books):
    entry = entries.create_entry(books.db, books.company, books.year, draft(None))
    with pytest.raises(ClosingEntryInvalid):
        entries.update_entry(books.db, entry, draft(None, amount="-1"))
    entries.restore_entry(books.db, entry)  # not deleted: nothing restored, nothing written
    assert lines(entry) == [("created", "not_exported", False)]


def test_not_applicable_only_in_the_year_end_period(books):
    in_june = entries.create_entry(books.db, books.company, books.year, draft(dt.date(2025, 6, 30)))
    with pytest.raises(BokslutError) as refused:
        entries.set_not_applicable(books.db, in_june, True)
    assert refused.value.key == "not_applicable_outside_year_end"
    assert refused.value.params == {"entry": in_june.id, "date": dt.date(2025, 6, 30), "year_end": books.year.end}
    assert entries.get_entry(books.db, in_june.id).status == "not_exported"

    at_year_end = entries.create_entry(books.db, books.company, books.year, draft(None))
    entries.set_not_applicable(books.db, at_year_end, True)
    with pytest.raises(ClosingEntryInvalid) as moved:
        entries.update_entry(books.db, at_year_end, draft(dt.date(2025, 6, 30)))
    assert [problem.key for problem in moved.value.problems] == ["not_applicable_outside_year_end"]


def test_history_on_the_command_line(demo_cli):
    created = add(demo_cli, ENTRY, "--json")
    assert created.returncode == 0, created.stderr
    entry_id = str(created.json()["id"])
    assert demo_cli("closing", "not-applicable", entry_id).returncode == 0
    assert demo_cli("closing", "delete", entry_id).returncode == 0

    run = demo_cli("closing", "history", entry_id, "--json")

    assert run.returncode == 0, run.stderr
    document = run.json()
    assert document["id"] == int(entry_id)
    assert [(line["action"], line["status"], line["deleted"], line["by"]) for line in document["history"]] == [
        ("created", "not_exported", False, getpass.getuser()),
        ("not_applicable", "not_applicable", False, getpass.getuser()),
        ("deleted", "not_applicable", True, getpass.getuser()),
    ]
    shown = demo_cli("closing", "show", entry_id).stdout
    assert "history:" in shown and "not_applicable" in shown and "deleted" in shown.split("history:")[1]
    text = demo_cli("closing", "history", entry_id).stdout.splitlines()
    assert text[0] == f"entry {entry_id}  Upplupet revisionsarvode"
    assert [line.split()[4:] for line in text[1:]] == [
        ["created", "not", "exported"], ["not_applicable", "not", "applicable"],
        ["deleted", "not", "applicable,", "deleted"],
    ]


def test_not_applicable_outside_the_year_end_is_refused_on_the_command_line(demo_cli):
    created = add(demo_cli, {**ENTRY, "date": "2025-06-30"}, "--json")
    assert created.returncode == 0, created.stderr

    run = demo_cli("closing", "not-applicable", str(created.json()["id"]))

    assert run.returncode == 2
    assert "only an entry in the year-end period (2025-12-31) can be not applicable" in run.stderr
