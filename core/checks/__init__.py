"""Checks of a fiscal year's books (transaction analysis): the engine in `engine`, the checks in `builtin` and
`custom`, the CLI in `commands`.

Only what the importer and closing entries call lives here, so importing it pulls in nothing that imports them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence

import peewee as pw

from core.store.locks import is_postgres
from core.store.models import utc_now

VOUCHER_CHANGES = "_voucher-changes"  # hidden result: how the last re-import's vouchers differ from the ones replaced
KEPT_KEYS = 1000  # voucher keys kept per kind of change; the counts are complete


def mark_stale(db: pw.Database, fiscal_year_id: int) -> None:
    """Every result of the company is out of date: a year's checks also read the previous year."""
    db.execute_sql(
        "UPDATE check_result SET stale = 1 WHERE fiscal_year_id IN (SELECT id FROM fiscal_year WHERE company_id = "
        "(SELECT company_id FROM fiscal_year WHERE id = ?))",
        (fiscal_year_id,),
    )


def voucher_fingerprint(date: str, text: str, rows: list[str]) -> str:
    """What a voucher says, hashed: its ISO date, text and rows, each row as `row_line` gives it, in the order the
    source gave them (the order they are stored in). Cheap enough for the importer's insert loop."""
    content = date + "\n" + text + "\n" + "\n".join(rows)
    return hashlib.blake2b(content.encode(), digest_size=8).hexdigest()


def row_line(kind: str, account: str, amount: int, objects: str, text: str, date: str | None) -> str:
    """One row as the fingerprint reads it; `amount` in öre, `date` ISO or None."""
    return f"{kind}|{account}|{amount}|{objects}|{text}|{date or ''}"


# For vouchers imported before the importer stored fingerprints (NULL): the same, computed from the stored rows in
# insertion (= source) order.
_COMPUTED = (
    "bokslut_fingerprint(v.date, v.text, (SELECT group_concat(line, char(10)) FROM (SELECT r.kind || '|' || "
    "r.account || '|' || r.amount || '|' || r.objects || '|' || r.text || '|' || COALESCE(r.date, '') AS line "
    "FROM voucher_row r WHERE r.voucher_id = v.id ORDER BY r.id)))"
)


def per_voucher(db: pw.Database, *, dated: bool = False) -> str:
    """(key, fingerprint) of a year's vouchers, and their date if `dated`. Only a SQLite store can be older than the
    fingerprint column (and so hold vouchers without one); a PostgreSQL store was made with it, and the importer
    fills it for every voucher."""
    fingerprint = "v.fingerprint" if is_postgres(db) else f"COALESCE(v.fingerprint, {_COMPUTED})"
    date = ", v.date AS date" if dated else ""
    return (
        f"SELECT TRIM(v.series || ' ' || v.number) AS key, {fingerprint} AS fingerprint{date} FROM voucher v "
        "WHERE v.fiscal_year_id = ?"
    )


def _computed_fingerprint(date: str, text: str, lines: str | None) -> str:
    return voucher_fingerprint(date, text, [lines] if lines else [])


def fingerprints_in(db: pw.Database) -> None:
    """On the calling thread's connection: SQLite has no hash of its own. Only vouchers without a stored
    fingerprint call it."""
    db.connection().create_function("bokslut_fingerprint", 3, _computed_fingerprint, deterministic=True)


def _keep(db: pw.Database, table: str, year_id: int) -> None:
    """(key, fingerprint) of the year's vouchers in a temporary table of the import's connection, indexed for the
    comparison; SQLite holds it, so the import's memory does not grow with the year."""
    db.execute_sql(f"DROP TABLE IF EXISTS {table}")
    db.execute_sql(f"CREATE TEMP TABLE {table} AS {per_voucher(db, dated=True)}", (year_id,))
    db.execute_sql(f"CREATE INDEX {table}_key ON {table} (key, fingerprint)")


def before_import(db: pw.Database, company_id: int, start: dt.date) -> bool:
    """Called by the importer inside its transaction, before it replaces the year starting on `start`: marks the
    company's results stale and keeps the replaced vouchers' fingerprints. True when it kept them: then the
    importer calls `after_import` once the new vouchers are in."""
    row = db.execute_sql(
        "SELECT id, batch_id FROM fiscal_year WHERE company_id = ? AND start = ?", (company_id, start.isoformat())
    ).fetchone()
    if row is None:
        any_year = db.execute_sql("SELECT id FROM fiscal_year WHERE company_id = ? LIMIT 1", (company_id,)).fetchone()
        if any_year is not None:
            mark_stale(db, any_year[0])
        return False
    year_id, batch_id = row
    mark_stale(db, year_id)
    if batch_id is None:  # only known as another file's previous year: it has no vouchers of its own
        return False
    if not is_postgres(db):
        fingerprints_in(db)
    _keep(db, "replaced_voucher", year_id)
    return True


def after_import(
    db: pw.Database, year_id: int, locked: Sequence[tuple[str, dt.date, dt.date]] = (), own: Iterable[str] = ()
) -> list[tuple[str, int]]:
    """Compares the year's new vouchers with the replaced ones by key (series and number) and fingerprint, and
    keeps what differs for the changed-vouchers check: the comparison runs once per import, not once per check run.
    Returns (name, vouchers) for each of the `locked` spans (name, first day, last day) whose vouchers differ: a
    voucher counts where it was dated before the import or is dated now, but a voucher new to the books that is
    one of bokslut's own exported closing entries (`own`, keys) does not: the final figures already held it."""
    _keep(db, "imported_voucher", year_id)
    own = sorted(own)
    in_locked = [(name, _differing_within(db, first, last, own)) for name, first, last in locked]
    db.execute_sql("DROP TABLE IF EXISTS differing_voucher")
    db.execute_sql(
        "CREATE TEMP TABLE differing_voucher AS SELECT DISTINCT p.key, CASE WHEN EXISTS (SELECT 1 FROM "
        "imported_voucher i WHERE i.key = p.key) THEN 'changed' ELSE 'removed' END AS problem FROM replaced_voucher p "
        "WHERE NOT EXISTS (SELECT 1 FROM imported_voucher i WHERE i.key = p.key AND i.fingerprint = p.fingerprint)"
    )
    details = {}
    for problem in ("changed", "removed"):
        keys = db.execute_sql(
            "SELECT key FROM differing_voucher WHERE problem = ? ORDER BY key LIMIT ?", (problem, KEPT_KEYS)
        ).fetchall()
        (count,) = db.execute_sql("SELECT COUNT(*) FROM differing_voucher WHERE problem = ?", (problem,)).fetchone()
        details[problem] = {"count": count, "keys": [key for (key,) in keys]}
    (details["added"],) = db.execute_sql(
        "SELECT COUNT(DISTINCT key) FROM imported_voucher i "
        "WHERE NOT EXISTS (SELECT 1 FROM replaced_voucher p WHERE p.key = i.key)"
    ).fetchone()
    for table in ("replaced_voucher", "imported_voucher", "differing_voucher"):
        db.execute_sql(f"DROP TABLE {table}")
    db.execute_sql(
        "INSERT INTO check_result (fiscal_year_id, period, check_id, status, message, details, data_hash, computed, "
        "stale) VALUES (?, '', ?, 'green', 'the vouchers of the last re-import against the ones it replaced', ?, '', "
        "?, 0) ON CONFLICT (fiscal_year_id, period, check_id) DO UPDATE SET details = excluded.details, "
        "computed = excluded.computed",
        (year_id, VOUCHER_CHANGES, json.dumps(details), utc_now().isoformat(sep=" ")),
    )
    return [(name, count) for name, count in in_locked if count]


def _differing_within(db: pw.Database, first: dt.date, last: dt.date, own: list[str]) -> int:
    """Vouchers (by key) replaced or imported with a date in first..last that the other side lacks as they are;
    an imported one new to the books and among `own` is left out."""
    marks = ", ".join("?" * len(own))
    not_own = (f" AND (i.key NOT IN ({marks}) OR EXISTS (SELECT 1 FROM replaced_voucher o WHERE o.key = i.key))"
               if own else "")  # fmt: skip
    (count,) = db.execute_sql(
        "SELECT COUNT(DISTINCT key) FROM (SELECT p.key FROM replaced_voucher p WHERE p.date BETWEEN ? AND ? AND NOT "
        "EXISTS (SELECT 1 FROM imported_voucher i WHERE i.key = p.key AND i.fingerprint = p.fingerprint) UNION ALL "
        "SELECT i.key FROM imported_voucher i WHERE i.date BETWEEN ? AND ? AND NOT EXISTS (SELECT 1 FROM "
        f"replaced_voucher p WHERE p.key = i.key AND p.fingerprint = i.fingerprint){not_own}) AS differing",
        (first.isoformat(), last.isoformat(), first.isoformat(), last.isoformat(), *own),
    ).fetchone()
    return count
