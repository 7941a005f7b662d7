"""A Fortnox import killed while it stores its first year and the next is still downloading (issue 19: the store
works while the later years arrive, in one transaction): the books are as they were, the import is on record as
failed, its downloads are cleared (at the next start after SIGKILL, at once after Ctrl+C), and the next import goes
through. A real `bokslut` process against the sandbox over loopback, killed with SIGKILL or stopped with Ctrl+C
(SIGINT); the second year's download is held so the transaction cannot end before the signal."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from contextlib import closing

import pytest

from core.store.db import open_store
from core.store.locks import lock_number
from tests.fortnox.conftest import NORDLJUS, connect
from tests.store.conftest import dump

NOT_BOOKS = ("activity_log", "fortnox_budget")  # the log of what ran, and (PostgreSQL) the shared rate budget


def _import_transaction_open(location) -> bool:
    """Whether another process holds the store's import open: on PostgreSQL, the company's import lock is held by a
    session that has written (its transaction has an id); on SQLite, the one write lock is taken."""
    if "://" in str(location):
        import psycopg2

        with closing(psycopg2.connect(str(location))) as watcher, watcher.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory'"
                " AND l.granted AND ((l.classid::bigint << 32) | l.objid::bigint) = %s AND l.objsubid = 1 "
                "AND a.backend_xid IS NOT NULL",
                (lock_number("import", NORDLJUS.replace("-", "")),),
            )
            return cursor.fetchone()[0] == 1
    import sqlite3

    with closing(sqlite3.connect(location, timeout=0, isolation_level=None)) as watcher:
        try:
            watcher.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            return "locked" in str(error)
        watcher.execute("ROLLBACK")
        return False


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGINT], ids=["killed", "ctrl-c"])
def test_a_fortnox_import_stopped_mid_store_leaves_the_books_as_they_were(stop, fortnox_cli, sandbox, tmp_path):
    cli = fortnox_cli
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    cli.extra_env["TMPDIR"] = str(scratch)  # where the import downloads its years
    assert cli("company", "add", "--org-number", NORDLJUS, "--name", "Nordljus Konsult AB").returncode == 0
    assert connect(cli, NORDLJUS).returncode == 0
    first = cli("import-fortnox", "--company", NORDLJUS, "--json")
    assert first.returncode == 0, first.stderr
    db = open_store(cli.store)
    before = dump(db, without=NOT_BOOKS)
    db.close()

    released, waiting = threading.Event(), threading.Event()
    sandbox.sandbox.faults.hold(released, path="/3/sie", timeout=60, after=1, reached=waiting)  # the second year
    importing = subprocess.Popen(
        cli.command("import-fortnox", "--company", NORDLJUS, "--all-years"), env=cli.env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert waiting.wait(60), importing.communicate()
        deadline = time.monotonic() + 60
        while not _import_transaction_open(cli.store):
            assert importing.poll() is None, importing.communicate()
            assert time.monotonic() < deadline, "the import never began storing its first year"
            time.sleep(0.02)
        assert list(scratch.glob("bokslut-*"))  # the first year's download, in the stopped process's scratch
        importing.send_signal(stop)
        _, stopped_says = importing.communicate(timeout=60)
        if stop == signal.SIGINT:  # Ctrl+C: the import rolls back and ends, as the shell expects, without a traceback
            assert importing.returncode == 130 and "Traceback" not in stopped_says, stopped_says
            assert not list(scratch.glob("bokslut-*"))
    finally:
        released.set()  # the sandbox answers the held request (to no one) and goes on
        if importing.poll() is None:
            importing.kill()
            importing.communicate()

    db = open_store(cli.store)  # as the next start of bokslut opens it
    try:
        assert dump(db, without=NOT_BOOKS) == before
        latest = db.execute_sql(
            "SELECT kind, status FROM activity_log WHERE kind = 'import' ORDER BY id DESC LIMIT 1"
        ).fetchone()
        assert tuple(latest) == ("import", "failed")
    finally:
        db.close()
    again = cli("import-fortnox", "--company", NORDLJUS, "--all-years", "--json")
    assert again.returncode == 0, again.stderr
    assert [year["vouchers"] for year in again.json()["years"]] == [year["vouchers"] for year in first.json()["years"]]
    assert not list(scratch.glob("bokslut-*"))  # the killed import's downloads went at the next start
