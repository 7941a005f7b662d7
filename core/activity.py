"""Reading the activity log: what imports and exports ran, when, and how they ended.

Writing it is the job of whoever runs the work (`core.importer` for imports).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import peewee as pw

from core.store.models import ActivityLog, Company

STATUSES = ("queued", "running", "done", "failed")
KINDS = ("import", "export", "connect", "disconnect")


@dataclass(frozen=True, slots=True)
class ActivityEntry:
    id: int | None  # None for work not yet on record (queued in this process)
    kind: str
    status: str
    company_name: str
    started: dt.datetime | None
    finished: dt.datetime | None
    message: str
    counts: dict[str, int] = field(default_factory=dict)


def list_activity(
    db: pw.SqliteDatabase,
    *,
    company_id: int | None = None,
    kind: str | None = None,
    status: str | None = None,
    before_id: int | None = None,
    limit: int = 200,
) -> list[ActivityEntry]:
    """Entries newest first; page on with `before_id`, the id of the last entry already shown."""
    query = (
        ActivityLog.select(ActivityLog, Company.id, Company.name)
        .join(Company, pw.JOIN.LEFT_OUTER)
        .order_by(ActivityLog.id.desc())
        .limit(limit)
    )
    if company_id is not None:
        query = query.where(ActivityLog.company == company_id)
    if kind is not None:
        query = query.where(ActivityLog.kind == kind)
    if status is not None:
        query = query.where(ActivityLog.status == status)
    if before_id is not None:
        query = query.where(ActivityLog.id < before_id)
    return [
        ActivityEntry(
            id=entry.id,
            kind=entry.kind,
            status=entry.status,
            company_name=entry.company.name if entry.company_id is not None else "",
            started=entry.started,
            finished=entry.finished,
            message=entry.message,
            counts=json.loads(entry.counts or "{}"),
        )
        for entry in query
    ]
