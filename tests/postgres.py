"""A throw-away PostgreSQL server on loopback for the store tests and benchmarks: initdb into a temporary
folder, start on a free port, drop it all at the end. Needs the system's PostgreSQL server package
(`make system-deps` installs it); `PostgresMissing` says what is missing where it cannot run."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

# Durability is the server's business in production; a test server that dies loses nothing of value.
FAST_AND_LOOSE = ("-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200")


class PostgresMissing(RuntimeError):
    pass


def _server_program(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    program = found[-1] if found else shutil.which(name)
    if not program:
        raise PostgresMissing(f"no PostgreSQL server here ({name} not found); install the postgresql package")
    return program


def _as_server_user() -> list[str]:
    """PostgreSQL refuses to run as root; as root, run it as the package's `postgres` user."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise PostgresMissing("running as root and there is no 'postgres' user to run the server as") from None
    return ["runuser", "-u", "postgres", "--"]


def _free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class PostgresServer:
    """A throw-away server that a test may stop as a crash or a pulled cable would, and start again."""

    address: str  # postgresql://bokslut@127.0.0.1:PORT, without a database name
    command: tuple[str, ...]  # pg_ctl -D <data> (as the server's user when run as root)
    start_options: tuple[str, ...]

    def start(self) -> None:
        subprocess.run([*self.command, *self.start_options, "start"], check=True, capture_output=True)

    def stop_immediately(self) -> None:
        """Every backend dies at once, its open transactions are lost: as if the server's machine went away."""
        subprocess.run([*self.command, "-m", "immediate", "stop"], check=True, capture_output=True)


@contextmanager
def running_postgres(*, durable: bool = False) -> Iterator[str]:
    """Yields the server's address, `postgresql://bokslut@127.0.0.1:PORT`, without a database name.

    `durable` keeps PostgreSQL's default fsync settings, for benchmarks that compare it with SQLite fairly."""
    with postgres_server(durable=durable) as server:
        yield server.address


@contextmanager
def postgres_server(*, durable: bool = False) -> Iterator[PostgresServer]:
    """A server of its own, for a test that stops it; see running_postgres."""
    initdb, pg_ctl = _server_program("initdb"), _server_program("pg_ctl")
    runner = _as_server_user()
    folder = Path(tempfile.mkdtemp(prefix="bokslut-pg-"))
    data = folder / "data"
    if runner:
        shutil.chown(folder, "postgres", "postgres")
    port = _free_port()
    server = PostgresServer(
        f"postgresql://bokslut@127.0.0.1:{port}",
        (*runner, pg_ctl, "-D", str(data)),
        ("-l", str(folder / "server.log"), "-w", "-o",
         f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} {'' if durable else FAST_AND_LOOSE}"),
    )  # fmt: skip
    try:
        subprocess.run(
            [*runner, initdb, "-D", str(data), "-U", "bokslut", "--auth=trust", "-E", "UTF8", "--no-sync"],
            check=True,
            capture_output=True,
        )
        server.start()
        yield server
    finally:
        subprocess.run([*server.command, "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def new_database(server: str) -> str:
    """A fresh empty database on the server; its address."""
    import psycopg2

    name = f"t_{uuid.uuid4().hex[:16]}"
    connection = psycopg2.connect(f"{server}/postgres")
    connection.autocommit = True
    with closing(connection), connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def drop_database(address: str) -> None:
    import psycopg2

    server, _, name = address.rpartition("/")
    connection = psycopg2.connect(f"{server}/postgres")
    connection.autocommit = True
    with closing(connection), connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def store_location(server: str | None, folder: Path) -> Iterator[str | Path]:
    """A test's store: a SQLite file in `folder`, or (on a `--store=postgresql` run) a fresh database."""
    if server is None:
        yield folder / "bokslut.sqlite3"
        return
    address = new_database(server)
    try:
        yield address
    finally:
        drop_database(address)  # WITH (FORCE): the test's own connections end with it


@contextmanager
def raw_connection(location: str | Path) -> Iterator:
    """A plain DB-API connection to a test's store, outside peewee (whose models this process may have bound
    elsewhere): yields `one(sql, params)` for the first row of a `?`-parameter query, committed reads each time."""
    if "://" not in str(location):
        import sqlite3

        with closing(sqlite3.connect(location)) as connection:
            yield lambda sql, params=(): connection.execute(sql, params).fetchone()
        return
    import psycopg2

    connection = psycopg2.connect(str(location))
    connection.autocommit = True

    def one(sql: str, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql.replace("?", "%s"), params)
            return cursor.fetchone()

    with closing(connection):
        yield one


def database_text(address: str) -> bytes:
    """Every row of every table of a test database as text: what a secrets hunt searches, as it reads a file."""
    import psycopg2

    with closing(psycopg2.connect(address)) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = [name for (name,) in cursor.fetchall()]
        rows = []
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')
            rows.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(rows).encode()
