"""The shared PostgreSQL server goes away while `bokslut import-sie` writes: the user reads one line naming the store
(never its password) and what to do, and once the server is back the books are as they were before the import."""

from __future__ import annotations

import subprocess
import time
from contextlib import closing

import psycopg2
import pytest

from tests.conftest import Cli
from tests.postgres import PostgresMissing, new_database, postgres_server

PASSWORD = "hemligt/ord"  # a slash, as a real one may have; the server trusts loopback, so it is never checked
ORG = "556677-8899"


@pytest.fixture(scope="module")
def own_server(request):
    """A server of this test's own, so that stopping it disturbs no other test; durable, so that what was
    committed before the stop is there after it (the shared test server runs with fsync off)."""
    if request.config.getoption("--store") != "postgresql":
        pytest.skip("about the shared PostgreSQL store: runs with --store=postgresql")
    try:
        with postgres_server(durable=True) as server:
            yield server
    except PostgresMissing as missing:
        pytest.skip(f"PostgreSQL run skipped: {missing}")


def sie_year(vouchers: int) -> str:
    """A SIE 4 file of one 2025 year: each voucher moves 100 kr from the bank to sales."""
    lines = [
        "#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4", '#FNAMN "Servern AB"', f"#ORGNR {ORG}", "#RAR 0 20250101 20251231",
        '#KONTO 1930 "Bank"', '#KONTO 3001 "Försäljning"', "#IB 0 1930 5000.00",
    ]  # fmt: skip
    for number in range(1, vouchers + 1):
        day = f"2025{(number % 12) + 1:02d}15"
        lines += [f'#VER A {number} {day} "Sale {number}"', "{", "#TRANS 1930 {} 100.00", "#TRANS 3001 {} -100.00", "}"]
    return "\n".join(lines) + "\n"


def books(address: str) -> dict[str, list[tuple]]:
    """Every row of every table but the activity log, sorted: equal exactly when the books are."""
    with closing(psycopg2.connect(address)) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'activity_log'")
        tables = sorted(name for (name,) in cursor.fetchall())
        dumped = {}
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')
            dumped[table] = sorted(cursor.fetchall(), key=repr)
    return dumped


def wait_until_blocked_after_writing(address: str, process: subprocess.Popen) -> None:
    """Until the import's session has written (it holds a transaction id) and waits for the company row this test
    holds: the last write of the import, after every voucher, row and balance of the year is in."""
    deadline = time.monotonic() + 120
    with closing(psycopg2.connect(address)) as watcher:
        watcher.autocommit = True
        with watcher.cursor() as cursor:
            while True:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND backend_xid IS NOT "
                    "NULL AND wait_event_type = 'Lock' AND query LIKE 'UPDATE \"company\" SET \"last_import\"%'"
                )
                if cursor.fetchone()[0] == 1:
                    return
                assert process.poll() is None, process.communicate()
                assert time.monotonic() < deadline, "the import never reached its last write"
                time.sleep(0.02)


def test_a_server_stopped_mid_import_is_one_line_and_leaves_the_books_as_they_were(own_server, tmp_path):
    address = new_database(own_server.address)
    store = address.replace("bokslut@", f"bokslut:{PASSWORD.replace('/', '%2F')}@")
    shown_store = address  # host, port, database and user: what the message may name
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    cli = Cli(data, store=store)
    first, second = tmp_path / "first.se", tmp_path / "second.se"
    first.write_text(sie_year(20), encoding="cp437")
    second.write_text(sie_year(3000), encoding="cp437")  # the same year again: it replaces the first file's
    imported = cli("import-sie", str(first))
    assert imported.returncode == 0, imported.stderr
    before = books(address)
    assert len(before["voucher"]) == 20

    with closing(psycopg2.connect(address)) as holder:
        with holder.cursor() as cursor:  # a transaction of its own, open until the server stops
            cursor.execute("SELECT id FROM company FOR SHARE")
        importing = subprocess.Popen(
            cli.command("import-sie", str(second)), env=cli.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        try:
            wait_until_blocked_after_writing(address, importing)
            own_server.stop_immediately()
            _, stderr = importing.communicate(timeout=120)
        finally:
            if importing.poll() is None:
                importing.kill()
                importing.communicate()
    own_server.start()

    assert importing.returncode != 0
    assert stderr.count("\n") == 1 and "Traceback" not in stderr, stderr
    assert shown_store in stderr and "Check that the server runs" in stderr, stderr
    assert "hemligt" not in stderr and "ord@" not in stderr and "%2F" not in stderr
    assert not (data / "crash.log").exists()  # a lost server is the user's to fix, not a bug of ours

    assert books(address) == before  # nothing of the 3 000 vouchers, and the 20 replaced ones are all back
    assert cli("companies").returncode == 0  # the next run finds the store whole, and the lost import on record
    with closing(psycopg2.connect(address)) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT kind, status FROM activity_log ORDER BY id DESC LIMIT 1")
        assert cursor.fetchone() == ("import", "failed")
