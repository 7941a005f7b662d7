"""The activity log: what imports, exports, connects, disconnects, removals, and period locks and unlocks ran,
when, and how they ended.

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
from decimal import Decimal

import peewee as pw

from core.errors import BokslutError, user_message
from core.sie.errors import Phrase
from core.store.locks import is_postgres, process_alive_on_server
from core.store.models import ActivityLog, Company, utc_now

STATUSES = ("queued", "running", "done", "failed")
KINDS = ("import", "export", "connect", "disconnect", "remove", "period")  # period: a lock or an unlock


@dataclass(frozen=True, slots=True)
class ActivityEntry:
    id: int | None  # None for work not yet on record (queued in this process)
    kind: str
    status: str
    company_name: str
    started: dt.datetime | None
    finished: dt.datetime | None
    message: str  # English, as the CLI prints it
    counts: dict[str, int] = field(default_factory=dict)
    message_key: str | None = None  # the message as a text key for the app's language; None: only the English
    message_params: dict = field(default_factory=dict)

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
            message_key=entry.message_key,
            message_params=json.loads(entry.message_params or "{}"),
        )
        for entry in query
    ]


@dataclass(slots=True)
class ActivityRecord:
    """What the running work tells its log entry: the company once known, the outcome's counts and words.

    `message` is the English the CLI prints; `said(key, **params)` states the same outcome as a text key and plain
    JSON params (numbers, strings, ISO dates), so the app can say it in the reader's language. `lines` is each
    item's result (an exported entry's) so far: kept under the message however the work ends, a failure included;
    `lines_said` the same as {"entry", "key", "params"} for the app.
    """

    id: int
    company_id: int | None = None
    message: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    message_key: str | None = None
    message_params: dict = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    lines_said: list[dict] = field(default_factory=list)

    def said(self, key: str, **params: object) -> None:
        self.message_key, self.message_params = key, params


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
    return pid.isdigit() and pid_alive(int(pid))


@contextmanager
def recorded(
    kind: str, subject: str, company_id: int | None = None, *, subject_said: tuple[str, dict] | None = None
) -> Iterator[ActivityRecord]:
    """Log the work as running now, then as done or failed with the one-line reason the user sees.

    `subject_said` is the subject as a key and params, for a subject in words ("Fortnox series I") rather than a
    name; a failure keeps it, so the app can say the whole line in the reader's language.
    """
    entry = ActivityLog.create(
        kind=kind, status="running", started=utc_now(), message=subject, company=company_id, process=this_process()
    )
    record = ActivityRecord(entry.id, company_id, subject)
    try:
        yield record
    except BaseException as raised:
        error = _store_failure_of(raised) or raised
        # English on record whatever the app's language (keyed errors are said in it from the key below)
        english = str(error) if isinstance(error, BokslutError) else user_message(error)
        said: dict = {"subject": subject, "error": english}
        if subject_said is not None:
            said.update(subject_key=subject_said[0], subject_params=subject_said[1])
        params = _jsonable(error.params) if isinstance(error, BokslutError) and error.key else None
        if params is not None and _plain(params):  # else the app shows the English
            said.update(error_key=error.key, error_params=params)
        record.said("failed", **said)
        _finish(record, "failed", f"{subject}: {english}")
        if error is raised:
            raise
        raise error from raised
    _finish(record, "done", record.message)


def _store_failure_of(error: BaseException) -> BokslutError | None:
    """A store that failed under the work (a full disk, a server gone) is said as such, on record and to the caller:
    the error that reaches here is often SQLite's failed rollback after it, which names no store and hides the disk."""
    if not isinstance(error, Exception) or isinstance(error, BokslutError):
        return None
    # imported here, not at the top: core.store.db imports this module
    from core.store.db import address_of, store_failure

    return store_failure(error, address_of(ActivityLog._meta.database))


def _finish(record: ActivityRecord, status: str, message: str) -> None:
    """The item lines follow the message, in the English and in the params (as "lines", and said as "lines_said")."""
    params = {**record.message_params, "lines": record.lines, "lines_said": record.lines_said} if record.lines else (
        record.message_params
    )
    ActivityLog.update(
        status=status,
        finished=utc_now(),
        company=record.company_id,
        message="\n".join([message, *record.lines]),
        counts=json.dumps(record.counts),
        message_key=record.message_key,
        message_params=None if record.message_key is None else json.dumps(params, ensure_ascii=False),
    ).where(ActivityLog.id == record.id).execute()


def _plain(params: dict) -> bool:
    """Whether an error's params survive JSON; one holding other objects (a Problem) stays unkeyed."""
    try:
        json.dumps(params)
    except (TypeError, ValueError):
        return False
    return True


def _jsonable(value: object) -> object:
    """A SIE Phrase is a str to JSON; kept as {"phrase": key, "params": ...} it can be said in another language.
    An amount is kept as its exact text, as the sentences show it."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Phrase):
        return {"phrase": value.key, "params": _jsonable(value.params)}
    if isinstance(value, dict):
        return {name: _jsonable(item) for name, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    return value


def close_interrupted() -> int:
    """Mark as failed the entries left running by processes that no longer exist (kill -9, power loss): this
    host's, or on a shared PostgreSQL store any host's."""
    running = ActivityLog.select(ActivityLog.id, ActivityLog.process, ActivityLog.message).where(
        ActivityLog.status == "running"
    )
    if not is_postgres(ActivityLog._meta.database):
        running = running.where(ActivityLog.process.startswith(f"{socket.gethostname()}:"))
    # Read all first: an UPDATE inside an open read would have to upgrade it, and SQLite refuses that at once
    # ("database is locked", no waiting) when another process has written since the read began.
    interrupted = [entry for entry in list(running) if not process_alive(entry.process)]
    closed = 0
    for entry in interrupted:
        closed += ActivityLog.update(
            status="failed",
            finished=utc_now(),
            message=f"{entry.message}: interrupted, the process ended before it finished",
            message_key="interrupted",
            message_params=json.dumps({"subject": entry.message}, ensure_ascii=False),
        ).where(ActivityLog.id == entry.id, ActivityLog.status == "running").execute()
    return closed


def pid_alive(pid: int) -> bool:
    """Whether a process of this machine runs, whatever store it uses."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True
