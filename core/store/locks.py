"""Locks that hold across processes and hosts, on SQLite and PostgreSQL alike.

SQLite has one writer at a time, so a write transaction begun IMMEDIATE is the lock. On a shared PostgreSQL
store, advisory locks name what is locked: one importer of a company year, one claimant of an export entry,
and, for as long as a process runs, the process itself, so that others can tell live work from abandoned work.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

import peewee as pw


def is_postgres(db: pw.Database) -> bool:
    return isinstance(db, pw.PostgresqlDatabase)


@contextmanager
def exclusive(db: pw.Database, *key: object) -> Iterator[None]:
    """A write transaction that others asking for the same key wait for: one claimant of an export entry, one
    migrator. SQLite has one writer at a time anyway; PostgreSQL takes an advisory lock for the key, held until the
    transaction ends. Without a key, only the transaction: its work names its lock once it knows it (lock_within)."""
    if not is_postgres(db):
        with db.atomic("IMMEDIATE"):
            yield
        return
    with db.atomic():
        if key:
            lock_within(db, *key)
        yield


def lock_within(db: pw.Database, *key: object) -> None:
    """Inside an open exclusive transaction: wait for `key` and hold it until the transaction ends (PostgreSQL);
    on SQLite the transaction's write lock already excludes everyone."""
    if is_postgres(db):
        db.execute_sql("SELECT pg_advisory_xact_lock(?)", (lock_number(*key),))


def year_closing(fiscal_year_id: int) -> tuple[str, int]:
    """The key of a year's closing work. Its closing entries' changes, their export claims (Fortnox or SIE) and its
    period locks take turns under it: an entry is never sent twice, nor changed while being claimed, nor saved into
    a period that is being locked."""
    return ("closing", fiscal_year_id)


def lock_number(*key: object) -> int:
    """A stable signed 64-bit number for a lock key, the same in every process and on every host."""
    digest = hashlib.blake2b(repr(key).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def process_key(process: str) -> int:
    return lock_number("process", process)


def hold_process_lock(db: pw.PostgresqlDatabase, process: str) -> None:
    """While this process runs, its session holds a lock named after it: the server releases it when the
    process dies on any host, so others can tell a live export or import from an abandoned one."""
    db.execute_sql("SELECT pg_advisory_lock(?)", (process_key(process),))


def process_alive_on_server(db: pw.PostgresqlDatabase, process: str) -> bool:
    """Whether the process still holds its lock; trying it from our own session would succeed, so ask the server."""
    row = db.execute_sql(
        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted "
        "AND ((classid::bigint << 32) | objid::bigint) = ? AND objsubid = 1)",
        (process_key(process),),
    ).fetchone()
    return bool(row[0])
