"""Work killed half-way (kill -9) on either store: the import leaves the books as they were, and the next start
marks its activity entry failed. On the shared PostgreSQL store this holds for a process on another machine too:
the server knows which processes still run, so a live one's work is never declared dead."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core import activity
from core.store.db import PostgresStore, open_store
from core.store.locks import hold_process_lock, is_postgres
from core.store.models import ActivityLog, utc_now
from tests.store.conftest import dump
from tests.store.sources import FakeSource, generated_year, make_header

REPO = Path(__file__).resolve().parents[2]

_KILLED_IMPORT = """
import os, signal, sys
from core.importer import import_source
from core.store.db import open_store
from tests.store.sources import FakeSource, make_header, generated_year

db = open_store(sys.argv[1])

def die(progress):
    if progress.vouchers >= 1500:
        os.kill(os.getpid(), signal.SIGKILL)

import_source(db, FakeSource(make_header(), generated_year(3000)), batch_rows=500, on_progress=die)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_an_import_killed_half_way_changes_nothing_and_is_marked_interrupted(store_address):
    from core.importer import import_source

    db = open_store(store_address)
    import_source(db, FakeSource(make_header(), generated_year(500)))  # the killed import replaces this year
    before = dump(db)
    db.close()
    killed = subprocess.run([sys.executable, "-c", _KILLED_IMPORT, str(store_address)], cwd=REPO, capture_output=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    db = open_store(store_address)  # as the next run of the program does
    assert dump(db) == before
    interrupted = ActivityLog.select().order_by(ActivityLog.id.desc()).get()
    assert interrupted.status == "failed"
    assert interrupted.message.endswith("interrupted, the process ended before it finished")
    db.close()


def test_work_of_another_machine_is_judged_by_the_server(store_address):
    db = open_store(store_address)
    if not is_postgres(db):
        db.close()
        pytest.skip("SQLite cannot tell whether a process on another machine runs: it assumes it does")
    gone, running = "kontoret-2:4711", "kontoret-3:815"
    for process in (gone, running):
        ActivityLog.create(kind="import", status="running", message=f"import by {process}", process=process,
                           started=utc_now())  # fmt: skip
    elsewhere = PostgresStore(db.database, **db.connect_params)  # the session of a bokslut on another machine
    elsewhere.connect()
    hold_process_lock(elsewhere, running)
    (elsewhere_backend,) = elsewhere.execute_sql("SELECT pg_backend_pid()").fetchone()
    try:
        assert activity.process_alive(running) and not activity.process_alive(gone)
        assert activity.process_alive(activity.this_process())
        assert activity.close_interrupted() == 1
        statuses = {entry.process: entry.status for entry in ActivityLog.select()}
        assert statuses == {gone: "failed", running: "running"}
    finally:
        elsewhere.close()
    _until_the_server_has_let_go(db, elsewhere_backend)
    assert not activity.process_alive(running)  # that machine's bokslut has ended now
    db.close()


def _until_the_server_has_let_go(db, backend: int) -> None:
    """A closed connection's session (and its advisory locks) ends when the server has read the goodbye, a moment
    after close() returns: wait for that condition, not for a time."""
    deadline = time.monotonic() + 10
    while db.execute_sql("SELECT 1 FROM pg_stat_activity WHERE pid = ?", (backend,)).fetchone():
        assert time.monotonic() < deadline, "the server kept the closed session for 10 s"
        time.sleep(0.01)
