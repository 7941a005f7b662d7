"""Opening the store: an embedded SQLite file, or a PostgreSQL server that a firm's accountants share.

The core writes its SQL once, in the dialect both understand, with SQLite's `?` parameters. On PostgreSQL
the store keeps SQLite's storage classes (dates as ISO text, booleans as 0/1, sums as integers), so every
query reads back the same Python values from either backend; `PostgresStore` does the translation.
"""

from __future__ import annotations

import csv
import datetime as dt
import errno
import io
import os
import sqlite3
import stat
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urlsplit

import peewee as pw

from core.activity import close_interrupted, this_process
from core.errors import BokslutError
from core.store.dialect import has_text_indexes
from core.store.locks import hold_process_lock, is_postgres
from core.store.migrations import ROW_TEXT_INDEX, apply_migrations
from core.store.models import ALL_MODELS
from core.text import Notice

PRAGMAS = {
    "journal_mode": "wal",  # readers (the TUI) keep reading while an import writes
    "foreign_keys": 1,
    "synchronous": 1,  # NORMAL: durable at checkpoints, safe against corruption in WAL mode
    "cache_size": -64_000,  # 64 MB page cache
}

Store = pw.SqliteDatabase | pw.PostgresqlDatabase


class StoreUnreachable(BokslutError):
    """The shared server is down or refuses us: one sentence, never the password."""


class StoreFailure(BokslutError):
    """The store failed under work (full disk, damaged or read-only file, lost server): what to do, in one line."""


PRIVATE_FILE = 0o600  # the books are the company's: the store, its journal files and the crash log
PRIVATE_DIRECTORY = 0o700
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")
_notices: list[Notice] = []


def take_notices() -> list[Notice]:
    """What opening the store did that the user should hear of once (e.g. permissions tightened); the doors say it."""
    taken = list(_notices)
    _notices.clear()
    return taken


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
        if not is_postgres(db):
            raise store_failure(error, location) or error
        raise StoreUnreachable(
            f"{describe(location)}: cannot open the store ({_first_line(error)}). Check that the server runs and "
            "BOKSLUT_DATABASE_URL (or database_url in the config file) is right."
        ) from None
    db.bind(ALL_MODELS)
    try:
        if is_postgres(db):
            hold_process_lock(db, this_process())
        apply_migrations(db)
        close_interrupted()
    except Exception as error:
        failure = store_failure(error, location)
        if failure is None:
            raise
        db.close()
        raise failure from None
    if not is_postgres(db):
        _tighten(Path(db.database))
    elif not has_text_indexes(db):
        _notices.append(
            Notice(
                "store_without_text_index",
                {"store": describe(location)},
                f"{describe(location)}: the server did not let bokslut create the pg_trgm extension, so a text filter "
                "reads the whole year (slower). A database administrator can run CREATE EXTENSION pg_trgm in this "
                f"database and then: CREATE INDEX voucher_row_text_trigram ON voucher_row {ROW_TEXT_INDEX}; "
                "CREATE INDEX voucher_text_trigram ON voucher USING gin (text gin_trgm_ops).",
            )
        )
    return db


def _tighten(path: Path) -> None:
    """A store made under a 0022 umask was readable by everyone on the machine: make it and its journals private."""
    loosened = []
    for suffix in SQLITE_COMPANIONS:
        companion = path.with_name(path.name + suffix)
        try:
            mode = stat.S_IMODE(companion.stat().st_mode)
            if mode & 0o077:
                companion.chmod(PRIVATE_FILE)
                loosened.append(companion.name)
        except FileNotFoundError:
            continue
        except PermissionError:  # not ours to change (a shared file): leave it as its owner set it
            continue
    if loosened and path.name in loosened:
        _notices.append(
            Notice(
                "store_made_private",
                {"store": str(path)},
                f"{path} could be read by other users of this computer; it is now readable by you only.",
            )
        )


def store_failure(error: BaseException, location: str | Path) -> BokslutError | None:
    """One clear line for a store that fails under work, naming the store and what to do; None if it is no
    store failure (then it is a bug, for the crash log).

    The first failure counts: after SQLITE_FULL, SQLite has rolled back itself, and the rollback that follows
    fails with "no transaction is active", which would hide the full disk."""
    chain = []
    while error is not None and error not in chain and len(chain) < 10:
        chain.append(error)
        error = error.__cause__ or error.__context__
    for failed in reversed(chain):
        failure = _store_failure(failed, location)
        if failure is not None:
            return failure
    return None


def address_of(db: Store) -> str:
    """An open store's address as store_failure() and describe() take it (the password left out)."""
    if not is_postgres(db):
        return db.database
    params = db.connect_params
    user = f"{params['user']}@" if params.get("user") else ""
    port = f":{params['port']}" if params.get("port") else ""
    return f"postgresql://{user}{params.get('host') or ''}{port}/{db.database}"


def _store_failure(error: BaseException, location: str | Path) -> BokslutError | None:
    store = describe(location)
    reason = _first_line(error) if str(error).strip() else type(error).__name__
    text = reason.lower()
    full = isinstance(error, OSError) and error.errno == errno.ENOSPC
    if full or "database or disk is full" in text or "no space left" in text:
        return StoreFailure(
            f"{store}: the disk is full, so nothing of this work was saved. Free some space and try again.",
            key="store_full", params={"store": store},
        )
    if not _database_error(error):
        return None
    if "readonly database" in text or "read-only" in text or _on_read_only_file_system(location):
        return StoreFailure(
            f"{store} is read-only, so nothing was saved. Give your user write access to the file and its folder.",
            key="store_read_only", params={"store": store},
        )
    if "not a database" in text or "malformed" in text or "file is encrypted" in text:
        return StoreFailure(
            f"{store} is not a bokslut store or is damaged ({reason}). Restore it from a backup, or move it away "
            "and bokslut starts a new store.",
            key="store_damaged", params={"store": store, "reason": reason},
        )
    if "unable to open database" in text or "disk i/o error" in text:
        return StoreFailure(
            f"{store}: cannot read or write the store ({reason}). Check the disk, the file and its permissions.",
            key="store_unusable", params={"store": store, "reason": reason},
        )
    if is_postgres_address(location):
        return StoreFailure(
            f"{store}: the shared store failed ({reason}); nothing of this work was saved. Check that the server "
            "runs and try again.",
            key="store_lost", params={"store": store, "reason": reason},
        )
    return None


def _on_read_only_file_system(location: str | Path) -> bool:
    """SQLite says only "unable to open database file" when its folder is mounted read-only (a WAL store cannot
    even be read there: it must write its -shm beside the file)."""
    if is_postgres_address(location) or not hasattr(os, "ST_RDONLY"):
        return False
    folder = Path(str(location).removeprefix("sqlite:///")).parent
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _database_error(error: BaseException) -> bool:
    if isinstance(error, (pw.DatabaseError, pw.InterfaceError, sqlite3.DatabaseError)):
        return True
    try:
        import psycopg2
    except ImportError:
        return False
    return isinstance(error, psycopg2.Error)


def is_postgres_address(location: str | Path) -> bool:
    return str(location).startswith(("postgresql://", "postgres://"))


def _database(location: str) -> Store:
    if is_postgres_address(location):
        address = _PostgresAddress(location)
        return PostgresStore(
            address.database,
            user=address.user,
            password=address.password,
            host=address.host,
            port=address.port,
        )
    path = Path(location.removeprefix("sqlite:///") if location.startswith("sqlite:///") else location)
    path.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIRECTORY)
    if not path.exists():  # SQLite would make it (and its -wal and -shm, which copy its mode) readable by all
        try:
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE))
        except OSError as error:
            raise store_failure(error, path) or error from None
    return pw.SqliteDatabase(str(path), pragmas=PRAGMAS, timeout=30)


def side_connection(location: str) -> Store:
    """A second connection to the shared store, not yet open, for short work of its own (Fortnox's rate budget) that
    must neither wait for this process's own open transaction (an import's) nor be held in it until it commits."""
    return _database(location)


class _PostgresAddress:
    """The parts of a postgresql:// address, read so that an unencoded '/' or '@' in the password stays in it."""

    def __init__(self, location: str) -> None:
        scheme, _, rest = location.partition("://")
        credentials, at, server = rest.rpartition("@")
        if not at:
            server = rest
        user, _, password = credentials.partition(":")
        parts = urlsplit(f"//{server}")
        self.scheme = scheme
        self.user = unquote(user) or None
        self.password = unquote(password) or None
        self.host = parts.hostname
        self.database = unquote(parts.path.lstrip("/")) or "postgres"
        try:
            self.port = parts.port
        except ValueError:
            raise StoreUnreachable(
                f"{self.scheme}://{self.host or ''}: the port in the store address is not a number from 1 to 65535. "
                "Correct BOKSLUT_DATABASE_URL (or database_url in the config file).",
                key="store_bad_port", params={"host": self.host or ""},
            ) from None

    def shown(self) -> str:
        user = f"{self.user}@" if self.user else ""
        port = f":{self.port}" if self.port else ""
        return f"{self.scheme}://{user}{self.host or ''}{port}/{self.database}"


def describe(location: str | Path) -> str:
    """The store as it may be shown and logged: a file's path, or a server's user, host, port and database, never
    its password."""
    text = str(location)
    if not is_postgres_address(text):
        return text.removeprefix("sqlite:///")
    try:
        return _PostgresAddress(text).shown()
    except StoreUnreachable:
        return f"{text.partition('://')[0]}://(an address with a bad port)"


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


def copy_rows(
    db: Store, table: str, columns: Sequence[str], rows: Sequence[Sequence], *, nullable: Sequence[str] = ()
) -> None:
    """Many rows into one table, values as stored (text, whole numbers, None only in `nullable` columns): SQLite's
    executemany, PostgreSQL's COPY: one stream instead of a statement per row."""
    if not is_postgres(db):
        db.cursor().executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                                rows)
        return
    buffer = io.StringIO()
    # Texts quoted, so an empty one stays empty; None comes out as "" too, which FORCE_NULL makes NULL again.
    csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n").writerows(rows)
    buffer.seek(0)
    force_null = f", FORCE_NULL ({', '.join(nullable)})" if nullable else ""
    db.cursor().copy_expert(
        f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv{force_null})", buffer, size=1 << 20
    )
