"""Recognising exported closing entries when a later import brings them back as vouchers of the books.

An entry the books hold is "booked": its own copy must then no longer count in the final balances
(core.closing.entries.closing_movements leaves booked entries out), or it would be counted twice.
Fortnox numbers the voucher it receives, so a Fortnox export is found again by series and number; a
SIE 4I file lets the receiving program number the vouchers, so those are found by the marker the
export put at the end of the voucher text ("... [bokslut:0123456789abcdef]"). A program that cuts voucher texts
loses the marker; such an entry is found by its content (date, accounts and amounts), and where that match is not
certain (alike entries or vouchers, another series than the export's) the import tells the user.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import peewee as pw

from core.closing import history
from core.money import to_ore
from core.sie.errors import Phrase
from core.store.models import ClosingEntry, ClosingRow

# The marker as core.export.sie writes it, at the end of the text; a receiving program may pad or upper-case it.
_MARKER_AT_END = re.compile(r"\[(bokslut:[0-9a-f]{16})\]\s*$", re.IGNORECASE)


def marked_text(text: str, marker: str) -> str:
    """The voucher text a SIE export writes: the entry's text, then its marker in brackets."""
    return f"{text} [{marker}]"


@dataclass(frozen=True)
class Booked:
    warnings: list[Phrase]  # what the user should check: matches that are not certain
    certain: frozenset[str]  # keys ("series number") of the vouchers found for certain: by number or marker


def mark_booked(db: pw.Database, fiscal_year_id: int) -> Booked:
    """After an import of a year: booked is true exactly for the exported entries its vouchers hold.

    Runs inside the import's transaction, so the books, the flags and their history always agree. An entry not
    found by its number or marker (a receiving program that cuts voucher texts loses the marker) is looked for by
    its content: date, accounts and amounts. Returns the matches the user should check, and the vouchers that are
    exported entries for certain (the import's check of locked periods leaves those new to the books out).
    """
    exported = list(
        ClosingEntry.select().where(ClosingEntry.fiscal_year == fiscal_year_id, ClosingEntry.status == "exported")
        .order_by(ClosingEntry.id)
    )
    found: dict[int, dict] = {}  # entry id -> how it was found, for its history
    warnings: list[Phrase] = []
    if exported:
        numbers = _voucher_numbers(db, fiscal_year_id)
        markers = _voucher_markers(db, fiscal_year_id)
        lost = []
        claimed: set[int] = set()  # voucher ids
        for entry in exported:
            if entry.exported_to == "fortnox":
                voucher = numbers.get((entry.fortnox_series, str(entry.fortnox_number)))
                how = "number"
            else:
                voucher = markers.get(entry.marker)
                how = "marker"
            if voucher is None:
                lost.append(entry)
            else:
                found[entry.id] = {"how": how, "voucher": voucher[1]}
                claimed.add(voucher[0])
        if lost:
            found_by_content, warnings = _by_content(db, fiscal_year_id, lost, claimed)
            found.update(found_by_content)
    before = dict(
        ClosingEntry.select(ClosingEntry.id, ClosingEntry.booked).where(ClosingEntry.fiscal_year == fiscal_year_id)
        .tuples()
    )
    in_year = ClosingEntry.fiscal_year == fiscal_year_id
    ClosingEntry.update(booked=False).where(in_year, ClosingEntry.id.not_in(list(found))).execute()
    if found:
        ClosingEntry.update(booked=True).where(in_year, ClosingEntry.id.in_(list(found))).execute()
    for entry_id, was_booked in before.items():
        if entry_id in found and not was_booked:
            history.record(entry_id, "booked", **found[entry_id])
        elif entry_id not in found and was_booked:
            history.record(entry_id, "unbooked")
    certain = frozenset(how["voucher"] for how in found.values() if how["how"] in ("number", "marker"))
    return Booked(warnings, certain)


def _voucher_numbers(db: pw.Database, fiscal_year_id: int) -> dict[tuple[str, str], tuple[int, str]]:
    """(series, number) -> (voucher id, "series number")."""
    cursor = db.execute_sql("SELECT series, number, id FROM voucher WHERE fiscal_year_id = ?", (fiscal_year_id,))
    return {(series, number): (voucher_id, _key(series, number)) for series, number, voucher_id in cursor}


def _voucher_markers(db: pw.Database, fiscal_year_id: int) -> dict[str, tuple[int, str]]:
    """Markers at the end of voucher texts; LIKE narrows a year of vouchers to the few that can hold one."""
    cursor = db.execute_sql(
        "SELECT text, id, series, number FROM voucher WHERE fiscal_year_id = ? AND text LIKE '%[bokslut:%'",
        (fiscal_year_id,),
    )
    return {
        match.group(1).lower(): (voucher_id, _key(series, number))
        for text, voucher_id, series, number in cursor
        if (match := _MARKER_AT_END.search(text))
    }


def _key(series: str, number: str) -> str:
    return f"{series} {number}".strip()


def _content(rows: Iterable[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    """What a voucher says in the figures: the net amount (öre) per account, zero nets left out, as a receiving
    program may merge or split rows of one account and drops objects and texts."""
    net: dict[str, int] = defaultdict(int)
    for account, amount in rows:
        net[account] += amount
    return tuple(sorted((account, amount) for account, amount in net.items() if amount))


def _by_content(
    db: pw.Database, fiscal_year_id: int, entries: list[ClosingEntry], claimed: set[int]
) -> tuple[dict[int, dict], list[Phrase]]:
    """Entries paired one to one with unclaimed vouchers of the same date and content, entries in id order and
    vouchers of the expected series first. Certain only when one entry meets one voucher of its series."""
    dates = sorted({entry.date.isoformat() for entry in entries})
    cursor = db.execute_sql(
        "SELECT v.id, v.series, v.number, v.date, r.account, r.amount FROM voucher v JOIN voucher_row r ON "
        "r.voucher_id = v.id WHERE v.fiscal_year_id = ? AND r.kind = 'TRANS' "
        f"AND v.date IN ({', '.join('?' * len(dates))}) ORDER BY v.id",
        (fiscal_year_id, *dates),
    )
    voucher_rows: dict[int, list[tuple[str, int]]] = defaultdict(list)
    voucher_heads: dict[int, tuple[str, str, str]] = {}
    for voucher_id, series, number, date, account, amount in cursor:
        voucher_heads[voucher_id] = (series, _key(series, number), str(date))
        voucher_rows[voucher_id].append((account, amount))
    candidates: dict[tuple, list[tuple[str, str]]] = defaultdict(list)  # (date, content) -> [(series, key)]
    for voucher_id, (series, key, date) in voucher_heads.items():
        if voucher_id not in claimed:
            candidates[(date, _content(voucher_rows[voucher_id]))].append((series, key))
    lost: dict[tuple, list[ClosingEntry]] = defaultdict(list)
    for entry in entries:
        rows = ClosingRow.select(ClosingRow.account, ClosingRow.amount).where(ClosingRow.entry == entry.id).tuples()
        lost[(entry.date.isoformat(), _content((account, to_ore(amount)) for account, amount in rows))].append(entry)
    found: dict[int, dict] = {}
    warnings: list[Phrase] = []
    for content, alike in lost.items():
        vouchers = candidates.get(content, [])
        if not vouchers:
            continue
        several = len(alike) > 1 or len(vouchers) > 1
        if several:
            warnings.append(Phrase("closing_entries_alike", entries=", ".join(str(e.id) for e in alike),
                                   date=content[0], vouchers=len(vouchers), booked=min(len(alike), len(vouchers))))
        for entry in alike[: len(vouchers)]:
            expected = entry.fortnox_series if entry.exported_to == "fortnox" else None
            chosen = min(vouchers, key=lambda voucher: expected is not None and voucher[0] != expected)
            vouchers.remove(chosen)
            series, key = chosen
            other_series = expected is not None and series != expected
            found[entry.id] = {"how": "content", "voucher": key, "uncertain": several or other_series}
            if other_series:
                warnings.append(Phrase("closing_entry_other_series", entry=entry.id, text=entry.text, voucher=key,
                                       series=expected))
    return found, warnings
