"""The few SQL phrases where SQLite and PostgreSQL differ; everything else the core writes once.

Each function takes the open store and returns a fragment to put into a query. Dates are ISO text in
both stores (core.store.db), so the date phrases cast on PostgreSQL.
"""

from __future__ import annotations

import peewee as pw

from core.store.locks import is_postgres


def text_contains(db: pw.Database) -> str:
    """Case-blind LIKE: SQLite's LIKE already is (for ASCII); PostgreSQL's ILIKE is, for å, ä and ö too."""
    return "ILIKE" if is_postgres(db) else "LIKE"


def all_digits(db: pw.Database, column: str) -> str:
    """A condition: the text is one or more digits and nothing else (voucher numbers that count)."""
    if is_postgres(db):
        return f"{column} ~ '^[0-9]+$'"
    return f"({column} GLOB '[0-9]*' AND {column} NOT GLOB '*[^0-9]*')"


def weekday(db: pw.Database, column: str) -> str:
    """0 = Sunday ... 6 = Saturday, from an ISO date text."""
    if is_postgres(db):
        return f"CAST(EXTRACT(DOW FROM CAST({column} AS DATE)) AS INTEGER)"
    return f"CAST(strftime('%w', {column}) AS INTEGER)"


def joined(db: pw.Database, expression: str, separator: str) -> str:
    """An aggregate: the group's texts joined with `separator` (a literal without quotes)."""
    if is_postgres(db):
        return f"string_agg(CAST({expression} AS TEXT), '{separator}')"
    return f"group_concat({expression}, '{separator}')"


def scan_condition(db: pw.Database, condition: str) -> str:
    """A condition on the row table that must not choose the index: SQLite's planner takes a unary + as that
    hint (the walk by id is faster than an index that matches most rows); PostgreSQL plans by statistics."""
    if is_postgres(db) or not condition.startswith("r."):
        return condition
    return f"+{condition}"


def ordered_join(db: pw.Database) -> str:
    """An inner join that keeps the left table outer: SQLite's CROSS JOIN ... ON is that hint; PostgreSQL plans
    the order itself and knows CROSS JOIN only without ON."""
    return "JOIN" if is_postgres(db) else "CROSS JOIN"


def greatest(db: pw.Database, first: str, second: str) -> str:
    """The larger of two values in a row: SQLite's two-argument MAX, PostgreSQL's GREATEST."""
    return f"{'GREATEST' if is_postgres(db) else 'MAX'}({first}, {second})"


def float_sum(db: pw.Database, expression: str) -> str:
    """An aggregate: the sum as a float, 0.0 for no rows (SQLite's TOTAL), for statistics whose squares would
    overflow an integer."""
    if is_postgres(db):
        return f"COALESCE(SUM(CAST({expression} AS DOUBLE PRECISION)), 0.0)"
    return f"TOTAL({expression})"


def has_text_indexes(db: pw.Database) -> bool:
    """PostgreSQL with the trigram indexes on row and voucher texts (migration 12; a server that refused pg_trgm
    has none). SQLite has none: its text filter reads the year's rows."""
    if not is_postgres(db):
        return False
    from core.store.migrations import TRIGRAM_INDEXES

    found = db.execute_sql(
        "SELECT COUNT(*) FROM pg_indexes WHERE indexname IN (?, ?)", tuple(TRIGRAM_INDEXES)
    ).fetchone()[0]
    return found == len(TRIGRAM_INDEXES)
