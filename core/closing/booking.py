"""Recognising exported closing entries when a later import brings them back as vouchers of the books.

An entry the books hold is "booked": its own copy must then no longer count in the final balances
(core.closing.entries.closing_movements leaves booked entries out), or it would be counted twice.
Fortnox numbers the voucher it receives, so a Fortnox export is found again by series and number; a
SIE 4I file lets the receiving program number the vouchers, so those are found by the marker the
export put at the end of the voucher text ("... [bokslut:0123456789abcdef]").
"""

from __future__ import annotations

import re

import peewee as pw

from core.store.models import ClosingEntry

# The marker as core.export.sie writes it, at the end of the text; a receiving program may pad or upper-case it.
_MARKER_AT_END = re.compile(r"\[(bokslut:[0-9a-f]{16})\]\s*$", re.IGNORECASE)


def marked_text(text: str, marker: str) -> str:
    """The voucher text a SIE export writes: the entry's text, then its marker in brackets."""
    return f"{text} [{marker}]"


def mark_booked(db: pw.Database, fiscal_year_id: int) -> int:
    """After an import of a year: booked is true exactly for the exported entries its vouchers hold.

    Runs inside the import's transaction, so the books and the flags always agree. Returns how many
    entries are booked now.
    """
    exported = list(
        ClosingEntry.select(
            ClosingEntry.id,
            ClosingEntry.exported_to,
            ClosingEntry.marker,
            ClosingEntry.fortnox_series,
            ClosingEntry.fortnox_number,
        ).where(ClosingEntry.fiscal_year == fiscal_year_id, ClosingEntry.status == "exported")
    )
    booked: set[int] = set()
    if exported:
        numbers = _voucher_numbers(db, fiscal_year_id)
        markers = _voucher_markers(db, fiscal_year_id)
        for entry in exported:
            if entry.exported_to == "fortnox":
                found = (entry.fortnox_series, str(entry.fortnox_number)) in numbers
            else:
                found = entry.marker in markers
            if found:
                booked.add(entry.id)
    in_year = ClosingEntry.fiscal_year == fiscal_year_id
    ClosingEntry.update(booked=False).where(in_year, ClosingEntry.id.not_in(booked)).execute()
    if booked:
        ClosingEntry.update(booked=True).where(in_year, ClosingEntry.id.in_(booked)).execute()
    return len(booked)


def _voucher_numbers(db: pw.Database, fiscal_year_id: int) -> set[tuple[str, str]]:
    return set(db.execute_sql("SELECT series, number FROM voucher WHERE fiscal_year_id = ?", (fiscal_year_id,)))


def _voucher_markers(db: pw.Database, fiscal_year_id: int) -> set[str]:
    """Markers at the end of voucher texts; LIKE narrows a year of vouchers to the few that can hold one."""
    cursor = db.execute_sql(
        "SELECT text FROM voucher WHERE fiscal_year_id = ? AND text LIKE '%[bokslut:%'", (fiscal_year_id,)
    )
    return {match.group(1).lower() for (text,) in cursor if (match := _MARKER_AT_END.search(text))}
