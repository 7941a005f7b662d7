"""The history of each closing entry: every change with who made it and when (BFL's behandlingshistorik).

Each change writes its line in the same transaction as the change itself, so the history and the entries never
disagree: a change that is rolled back leaves no line, and no change is made without one. Who is the operating
system's user (core.activity.current_user); bokslut has no log-in of its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from core.activity import current_user
from core.store.models import ClosingEntry, ClosingHistory, utc_now

# What a line can say happened, in the order an entry's life usually runs.
ACTIONS = (
    "created",  # details: template, reverses (the entry it reverses)
    "edited",  # details: before (the date, text and rows it had, in the closing add JSON shape)
    "deleted",
    "restored",
    "reversed",  # details: by (the id of the reversing entry)
    "not_applicable",  # marked not applicable for transfer
    "exportable",  # the not-applicable mark taken away
    "exported",  # details: to ("fortnox" or "sie-file"), and series and number, or file
    "failed",  # details: reason
    "booked",  # a later import holds it; details: how ("marker", "number", "content"), voucher, uncertain
    "unbooked",  # a later import no longer holds it
)


def record(entry_ids: int | Iterable[int], action: str, **details: object) -> None:
    """One line per entry, stating the status the change left it in; call inside the change's transaction."""
    ids = [entry_ids] if isinstance(entry_ids, int) else list(entry_ids)
    if not ids:
        return
    if action not in ACTIONS:
        raise ValueError(f"unknown closing-entry history action {action!r}")
    now, who = utc_now(), current_user()
    text = json.dumps(details, default=str, ensure_ascii=False, sort_keys=True)
    states = ClosingEntry.select(ClosingEntry.id, ClosingEntry.status, ClosingEntry.deleted).where(
        ClosingEntry.id.in_(ids)
    )
    ClosingHistory.insert_many(
        [
            {"entry": entry.id, "action": action, "status": entry.status, "deleted": entry.deleted,
             "changed_by": who, "changed_at": now, "details": text}
            for entry in states
        ]
    ).execute()


def lines_of(entry: ClosingEntry) -> list[ClosingHistory]:
    """Oldest first."""
    return list(
        ClosingHistory.select().where(ClosingHistory.entry == entry.id).order_by(ClosingHistory.changed_at,
                                                                                  ClosingHistory.id)
    )


def history_json(entry: ClosingEntry) -> list[dict]:
    """The shape of `bokslut closing history ID --json` and of `history` in `closing show --json`."""
    return [
        {
            "at": line.changed_at.isoformat(),
            "by": line.changed_by,
            "action": line.action,
            "status": line.status,
            "deleted": line.deleted,
            "details": json.loads(line.details),
        }
        for line in lines_of(entry)
    ]
