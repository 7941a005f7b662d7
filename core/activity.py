"""The activity log: what imports, exports, connects and disconnects ran, when, and how they ended.

Entries are written outside the work's own transaction, so a failed or killed job is still on record.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import peewee as pw

from core.errors import user_message
from core.store.locks import is_postgres, process_alive_on_server
from core.store.models import ActivityLog, Company, utc_now

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

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "company": self.company_name,
            "started": self.started.isoformat() if self.started else None,
            "finished": self.finished.isoformat() if self.finished else None,
            "seconds": (self.finished - self.started).total_seconds() if self.started and self.finished else None,
            "message": self.message,
            "counts": self.counts,
        }


def list_activity(
    db: pw.Database,
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


@dataclass(slots=True)
class ActivityRecord:
    """What the running work tells its log entry: the company once known, the outcome's counts and words."""

    id: int
    company_id: int | None = None
    message: str = ""
    counts: dict[str, int] = field(default_factory=dict)


def current_user() -> str:
    """Who marks a check done or locks a period; a container may have no login name."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def this_process() -> str:
    """"host:pid": who is doing a piece of work, so others can tell whether it still runs."""
    return f"{socket.gethostname()}:{os.getpid()}"


def process_alive(process: str) -> bool:
    """Whether the "host:pid" still runs. On a shared PostgreSQL store the server knows it for every host (each
    process holds a lock named after itself); with SQLite, a process of another host is assumed alive."""
    database = ActivityLog._meta.database
    if is_postgres(database):
        return process_alive_on_server(database, process)
    host, _, pid = process.rpartition(":")
    if host != socket.gethostname():
        return True
    return pid.isdigit() and _alive(int(pid))


@contextmanager
def recorded(kind: str, subject: str, company_id: int | None = None) -> Iterator[ActivityRecord]:
    """Log the work as running now, then as done or failed with the one-line reason the user sees."""
    entry = ActivityLog.create(
        kind=kind, status="running", started=utc_now(), message=subject, company=company_id, process=this_process()
    )
    record = ActivityRecord(entry.id, company_id, subject)
    try:
        yield record
    except BaseException as error:
        _finish(record, "failed", f"{subject}: {user_message(error)}")
        raise
    _finish(record, "done", record.message)


def _finish(record: ActivityRecord, status: str, message: str) -> None:
    ActivityLog.update(
        status=status, finished=utc_now(), company=record.company_id, message=message, counts=json.dumps(record.counts)
    ).where(ActivityLog.id == record.id).execute()


def close_interrupted() -> int:
    """Mark as failed the entries left running by processes that no longer exist (kill -9, power loss): this
    host's, or on a shared PostgreSQL store any host's."""
    running = ActivityLog.select().where(ActivityLog.status == "running")
    if not is_postgres(ActivityLog._meta.database):
        running = running.where(ActivityLog.process.startswith(f"{socket.gethostname()}:"))
    # Read all first: an UPDATE inside an open read would have to upgrade it, and SQLite refuses that at once
    # ("database is locked", no waiting) when another process has written since the read began.
    interrupted = [entry for entry in list(running) if not process_alive(entry.process)]
    closed = 0
    for entry in interrupted:
        closed += ActivityLog.update(
            status="failed", finished=utc_now(), message=f"{entry.message}: interrupted, the process ended before it finished"
        ).where(ActivityLog.id == entry.id, ActivityLog.status == "running").execute()
    return closed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True
