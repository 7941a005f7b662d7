"""Opening the SQLite store: pragmas, migrations, and binding the models to the file."""

from __future__ import annotations

from pathlib import Path

import peewee as pw

from core.activity import close_interrupted
from core.store.migrations import apply_migrations
from core.store.models import ALL_MODELS

PRAGMAS = {
    "journal_mode": "wal",  # readers (the TUI) keep reading while an import writes
    "foreign_keys": 1,
    "synchronous": 1,  # NORMAL: durable at checkpoints, safe against corruption in WAL mode
    "cache_size": -64_000,  # 64 MB page cache
}


def open_store(db_path: Path) -> pw.SqliteDatabase:
    """Open (creating if needed) and migrate the store; the models are bound to it.

    Work that a dead process left "running" in the activity log is marked failed, so the log never lies.

    The models are bound process-wide, so one store is open per process at a time: the CLI and the
    TUI each work on one data directory.
    """
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    db = pw.SqliteDatabase(str(db_path), pragmas=PRAGMAS, timeout=30)
    db.connect(reuse_if_open=True)
    db.bind(ALL_MODELS)
    apply_migrations(db)
    close_interrupted()
    return db
