"""Ordered schema migrations; the database records the last one applied in `schema_version`.

Each migration is written against the schema as it was then, never against `models.py`, so that
changing a model later cannot change what an old migration creates. Append new migrations to
`MIGRATIONS` using `playhouse.migrate`; never edit an applied one. `tests/store` checks that a
freshly migrated database has exactly the columns `models.py` expects.
"""

from __future__ import annotations

from collections.abc import Callable

import peewee as pw
from playhouse.migrate import SchemaMigrator, migrate

from core.errors import BokslutError
from core.store.locks import exclusive, is_postgres
from core.store.models import utc_now


class StoreTooNew(BokslutError):
    """Opening a newer store with an older program must not corrupt it; the user upgrades instead."""


def _frozen_base(db: pw.Database) -> type[pw.Model]:
    """Each migration declares the tables as they were then, on a base bound to the database being migrated."""

    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    return Base


def _create_v1_tables(db: pw.Database, migrator: SchemaMigrator) -> None:
    """The first schema, frozen here: companies, years, chart, vouchers, balances, log, checks."""

    Base = _frozen_base(db)

    class SchemaVersion(Base):
        version = pw.IntegerField()
        applied = pw.DateTimeField()

    class Company(Base):
        name = pw.TextField()
        org_number = pw.TextField(null=True, unique=True)
        created = pw.DateTimeField()

    class ImportBatch(Base):
        company = pw.ForeignKeyField(Company, on_delete="CASCADE")
        source = pw.TextField()
        file_name = pw.TextField()
        sha256 = pw.TextField()
        vouchers = pw.IntegerField()
        transactions = pw.IntegerField()
        balances = pw.IntegerField()
        started = pw.DateTimeField()
        finished = pw.DateTimeField(null=True)
        status = pw.TextField()

    class FiscalYear(Base):
        company = pw.ForeignKeyField(Company, on_delete="CASCADE")
        start = pw.DateField()
        end = pw.DateField()
        batch = pw.ForeignKeyField(ImportBatch, null=True, on_delete="SET NULL")

    class Account(Base):
        company = pw.ForeignKeyField(Company, on_delete="CASCADE")
        number = pw.TextField()
        name = pw.TextField()
        type = pw.TextField()
        sru = pw.TextField()
        unit = pw.TextField()

    class Dimension(Base):
        company = pw.ForeignKeyField(Company, on_delete="CASCADE")
        number = pw.TextField()
        name = pw.TextField()
        parent = pw.TextField()

    class DimensionObject(Base):
        company = pw.ForeignKeyField(Company, on_delete="CASCADE")
        dimension = pw.TextField()
        number = pw.TextField()
        name = pw.TextField()

        class Meta:
            table_name = "dimension_object"

    class Voucher(Base):
        fiscal_year = pw.ForeignKeyField(FiscalYear, on_delete="CASCADE")
        batch = pw.ForeignKeyField(ImportBatch, on_delete="CASCADE")
        series = pw.TextField()
        number = pw.TextField()
        date = pw.DateField()
        text = pw.TextField()
        registered = pw.DateField(null=True)
        signature = pw.TextField()

    class VoucherRow(Base):
        voucher = pw.ForeignKeyField(Voucher, on_delete="CASCADE", index=False)
        fiscal_year = pw.ForeignKeyField(FiscalYear, on_delete="CASCADE", index=False)
        kind = pw.TextField()
        account = pw.TextField()
        amount = pw.BigIntegerField()
        objects = pw.TextField()
        cost_center = pw.TextField(null=True)
        project = pw.TextField(null=True)
        quantity = pw.TextField(null=True)
        text = pw.TextField()
        date = pw.DateField(null=True)
        signature = pw.TextField()

        class Meta:
            table_name = "voucher_row"

    class Balance(Base):
        fiscal_year = pw.ForeignKeyField(FiscalYear, on_delete="CASCADE")
        batch = pw.ForeignKeyField(ImportBatch, on_delete="CASCADE")
        kind = pw.TextField()
        account = pw.TextField()
        period = pw.TextField()
        objects = pw.TextField()
        amount = pw.BigIntegerField()
        quantity = pw.TextField(null=True)

    class ActivityLog(Base):
        kind = pw.TextField()
        company = pw.ForeignKeyField(Company, null=True, on_delete="SET NULL")
        status = pw.TextField()
        started = pw.DateTimeField(null=True)
        finished = pw.DateTimeField(null=True)
        counts = pw.TextField()
        message = pw.TextField()
        process = pw.TextField()

        class Meta:
            table_name = "activity_log"

    class IntegrityCheck(Base):
        fiscal_year = pw.ForeignKeyField(FiscalYear, on_delete="CASCADE")
        batch = pw.ForeignKeyField(ImportBatch, on_delete="CASCADE")
        check_id = pw.TextField()
        status = pw.TextField()
        message = pw.TextField()
        details = pw.TextField()

        class Meta:
            table_name = "integrity_check"

    db.create_tables(
        [
            SchemaVersion,
            Company,
            ImportBatch,
            FiscalYear,
            Account,
            Dimension,
            DimensionObject,
            Voucher,
            VoucherRow,
            Balance,
            ActivityLog,
            IntegrityCheck,
        ]
    )
    migrate(
        migrator.add_index("fiscal_year", ("company_id", "start"), unique=True),
        migrator.add_index("account", ("company_id", "number"), unique=True),
        migrator.add_index("dimension", ("company_id", "number"), unique=True),
        migrator.add_index("dimension_object", ("company_id", "dimension", "number"), unique=True),
        # Both cover their sums, so these never read the table: per voucher (balance check, FK
        # cascades) and per account (trial balance, account drill-down). An import numbers its
        # vouchers upwards, so each index only grows at its end or at the end of an account's range;
        # with `amount` before `voucher_id` the account index tripled the bulk-insert time.
        migrator.add_index("voucher_row", ("voucher_id", "kind", "amount")),
        migrator.add_index("voucher_row", ("fiscal_year_id", "account", "kind", "voucher_id", "amount")),
    )


def _add_fortnox_source(db: pw.Database, migrator: SchemaMigrator) -> None:
    """Fortnox as a data source: the company's source and tenant, the year's Fortnox id, what the export dialog needs."""

    Base = _frozen_base(db)

    class FiscalYear(Base):
        class Meta:
            table_name = "fiscal_year"

    class FortnoxSeries(Base):
        fiscal_year = pw.ForeignKeyField(FiscalYear, on_delete="CASCADE")
        code = pw.TextField()
        description = pw.TextField()
        manual = pw.BooleanField()

        class Meta:
            table_name = "fortnox_series"

    migrate(
        # SQL defaults too: the importer inserts with raw SQL that does not name the new columns.
        migrator.add_column("company", "source", pw.TextField(default="sie-file", constraints=[pw.SQL("DEFAULT 'sie-file'")])),
        migrator.add_column("company", "fortnox_tenant", pw.IntegerField(null=True)),
        migrator.add_column("company", "locked_through", pw.DateField(null=True)),
        migrator.add_column("company", "last_import", pw.DateTimeField(null=True)),
        migrator.add_column("fiscal_year", "fortnox_id", pw.IntegerField(null=True)),
        migrator.add_column("dimension_object", "active", pw.BooleanField(default=True, constraints=[pw.SQL("DEFAULT 1")])),
    )
    db.create_tables([FortnoxSeries])
    migrate(migrator.add_index("fortnox_series", ("fiscal_year_id", "code"), unique=True))


def _add_closing_entries(db: pw.Database, migrator: SchemaMigrator) -> None:
    """Closing entries, their rows, the export ledger (intent before every POST) and per-year rates."""

    Base = _frozen_base(db)

    class Company(Base):
        pass

    class FiscalYear(Base):
        class Meta:
            table_name = "fiscal_year"

    class ClosingEntry(Base):
        company = pw.ForeignKeyField(Company, on_delete="CASCADE")
        fiscal_year = pw.ForeignKeyField(FiscalYear, on_delete="CASCADE")
        date = pw.DateField()
        text = pw.TextField()
        status = pw.TextField()
        marker = pw.TextField(unique=True)
        deleted = pw.BooleanField()
        reverses = pw.ForeignKeyField("self", null=True, on_delete="SET NULL")
        template = pw.TextField()
        created = pw.DateTimeField()
        updated = pw.DateTimeField()
        exported_to = pw.TextField(null=True)
        exported_at = pw.DateTimeField(null=True)
        fortnox_series = pw.TextField(null=True)
        fortnox_number = pw.IntegerField(null=True)
        fortnox_year = pw.IntegerField(null=True)
        sie_file = pw.TextField(null=True)
        failure = pw.TextField()
        booked = pw.BooleanField()

        class Meta:
            table_name = "closing_entry"

    class ClosingRow(Base):
        entry = pw.ForeignKeyField(ClosingEntry, on_delete="CASCADE")
        position = pw.IntegerField()
        account = pw.TextField()
        amount = pw.BigIntegerField()
        cost_center = pw.TextField(null=True)
        project = pw.TextField(null=True)
        text = pw.TextField()

        class Meta:
            table_name = "closing_row"

    class ExportAttempt(Base):
        entry = pw.ForeignKeyField(ClosingEntry, on_delete="CASCADE")
        target = pw.TextField()
        series = pw.TextField()
        fortnox_year = pw.IntegerField(null=True)
        state = pw.TextField()
        process = pw.TextField()
        started = pw.DateTimeField()
        finished = pw.DateTimeField(null=True)
        voucher_number = pw.IntegerField(null=True)
        message = pw.TextField()

        class Meta:
            table_name = "export_attempt"

    class ClosingRate(Base):
        fiscal_year = pw.ForeignKeyField(FiscalYear, on_delete="CASCADE")
        name = pw.TextField()
        value = pw.TextField()

        class Meta:
            table_name = "closing_rate"

    db.create_tables([ClosingEntry, ClosingRow, ExportAttempt, ClosingRate])
    migrate(
        migrator.add_index("closing_entry", ("fiscal_year_id", "deleted", "date")),
        migrator.add_index("closing_row", ("entry_id", "position"), unique=True),
        migrator.add_index("export_attempt", ("entry_id", "state")),
        migrator.add_index("closing_rate", ("fiscal_year_id", "name"), unique=True),
    )


def _add_checks_and_periods(db: pw.Database, migrator: SchemaMigrator) -> None:
    """The check engine's results and settings, and the periods of period closing."""

    Base = _frozen_base(db)

    class Company(Base):
        pass

    class FiscalYear(Base):
        class Meta:
            table_name = "fiscal_year"

    class CheckResult(Base):
        fiscal_year = pw.ForeignKeyField(FiscalYear, on_delete="CASCADE")
        period = pw.TextField()
        check_id = pw.TextField()
        status = pw.TextField()
        message = pw.TextField()
        details = pw.TextField()
        data_hash = pw.TextField()
        computed = pw.DateTimeField()
        stale = pw.BooleanField()
        done_by = pw.TextField(null=True)
        done_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "check_result"

    class CheckSetting(Base):
        company = pw.ForeignKeyField(Company, on_delete="CASCADE")
        check_id = pw.TextField()
        kind = pw.TextField()
        name = pw.TextField()
        params = pw.TextField()
        enabled = pw.BooleanField()

        class Meta:
            table_name = "check_setting"

    class Period(Base):
        fiscal_year = pw.ForeignKeyField(FiscalYear, on_delete="CASCADE")
        position = pw.IntegerField()
        key = pw.TextField()
        start = pw.DateField()
        end = pw.DateField()
        locked = pw.BooleanField()
        unlocked = pw.BooleanField()
        changed_by = pw.TextField(null=True)
        changed_at = pw.DateTimeField(null=True)

    db.create_tables([CheckResult, CheckSetting, Period])
    migrate(
        migrator.add_column(
            "fiscal_year", "period_kind", pw.TextField(default="month", constraints=[pw.SQL("DEFAULT 'month'")])
        ),
        migrator.add_index("check_result", ("fiscal_year_id", "period", "check_id"), unique=True),
        migrator.add_index("check_setting", ("company_id", "check_id"), unique=True),
        migrator.add_index("period", ("fiscal_year_id", "position"), unique=True),
    )


def _add_voucher_fingerprint(db: pw.Database, migrator: SchemaMigrator) -> None:
    """A hash of each voucher's content, written by the importer as it inserts, so comparing one import with the
    previous one reads a column instead of hashing every voucher. Vouchers imported before this stay NULL: the
    checks compute theirs when they need it (core.checks)."""
    migrate(migrator.add_column("voucher", "fingerprint", pw.TextField(null=True)))
    # The fingerprint snapshots kept so far hashed the rows in another order and are no longer read: the importer
    # now stores its comparison instead. Until the next re-import the changed-vouchers check has nothing to show.
    db.execute_sql("DELETE FROM check_result WHERE check_id = '_voucher-fingerprints'")


def _add_activity_message_key(db: pw.Database, migrator: SchemaMigrator) -> None:
    """What the work said as a text key and JSON params beside the English message, so the app can say it in the
    reader's language. Entries written before this stay NULL and show their stored English."""
    migrate(
        migrator.add_column("activity_log", "message_key", pw.TextField(null=True)),
        migrator.add_column("activity_log", "message_params", pw.TextField(null=True)),
    )


def _add_tax(db: pw.Database, migrator: SchemaMigrator) -> None:
    """The tax computation (core.tax): the accountant's inputs per year, the saved sheet, and the asset register."""

    Base = _frozen_base(db)

    class Company(Base):
        pass

    class FiscalYear(Base):
        class Meta:
            table_name = "fiscal_year"

    class TaxInput(Base):
        fiscal_year = pw.ForeignKeyField(FiscalYear, on_delete="CASCADE")
        field = pw.TextField()
        amount = pw.BigIntegerField()
        changed_by = pw.TextField()
        changed_at = pw.DateTimeField()

        class Meta:
            table_name = "tax_input"

    class TaxSheet(Base):
        fiscal_year = pw.ForeignKeyField(FiscalYear, on_delete="CASCADE", unique=True)
        fingerprint = pw.TextField()
        fields = pw.TextField()
        saved_by = pw.TextField()
        saved_at = pw.DateTimeField()

        class Meta:
            table_name = "tax_sheet"

    class TaxAsset(Base):
        company = pw.ForeignKeyField(Company, on_delete="CASCADE")
        description = pw.TextField()
        acquired = pw.DateField()
        cost = pw.BigIntegerField()
        disposed = pw.DateField(null=True)
        proceeds = pw.BigIntegerField(null=True)

        class Meta:
            table_name = "tax_asset"

    db.create_tables([TaxInput, TaxSheet, TaxAsset])
    migrate(migrator.add_index("tax_input", ("fiscal_year_id", "field"), unique=True))


def _add_company_vat_period(db: pw.Database, migrator: SchemaMigrator) -> None:
    """The company's VAT period (month, quarter or year), which the VAT settlement check follows: it is a setting
    of its own, not the reconciliation period. NULL until set: the check then derives it from the settlements."""
    migrate(migrator.add_column("company", "vat_period", pw.TextField(null=True)))


def _add_reconciliations(db: pw.Database, migrator: SchemaMigrator) -> None:
    """Balance reconciliation (core.reconcile): one reconciliation per account or account group and period, its
    specification lines, attached files (kept in the store so a shared store has them too), comments per account,
    the trail of sign-offs and unlocks, and the figures a VAT return reported."""

    Base = _frozen_base(db)

    class FiscalYear(Base):
        class Meta:
            table_name = "fiscal_year"

    class ClosingEntry(Base):
        class Meta:
            table_name = "closing_entry"

    class Reconciliation(Base):
        fiscal_year = pw.ForeignKeyField(FiscalYear, on_delete="CASCADE")
        period = pw.TextField()
        scope = pw.TextField()
        status = pw.TextField()
        prepared_by = pw.TextField(null=True)
        prepared_at = pw.DateTimeField(null=True)
        approved_by = pw.TextField(null=True)
        approved_at = pw.DateTimeField(null=True)
        signed_balance = pw.BigIntegerField(null=True)
        signed_hash = pw.TextField()
        offset_account = pw.TextField(null=True)
        entry = pw.ForeignKeyField(ClosingEntry, null=True, on_delete="SET NULL")

    class ReconciliationLine(Base):
        reconciliation = pw.ForeignKeyField(Reconciliation, on_delete="CASCADE")
        position = pw.IntegerField()
        reference = pw.TextField()
        date = pw.DateField(null=True)
        amount = pw.BigIntegerField()
        comment = pw.TextField()
        carry = pw.BooleanField()

        class Meta:
            table_name = "reconciliation_line"

    class ReconciliationFile(Base):
        reconciliation = pw.ForeignKeyField(Reconciliation, on_delete="CASCADE")
        name = pw.TextField()
        size = pw.IntegerField()
        sha256 = pw.TextField()
        content = pw.BlobField()
        added_by = pw.TextField()
        added_at = pw.DateTimeField()

        class Meta:
            table_name = "reconciliation_file"

    class ReconciliationNote(Base):
        fiscal_year = pw.ForeignKeyField(FiscalYear, on_delete="CASCADE")
        period = pw.TextField()
        scope = pw.TextField()
        author = pw.TextField()
        written = pw.DateTimeField()
        text = pw.TextField()

        class Meta:
            table_name = "reconciliation_note"

    class ReconciliationEvent(Base):
        fiscal_year = pw.ForeignKeyField(FiscalYear, on_delete="CASCADE")
        period = pw.TextField()
        scope = pw.TextField()
        action = pw.TextField()
        actor = pw.TextField()
        happened = pw.DateTimeField()
        details = pw.TextField()

        class Meta:
            table_name = "reconciliation_event"

    class VatReported(Base):
        fiscal_year = pw.ForeignKeyField(FiscalYear, on_delete="CASCADE")
        period = pw.TextField()
        box = pw.TextField()
        amount = pw.BigIntegerField()
        changed_by = pw.TextField()
        changed_at = pw.DateTimeField()

        class Meta:
            table_name = "vat_reported"

    db.create_tables(
        [Reconciliation, ReconciliationLine, ReconciliationFile, ReconciliationNote, ReconciliationEvent, VatReported]
    )
    migrate(
        migrator.add_index("reconciliation", ("fiscal_year_id", "period", "scope"), unique=True),
        migrator.add_index("reconciliation_note", ("fiscal_year_id", "period", "scope")),
        migrator.add_index("vat_reported", ("fiscal_year_id", "period", "box"), unique=True),
    )


def _add_export_send_facts(db: pw.Database, migrator: SchemaMigrator) -> None:
    """What settling a lost POST answer needs beside the marker: the series' next voucher number as known before the
    POST (the single vouchers to read when a list lacks Comments) and when the POST last actually left (throttling
    and 429 retries can hold it long after the intent)."""
    migrate(
        migrator.add_column("export_attempt", "next_voucher_number", pw.IntegerField(null=True)),
        migrator.add_column("export_attempt", "sent", pw.DateTimeField(null=True)),
    )


def _add_closing_history(db: pw.Database, migrator: SchemaMigrator) -> None:
    """The history of every closing entry's changes (who, when, what). Entries made before this have none."""

    Base = _frozen_base(db)

    class ClosingEntry(Base):
        class Meta:
            table_name = "closing_entry"

    class ClosingHistory(Base):
        entry = pw.ForeignKeyField(ClosingEntry, on_delete="CASCADE")
        action = pw.TextField()
        status = pw.TextField()
        deleted = pw.BooleanField()
        changed_by = pw.TextField()
        changed_at = pw.DateTimeField()
        details = pw.TextField()

        class Meta:
            table_name = "closing_history"

    db.create_tables([ClosingHistory])


TRIGRAM_INDEXES = {"voucher_row_text_trigram": "voucher_row", "voucher_text_trigram": "voucher"}
ROW_TEXT_INDEX = "USING gin (text gin_trgm_ops) WHERE text <> ''"  # since migration 15; a text filter adds text <> ''


def _add_text_search_on_postgres(db: pw.Database, migrator: SchemaMigrator) -> None:
    """PostgreSQL: trigram indexes (pg_trgm) on the row and voucher texts, so the analysis' text filter finds its
    rows through them instead of reading the year. Creating the extension needs rights a firm's server may not
    give: the store then goes without (the filter works, slower), and opening it says so (core.store.db). SQLite
    reads the year's rows for a text filter, as before."""
    if not is_postgres(db):
        return
    try:
        with db.atomic():  # a savepoint: a refused CREATE EXTENSION must not abort the migrations' transaction
            db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except pw.DatabaseError:
        return
    for name, table in TRIGRAM_INDEXES.items():
        db.execute_sql(f"CREATE INDEX {name} ON {table} USING gin (text gin_trgm_ops)")


def _row_year_through_its_voucher_on_postgres(db: pw.Database, migrator: SchemaMigrator) -> None:
    """PostgreSQL: a row's year is checked through its voucher, one foreign key (voucher_id, fiscal_year_id) ->
    voucher (id, fiscal_year_id) instead of one to the voucher and one to the year. The server checks a foreign key
    by a trigger per inserted row, and those checks were the largest part of an import (bench/README.md); one check
    a row instead of two keeps every reference (the voucher's own key still points at the year) and adds that a
    row's year is its voucher's. A deleted year still takes its rows: through its vouchers. SQLite checks a key by
    one rowid look-up and keeps its two."""
    if not is_postgres(db):
        return
    db.execute_sql("ALTER TABLE voucher ADD CONSTRAINT voucher_id_fiscal_year_id UNIQUE (id, fiscal_year_id)")
    db.execute_sql(
        "ALTER TABLE voucher_row DROP CONSTRAINT voucher_row_voucher_id_fkey, "
        "DROP CONSTRAINT voucher_row_fiscal_year_id_fkey, "
        "ADD CONSTRAINT voucher_row_voucher_id_fiscal_year_id_fkey FOREIGN KEY (voucher_id, fiscal_year_id) "
        "REFERENCES voucher (id, fiscal_year_id) ON DELETE CASCADE"
    )


def _row_text_index_without_empty_texts_on_postgres(db: pw.Database, migrator: SchemaMigrator) -> None:
    """PostgreSQL: the row texts' trigram index leaves out empty texts (most rows have none). GIN files a row without
    trigrams too, under an 'empty' entry, so every imported row cost an index insert; a text filter never looks for
    an empty text. A store without the trigram indexes (the server refused pg_trgm) stays without."""
    if not is_postgres(db) or not db.execute_sql(
        "SELECT 1 FROM pg_indexes WHERE indexname = 'voucher_row_text_trigram'"
    ).fetchone():
        return
    db.execute_sql("DROP INDEX voucher_row_text_trigram")
    db.execute_sql(f"CREATE INDEX voucher_row_text_trigram ON voucher_row {ROW_TEXT_INDEX}")


def _add_account_day_sums(db: pw.Database, migrator: SchemaMigrator) -> None:
    """Each year's transactions summed per account and voucher date (models.AccountDaySum), filled here from the
    vouchers already imported (about 2 s for a 1.7 M-row year, once); imports write them from then on. And the
    vouchers by year and date, so the rows of a few days (the VAT settlement days, core.reconcile.auto) are found
    through their vouchers instead of through every row of their accounts."""

    Base = _frozen_base(db)

    class FiscalYear(Base):
        class Meta:
            table_name = "fiscal_year"

    class AccountDaySum(Base):
        fiscal_year = pw.ForeignKeyField(FiscalYear, on_delete="CASCADE", index=False)
        account = pw.TextField()
        date = pw.DateField()
        amount = pw.BigIntegerField()

        class Meta:
            table_name = "account_day_sum"

    db.create_tables([AccountDaySum])
    migrate(
        migrator.add_index("account_day_sum", ("fiscal_year_id", "account", "date"), unique=True),
        migrator.add_index("voucher", ("fiscal_year_id", "date")),
    )
    db.execute_sql(
        "INSERT INTO account_day_sum (fiscal_year_id, account, date, amount) "
        "SELECT r.fiscal_year_id, r.account, v.date, SUM(r.amount) FROM voucher_row r "
        "JOIN voucher v ON v.id = r.voucher_id WHERE r.kind = 'TRANS' GROUP BY r.fiscal_year_id, r.account, v.date"
    )


def _add_fortnox_budget_on_postgres(db: pw.Database, migrator: SchemaMigrator) -> None:
    """PostgreSQL: Fortnox's rate budget per client id and tenant (core.fortnox.throttle.StoreBudget), so the firm's
    accountants importing one company from several machines share it. `key` is a digest of the client id, tenant and
    api address; `state` the recent request starts as JSON. SQLite keeps the budget in a file per machine instead."""
    if not is_postgres(db):
        return
    db.execute_sql("CREATE TABLE fortnox_budget (key TEXT PRIMARY KEY, state TEXT NOT NULL)")


Migration = Callable[[pw.Database, SchemaMigrator], None]

MIGRATIONS: tuple[Migration, ...] = (
    _create_v1_tables,
    _add_fortnox_source,
    _add_closing_entries,
    _add_checks_and_periods,
    _add_voucher_fingerprint,
    _add_activity_message_key,
    _add_tax,
    _add_company_vat_period,
    _add_reconciliations,
    _add_export_send_facts,
    _add_closing_history,
    _add_text_search_on_postgres,
    _add_account_day_sums,
    _row_year_through_its_voucher_on_postgres,
    _row_text_index_without_empty_texts_on_postgres,
    _add_fortnox_budget_on_postgres,
)
LATEST_VERSION = len(MIGRATIONS)


def current_version(db: pw.Database) -> int:
    if "schema_version" not in db.get_tables():
        return 0
    cursor = db.execute_sql("SELECT MAX(version) FROM schema_version")
    return cursor.fetchone()[0] or 0


def apply_migrations(db: pw.Database) -> int:
    """Bring the database to LATEST_VERSION in one transaction, so a failed step changes nothing."""
    migrator = SchemaMigrator.from_database(db)
    with exclusive(db, "migrations"):  # the write lock first, so two processes cannot both migrate
        version = current_version(db)
        if version > LATEST_VERSION:
            raise StoreTooNew(
                f"{db.database}: the store was written by a newer bokslut (schema {version}, this one knows "
                f"{LATEST_VERSION}). Upgrade bokslut, or choose another data directory with --data-dir."
            )
        for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
            with db.atomic():
                step(db, migrator)
                db.execute_sql(
                    "INSERT INTO schema_version (version, applied) VALUES (?, ?)", (number, utc_now())
                )
    return LATEST_VERSION
