"""An exported closing entry whose marker the receiving program cut off is still recognised by its content on the
next import, so the final figures never count it twice; where the match is uncertain, the import says so."""

from __future__ import annotations

import json
import re

from core import ledger
from core.store.models import ClosingEntry, ClosingHistory, FiscalYear
from tests.export.test_reimport import _books_after_booking
from tests.export.test_sie_export import AUDIT, DEPRECIATION, books, demo_file, export  # noqa: F401

MARKER = re.compile(rb" \[bokslut:[0-9a-f]{16}\]")


def without_markers(path):
    """As a program that cuts voucher texts writes them back: the bracketed markers are gone."""
    data = path.read_bytes()
    assert MARKER.search(data)
    path.write_bytes(MARKER.sub(b"", data))
    return path


def final_closing(books) -> dict:
    year = FiscalYear.get_by_id(books.year.id)
    return {line.number: line.closing for line in ledger.trial_balance(books.db, books.company, year, final=True).accounts}


def booked_lines(entry) -> list[dict]:
    lines = ClosingHistory.select().where(ClosingHistory.entry == entry.id, ClosingHistory.action == "booked")
    return [json.loads(line.details) for line in lines]


def test_entries_without_their_markers_are_found_by_content_and_counted_once(cli, books, tmp_path):
    exported = [books.add(DEPRECIATION), books.add(AUDIT)]
    assert export(cli, tmp_path / "bokslut.si").returncode == 0
    final_before = final_closing(books)
    received = without_markers(_books_after_booking(books, tmp_path / "bokslut.si", tmp_path / "after.se"))

    run = cli("import-sie", str(received), "--json")

    assert run.returncode == 0, run.stderr
    assert [ClosingEntry.get_by_id(entry.id).booked for entry in exported] == [True, True]
    assert final_closing(books) == final_before
    assert not [w for w in run.json()["warnings"] if "closing entr" in w]
    exported_lines = ClosingHistory.select().where(ClosingHistory.action == "exported").order_by(ClosingHistory.id)
    assert [(line.entry_id, json.loads(line.details)) for line in exported_lines] == [
        (entry.id, {"to": "sie-file", "file": str(tmp_path / "bokslut.si")}) for entry in exported
    ]
    assert [booked_lines(entry) for entry in exported] == [
        [{"how": "content", "voucher": "I 1", "uncertain": False}],
        [{"how": "content", "voucher": "I 2", "uncertain": False}],
    ]


def test_alike_entries_without_markers_are_booked_and_the_user_is_told(cli, books, tmp_path):
    twins = [books.add(AUDIT), books.add(AUDIT)]
    assert export(cli, tmp_path / "bokslut.si").returncode == 0
    final_before = final_closing(books)
    received = without_markers(_books_after_booking(books, tmp_path / "bokslut.si", tmp_path / "after.se"))

    run = cli("import-sie", str(received), "--json")

    assert run.returncode == 0, run.stderr
    assert [ClosingEntry.get_by_id(entry.id).booked for entry in twins] == [True, True]
    assert final_closing(books) == final_before
    ids = f"{twins[0].id}, {twins[1].id}"
    [warning] = [w for w in run.json()["warnings"] if "closing entr" in w]
    assert f"exported closing entries {ids} were not found by their marker" in warning
    assert "2 vouchers of 2025-12-31 have the same accounts and amounts: 2 of the entries count as booked" in warning
    assert all(booked_lines(entry)[0]["uncertain"] for entry in twins)


def test_one_of_two_alike_entries_in_the_books_leaves_the_other_counted_here(cli, books, tmp_path):
    first = books.add(AUDIT)
    assert export(cli, tmp_path / "first.si").returncode == 0
    received = without_markers(_books_after_booking(books, tmp_path / "first.si", tmp_path / "after.se"))
    second = books.add(AUDIT)  # the same again, exported later (not yet in the books)
    assert export(cli, tmp_path / "second.si").returncode == 0

    run = cli("import-sie", str(received), "--json")

    assert run.returncode == 0, run.stderr
    assert [ClosingEntry.get_by_id(e.id).booked for e in (first, second)] == [True, False]
    assert any("1 voucher of 2025-12-31 has" in w and "1 of the entries count as booked" in w
               for w in run.json()["warnings"])
