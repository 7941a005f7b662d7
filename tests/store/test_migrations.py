import sqlite3

import pytest

from core.store.migrations import StoreTooNew

from core.store.db import open_store
from core.store.migrations import LATEST_VERSION, current_version
from core.store.models import ALL_MODELS
from core.store.orgnr import normalise_org_number


def test_fresh_store_is_at_latest_version(db):
    assert LATEST_VERSION >= 1
    assert current_version(db) == LATEST_VERSION
    versions = [row[0] for row in db.execute_sql("SELECT version FROM schema_version ORDER BY version")]
    assert versions == list(range(1, LATEST_VERSION + 1))


def test_opening_twice_is_idempotent(tmp_path):
    path = tmp_path / "store.sqlite3"
    first = open_store(path)
    first.execute_sql("INSERT INTO company (name, org_number, created) VALUES ('A', '5566778899', '2024-01-01')")
    schema = first.execute_sql("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    first.close()
    second = open_store(path)
    assert current_version(second) == LATEST_VERSION
    assert second.execute_sql("SELECT COUNT(*) FROM schema_version").fetchone()[0] == LATEST_VERSION
    assert second.execute_sql("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == schema
    assert second.execute_sql("SELECT name FROM company").fetchall() == [("A",)]
    second.close()


def test_pragmas(db):
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL


def test_models_match_migrated_schema(db):
    """The migrations own the schema; the models must describe exactly what they built."""
    for model in ALL_MODELS:
        table = model._meta.table_name
        columns = {column.name for column in db.get_columns(table)}
        assert columns == set(model._meta.columns), table


def test_foreign_keys_are_enforced(db):
    with pytest.raises(Exception, match="FOREIGN KEY"):
        db.execute_sql("INSERT INTO fiscal_year (company_id, start, \"end\") VALUES (999, '2024-01-01', '2024-12-31')")


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "store.sqlite3"
    open_store(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute("INSERT INTO schema_version (version, applied) VALUES (?, '2030-01-01')", (LATEST_VERSION + 1,))
    with pytest.raises(StoreTooNew, match="newer bokslut"):
        open_store(path)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("556677-8899", "5566778899"),
        ("5566778899", "5566778899"),
        ("16556677-8899", "5566778899"),
        ("198605100000", "8605100000"),
        (" 556677 - 8899 ", "5566778899"),
        ("", ""),
    ],
)
def test_normalise_org_number(text, expected):
    assert normalise_org_number(text) == expected


@pytest.mark.parametrize("text", ["5566", "556677-889X", "125566778899", "５５６６７７８８９９"])
def test_normalise_org_number_rejects(text):
    with pytest.raises(ValueError):
        normalise_org_number(text)
