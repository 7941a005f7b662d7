"""Opening the store: an embedded SQLite file, or a PostgreSQL server that a firm's accountants share.

The core writes its SQL once, in the dialect both understand, with SQLite's `?` parameters. On PostgreSQL
the store keeps SQLite's storage classes (dates as ISO text, booleans as 0/1, sums as integers), so every
query reads back the same Python values from either backend; `PostgresStore` does the translation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urlsplit

import peewee as pw

from core.activity import close_interrupted, this_process
from core.errors import BokslutError
from core.store.locks import hold_process_lock, is_postgres
from core.store.migrations import apply_migrations
from core.store.models import ALL_MODELS

PRAGMAS = {
    "journal_mode": "wal",  # readers (the TUI) keep reading while an import writes
    "foreign_keys": 1,
    "synchronous": 1,  # NORMAL: durable at checkpoints, safe against corruption in WAL mode
    "cache_size": -64_000,  # 64 MB page cache
}

Store = pw.SqliteDatabase | pw.PostgresqlDatabase


class StoreUnreachable(BokslutError):
    """The shared server is down or refuses us: one sentence, never the password."""


class PostgresStore(pw.PostgresqlDatabase):
    """PostgreSQL with SQLite's storage classes, so one set of queries and migrations serves both."""

    field_types = {**pw.PostgresqlDatabase.field_types, "BOOL": "INTEGER", "DATE": "TEXT", "DATETIME": "TEXT"}

    def _connect(self):
        import psycopg2.extensions as extensions

        connection = super()._connect()
        # SUM() of integers is NUMERIC in PostgreSQL; the store has no fractional columns, so whole numbers
        # come back as int (as from SQLite) and only a true fraction (AVG) as Decimal.
        extensions.register_type(extensions.new_type((1700,), "BOKSLUT_NUMERIC", _numeric), connection)
        return connection

    def execute_sql(self, sql, params=None, *args, **kwargs):
        return super().execute_sql(*translate(sql, params), *args, **kwargs)


def translate(sql: str, params: Sequence | None) -> tuple[str, tuple]:
    """The core's `?`-parameter SQL and Python values, as psycopg2 takes them."""
    if "?" in sql:
        sql = sql.replace("%", "%%").replace("?", "%s")
    return sql, tuple(_stored(value) for value in params or ())


def _stored(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.datetime):
        return str(value)  # as peewee writes it to SQLite: "YYYY-MM-DD HH:MM:SS[.ffffff]"
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _numeric(value: str | None, cursor) -> int | Decimal | None:
    if value is None:
        return None
    number = Decimal(value)
    return int(number) if number == number.to_integral_value() else number


def open_store(location: str | Path) -> Store:
    """Open (creating if needed) and migrate the store; the models are bound to it.

    `location` is a SQLite file path, `sqlite:///path`, or `postgresql://user@host/database`. Work that a dead
    process left "running" in the activity log is marked failed, so the log never lies.

    The models are bound process-wide, so one store is open per process at a time: the CLI and the
    TUI each work on one store.
    """
    db = _database(str(location))
    try:
        db.connect(reuse_if_open=True)
    except pw.OperationalError as error:
        raise StoreUnreachable(
            f"{describe(location)}: cannot open the store ({_first_line(error)}). Check that the server runs and "
            "BOKSLUT_DATABASE_URL (or database_url in the config file) is right."
        ) from None
    db.bind(ALL_MODELS)
    if is_postgres(db):
        hold_process_lock(db, this_process())
    apply_migrations(db)
    close_interrupted()
    return db


def _database(location: str) -> Store:
    if location.startswith(("postgresql://", "postgres://")):
        parts = urlsplit(location)
        return PostgresStore(
            unquote(parts.path.lstrip("/")) or "postgres",
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            host=parts.hostname,
            port=parts.port,
        )
    path = Path(location.removeprefix("sqlite:///") if location.startswith("sqlite:///") else location)
    path.parent.mkdir(parents=True, exist_ok=True)
    return pw.SqliteDatabase(str(path), pragmas=PRAGMAS, timeout=30)


def describe(location: str | Path) -> str:
    """The store's address as it may be shown and logged: a password never appears."""
    text = str(location)
    if "://" not in text or text.startswith("sqlite:///"):
        return text.removeprefix("sqlite:///")
    parts = urlsplit(text)
    user = f"{unquote(parts.username)}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{user}{parts.hostname or ''}{port}{parts.path}"


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def refresh_statistics(db: Store) -> None:
    """After a bulk load. PostgreSQL plans by table statistics, which are missing until autovacuum gets round to
    it: without them the analysis' keyset page sorts the whole year instead of walking 200 rows by key (2 s
    instead of 2 ms on 1.6 million rows). SQLite's queries carry their own planner hints and need nothing."""
    if is_postgres(db):
        db.execute_sql("ANALYZE voucher, voucher_row, balance")


def executemany(db: Store, sql: str, rows: Iterable[Sequence]) -> None:
    """Many rows of one statement at SQLite's speed on either backend (psycopg2's own executemany is a
    round trip per row)."""
    if not is_postgres(db):
        db.cursor().executemany(sql, rows)
        return
    from psycopg2.extras import execute_batch

    statement, _ = translate(sql, ())
    execute_batch(db.cursor(), statement, [tuple(_stored(value) for value in row) for row in rows], page_size=1000)
