from __future__ import annotations

import pytest

from core.store.db import open_store


@pytest.fixture
def db(store_address):
    store = open_store(store_address)
    yield store
    store.close()


def dump(db, *, without=("activity_log",)) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: two dumps are equal exactly when the contents are."""
    tables = [name for name in db.get_tables() if name not in without]
    return {name: sorted(db.execute_sql(f'SELECT * FROM "{name}"').fetchall(), key=repr) for name in tables}
