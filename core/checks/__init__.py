"""Checks of a fiscal year's books (transaction analysis): the engine in `engine`, the checks in `builtin` and
`custom`, the CLI in `commands`.

Only what the importer and closing entries call lives here, so importing it pulls in nothing that imports them.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import peewee as pw

from core.store.models import utc_now

FINGERPRINTS = "_voucher-fingerprints"  # hidden result: the vouchers as the previous import of the year had them


def mark_stale(db: pw.SqliteDatabase, fiscal_year_id: int) -> None:
    """Every result of the company is out of date: a year's checks also read the previous year."""
    db.execute_sql(
        "UPDATE check_result SET stale = 1 WHERE fiscal_year_id IN (SELECT id FROM fiscal_year WHERE company_id = "
        "(SELECT company_id FROM fiscal_year WHERE id = ?))",
        (fiscal_year_id,),
    )


def _fingerprint(content: str) -> str:
    return hashlib.blake2b(content.encode(), digest_size=8).hexdigest()


# The rows come in the order of the index on (voucher_id, kind, amount), the same for the same voucher.
PER_VOUCHER = (
    "SELECT TRIM(v.series || ' ' || v.number) AS key, bokslut_fingerprint(v.date || char(10) || v.text || char(10) "
    "|| COALESCE(group_concat(r.kind || '|' || r.account || '|' || r.amount || '|' || r.objects || '|' || r.text "
    "|| '|' || COALESCE(r.date, ''), char(10)), '')) AS fingerprint "
    "FROM voucher v LEFT JOIN voucher_row r ON r.voucher_id = v.id WHERE v.fiscal_year_id = ? GROUP BY v.id"
)


def fingerprints_in(db: pw.SqliteDatabase) -> None:
    """On the calling thread's connection: SQLite has no hash of its own."""
    db.connection().create_function("bokslut_fingerprint", 1, _fingerprint, deterministic=True)


def before_import(db: pw.SqliteDatabase, company_id: int, start: dt.date) -> None:
    """Called by the importer inside its transaction, before it replaces the year starting on `start`: keeps the
    vouchers' fingerprints (for the changed-vouchers check) and marks the company's results stale. The snapshot is
    built inside SQLite (json_group_object), so the import's memory does not grow with the replaced year."""
    row = db.execute_sql(
        "SELECT id, batch_id FROM fiscal_year WHERE company_id = ? AND start = ?", (company_id, start.isoformat())
    ).fetchone()
    if row is None:
        any_year = db.execute_sql("SELECT id FROM fiscal_year WHERE company_id = ? LIMIT 1", (company_id,)).fetchone()
        if any_year is not None:
            mark_stale(db, any_year[0])
        return
    year_id, batch_id = row
    mark_stale(db, year_id)
    if batch_id is None:  # only known as another file's previous year: it has no vouchers of its own
        return
    fingerprints_in(db)
    db.execute_sql(
        "INSERT INTO check_result (fiscal_year_id, period, check_id, status, message, details, data_hash, computed, "
        "stale) SELECT ?, '', ?, 'green', 'vouchers of the previous import', "
        f"json_object('vouchers', json_group_object(key, fingerprint)), '', ?, 0 FROM ({PER_VOUCHER}) WHERE true "
        "ON CONFLICT (fiscal_year_id, period, check_id) DO UPDATE SET details = excluded.details, "
        "computed = excluded.computed",
        (year_id, FINGERPRINTS, utc_now().isoformat(sep=" "), year_id),
    )
