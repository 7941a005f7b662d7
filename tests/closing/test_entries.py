"""Closing entries in the core: validation of every rule, editing, soft delete, reversal, statuses, final balances."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from decimal import Decimal

import pytest

from core import ledger
from core.closing import entries
from core.closing.entries import ClosingEntryInvalid, EntryDraft, RowDraft
from core.errors import BokslutError
from core.store.models import ClosingEntry, ClosingRow, ExportAttempt
from tests.closing import demo_books

books = pytest.fixture(demo_books, name="books")

D = Decimal


def depreciation(amount: str = "1000.50", **entry) -> EntryDraft:
    rows = (RowDraft("7832", D(amount), D(0), cost_center="10", project="0001", text="Inventarier"),
            RowDraft("1229", D(0), D(amount)))
    return EntryDraft(**{"date": None, "text": "Avskrivning inventarier", "rows": rows, **entry})


def with_row(draft: EntryDraft, index: int, **changes) -> EntryDraft:
    rows = list(draft.rows)
    rows[index] = replace(rows[index], **changes)
    return replace(draft, rows=tuple(rows))


def test_create_dates_the_entry_at_year_end_and_stores_signed_ore(books):
    entry = entries.create_entry(books.db, books.company, books.year, depreciation())

    assert entry.date == books.year.end == dt.date(2025, 12, 31)
    assert entry.status == "not_exported" and not entry.deleted and not entry.booked
    assert re.fullmatch(r"bokslut:[0-9a-f]{16}", entry.marker)
    stored = books.db.execute_sql(
        "SELECT position, account, amount, cost_center, project, text FROM closing_row WHERE entry_id = ? "
        "ORDER BY position",
        (entry.id,),
    ).fetchall()
    assert stored == [(1, "7832", 100050, "10", "0001", "Inventarier"), (2, "1229", -100050, None, None, "")]


def test_markers_are_unique(books):
    first = entries.create_entry(books.db, books.company, books.year, depreciation())
    second = entries.create_entry(books.db, books.company, books.year, depreciation())
    assert first.marker != second.marker


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (lambda d: replace(d, rows=d.rows[:1]), "rows", "at least two rows; it has 1"),
        (lambda d: with_row(d, 1, credit=D("990.50")), "rows", "debit 1000.50, credit 990.50, a difference of 10.00"),
        (lambda d: with_row(d, 0, account="7839"), "rows[1].account", "not in the company's chart; did you mean 7832"),
        (lambda d: with_row(d, 0, account="78"), "rows[1].account", "four digits"),
        (lambda d: with_row(d, 0, cost_center="99"), "rows[1].cost_center", "cost centre 99 does not exist"),
        (lambda d: with_row(d, 0, project="0009"), "rows[1].project", "project 0009 does not exist"),
        (lambda d: with_row(d, 0, credit=D(1)), "rows[1]", "either a debit or a credit, not both"),
        (lambda d: with_row(d, 0, debit=D(0)), "rows[1]", "no amount"),
        (lambda d: with_row(d, 1, credit=D(-5)), "rows[2].credit", "negative"),
        (lambda d: with_row(d, 0, debit=D("1000.505")), "rows[1].debit", "more than two decimals"),
        (lambda d: with_row(d, 0, debit=D(10) ** 13), "rows[1].debit", "too large"),
        (lambda d: with_row(d, 0, debit=D("NaN")), "rows[1].debit", "not an amount"),
        (lambda d: replace(d, date=dt.date(2026, 1, 1)), "date", "outside the fiscal year 2025-01-01..2025-12-31"),
        (lambda d: replace(d, text="  "), "text", "needs a text"),
        (lambda d: replace(d, text="x" * 201), "text", "201 characters long; Fortnox allows at most 200"),
        (lambda d: replace(d, text="Avskrivning | plan"), "text", "'|' (VERTICAL LINE)"),
        (lambda d: replace(d, text="Avskrivning ”plan”"), "text", "RIGHT DOUBLE QUOTATION MARK"),
        (lambda d: with_row(d, 0, text="y" * 101), "rows[1].text", "at most 100"),
        (lambda d: with_row(d, 1, text="två\nrader"), "rows[2].text", "one line"),
    ],
)
def test_each_rule_names_its_field(books, change, field, words):
    problems = entries.validate(books.db, books.year, change(depreciation()))
    assert [(p.field, words in p.message) for p in problems] == [(field, True)], problems


def test_a_valid_entry_has_no_problems_including_fortnox_punctuation(books):
    text = "Avskrivning 20 %: plan (5 år) – 2025/12 §3 & co, ök!"
    draft = replace(depreciation(), text=text, date=books.year.start)
    assert entries.validate(books.db, books.year, draft) == []


def test_an_invalid_entry_lists_every_problem_and_saves_nothing(books):
    draft = with_row(with_row(replace(depreciation(), text=""), 0, account="7839"), 1, credit=D(1))
    with pytest.raises(ClosingEntryInvalid) as caught:
        entries.create_entry(books.db, books.company, books.year, draft)
    lines = str(caught.value).splitlines()
    assert lines[0] == "the closing entry is not valid:"
    assert [line.split(":")[0].strip() for line in lines[1:]] == ["text", "rows[1].account", "rows"]
    assert [p.field for p in caught.value.problems] == ["text", "rows[1].account", "rows"]
    assert ClosingEntry.select().count() == 0 and ClosingRow.select().count() == 0


def test_parse_entry_reads_the_issue_shape_without_floats():
    draft = entries.parse_entry(
        {
            "date": "2025-12-31",
            "text": "Upplupna kostnader",
            "rows": [
                {"account": 6420, "debit": D("1234.5"), "credit": 0, "cost_center": "10", "project": "", "text": "Rev"},
                {"account": "2990", "credit": "1 234,50"},
            ],
        }
    )
    assert draft == EntryDraft(
        dt.date(2025, 12, 31),
        "Upplupna kostnader",
        (RowDraft("6420", D("1234.5"), D(0), "10", None, "Rev"), RowDraft("2990", D(0), D("1234.50"))),
    )


def test_parse_entry_reports_every_shape_problem():
    with pytest.raises(ClosingEntryInvalid) as caught:
        entries.parse_entry(
            {"date": "31/12", "text": 5, "rows": [{"account": "6420", "debit": 1.5, "extra": 1}, "x"], "y": 1},
            "entry.json",
        )
    assert str(caught.value).splitlines()[0] == "the closing entry in entry.json is not valid:"
    assert [p.field for p in caught.value.problems] == [
        "entry", "date", "text", "rows[1]", "rows[1].debit", "rows[2]"
    ]
    with pytest.raises(ClosingEntryInvalid, match="expected a JSON object"):
        entries.parse_entry([1, 2])


def test_edit_replaces_date_text_and_rows_and_a_failed_entry_becomes_exportable(books):
    entry = entries.create_entry(books.db, books.company, books.year, depreciation())
    failure = "Konto 7832 är inte aktivt"
    ClosingEntry.update(status="failed", failure=failure).where(ClosingEntry.id == entry.id).execute()

    edited = entries.update_entry(
        books.db, entry, replace(depreciation("250.00"), date=dt.date(2025, 12, 30), text="Avskrivning rättad")
    )

    assert (edited.date, edited.text, edited.status, edited.failure) == (
        dt.date(2025, 12, 30), "Avskrivning rättad", "not_exported", ""
    )
    assert [(r.account, r.amount) for r in entries.rows_of(edited)] == [("7832", D("250")), ("1229", D("-250"))]
    assert edited.marker == entry.marker


def test_edit_is_validated_and_leaves_the_entry_as_it_was(books):
    entry = entries.create_entry(books.db, books.company, books.year, depreciation())
    with pytest.raises(ClosingEntryInvalid, match=r"closing entry \d+ \('Avskrivning inventarier'\) is not valid"):
        entries.update_entry(books.db, entry, with_row(depreciation(), 1, credit=D(1)))
    assert [row.amount for row in entries.rows_of(entry)] == [D("1000.50"), D("-1000.50")]


def test_soft_delete_hides_the_entry_from_lists_and_balances_until_restored(books):
    kept = entries.create_entry(books.db, books.company, books.year, depreciation("1.00"))
    entry = entries.create_entry(books.db, books.company, books.year, depreciation("2.00"))

    entries.delete_entry(books.db, entry)
    assert [e.id for e in entries.list_entries(books.db, books.year)] == [kept.id]
    assert [e.id for e in entries.list_entries(books.db, books.year, include_deleted=True)] == [kept.id, entry.id]
    assert entries.closing_movements(books.db, books.year.id) == {"7832": 100, "1229": -100}
    with pytest.raises(BokslutError, match="is deleted; restore it first"):
        entries.update_entry(books.db, entry, depreciation())

    restored = entries.restore_entry(books.db, entry)
    assert not restored.deleted
    assert entries.closing_movements(books.db, books.year.id) == {"7832": 300, "1229": -300}


def exported(entry: ClosingEntry) -> ClosingEntry:
    """What the Fortnox export does on success (its own tests cover how it gets there)."""
    ClosingEntry.update(
        status="exported", exported_to="fortnox", fortnox_series="I", fortnox_number=7, fortnox_year=2
    ).where(ClosingEntry.id == entry.id).execute()
    return ClosingEntry.get_by_id(entry.id)


def test_an_exported_entry_cannot_be_edited_deleted_or_marked_but_can_be_reversed(books):
    entry = exported(entries.create_entry(books.db, books.company, books.year, depreciation()))

    for action in (
        lambda: entries.update_entry(books.db, entry, depreciation("1.00")),
        lambda: entries.delete_entry(books.db, entry),
        lambda: entries.set_not_applicable(books.db, entry, True),
    ):
        with pytest.raises(BokslutError, match=rf"exported to Fortnox as I 7 .* closing reverse {entry.id}"):
            action()
    assert [row.amount for row in entries.rows_of(entry)] == [D("1000.50"), D("-1000.50")]

    reversal = entries.reverse_entry(books.db, entry)
    assert (reversal.reverses_id, reversal.status, reversal.date) == (entry.id, "not_exported", entry.date)
    assert reversal.text == "Återföring: Avskrivning inventarier"
    assert [(r.account, r.amount, r.cost_center, r.project) for r in entries.rows_of(reversal)] == [
        ("7832", D("-1000.50"), "10", "0001"), ("1229", D("1000.50"), None, None)
    ]
    assert entries.closing_movements(books.db, books.year.id) == {}
    with pytest.raises(BokslutError, match=f"already reversed by entry {reversal.id}"):
        entries.reverse_entry(books.db, entry)


def test_an_export_of_unknown_outcome_freezes_the_entry_until_it_is_settled(books):
    entry = entries.create_entry(books.db, books.company, books.year, depreciation())
    ExportAttempt.create(entry=entry.id, target="fortnox", series="I", state="intent")
    with pytest.raises(BokslutError, match="outcome is not yet known"):
        entries.update_entry(books.db, entry, depreciation("1.00"))
    with pytest.raises(BokslutError, match="outcome is not yet known"):
        entries.delete_entry(books.db, entry)


def test_not_applicable_is_kept_from_export_but_counts_in_the_final_balance(books):
    entry = entries.create_entry(books.db, books.company, books.year, depreciation())
    assert entries.set_not_applicable(books.db, entry, True).status == "not_applicable"
    assert entries.closing_movements(books.db, books.year.id) == {"7832": 100050, "1229": -100050}
    assert entries.set_not_applicable(books.db, entry, False).status == "not_exported"


def test_entry_json_shape(books):
    entry = exported(entries.create_entry(books.db, books.company, books.year, depreciation(), template="depreciation"))
    document = entries.entry_json(entry)
    assert document == {
        "id": entry.id,
        "date": "2025-12-31",
        "text": "Avskrivning inventarier",
        "status": "exported",
        "deleted": False,
        "booked": False,
        "marker": entry.marker,
        "template": "depreciation",
        "reverses": None,
        "rows": [
            {"account": "7832", "debit": "1000.50", "credit": "0.00", "cost_center": "10", "project": "0001",
             "text": "Inventarier"},
            {"account": "1229", "debit": "0.00", "credit": "1000.50", "cost_center": None, "project": None, "text": ""},
        ],
        "fortnox": {"series": "I", "number": 7, "year": 2},
        "sie_file": None,
        "failure": "",
    }


def test_final_trial_balance_adds_closing_entries_the_books_do_not_hold(books):
    preliminary = books.closing(final=False)
    result = -sum(amount for number, amount in preliminary.items() if number[0] in "345678")
    year_result = EntryDraft(None, "Årets resultat", (RowDraft("8999", result, D(0)), RowDraft("2099", D(0), result)))
    entry = entries.create_entry(books.db, books.company, books.year, year_result)
    booked = entries.create_entry(books.db, books.company, books.year, depreciation("500.00"))
    ClosingEntry.update(booked=True).where(ClosingEntry.id == booked.id).execute()
    deleted = entries.delete_entry(books.db, entries.create_entry(books.db, books.company, books.year, depreciation()))

    final = ledger.trial_balance(books.db, books.company, books.year, final=True)
    lines = {line.number: line for line in final.accounts}
    assert "8999" not in preliminary and lines["8999"].movement == result > 0
    assert lines["2099"].closing == preliminary.get("2099", D(0)) - result
    assert lines["7832"].closing == preliminary["7832"]  # the booked and the deleted entries are not added
    assert sum(line.closing for line in final.accounts if line.number[0] in "345678") == 0
    assert sum(line.closing for line in final.accounts) == sum(preliminary.values())
    assert final.to_json()["final"] is True
    assert ledger.trial_balance(books.db, books.company, books.year).to_json()["final"] is False
    assert entry.id and deleted.deleted
