"""The store's tables as peewee models: the shape queries use. `migrations.py` creates and changes
the tables (and owns the indexes); these classes must match its latest schema.

Money is integer öre in SQLite and `Decimal` in Python (`OreField`). Account numbers, series,
voucher numbers and object ids are text, as in SIE ("0015" != "15"). Voucher rows and balances
carry their fiscal year directly so a year can be summed or replaced without joins.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import peewee as pw

from core.money import from_ore, to_ore


class OreField(pw.BigIntegerField):
    """Decimal kronor in Python, exact integer öre on disk; a sub-öre amount is an error, never rounded."""

    def db_value(self, value: Decimal | int | None) -> int | None:
        if isinstance(value, float):
            raise TypeError(f"money must be Decimal, not float ({value!r})")
        return None if value is None else to_ore(Decimal(value))

    def python_value(self, value: int | None) -> Decimal | None:
        return None if value is None else from_ore(value)


def utc_now() -> dt.datetime:
    """Timestamps are naive UTC so they sort and compare without a zone suffix."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


class BaseModel(pw.Model):
    class Meta:
        legacy_table_names = False


class SchemaVersion(BaseModel):
    version = pw.IntegerField()
    applied = pw.DateTimeField(default=utc_now)


class Company(BaseModel):
    name = pw.TextField()
    org_number = pw.TextField(null=True, unique=True)  # ten digits, see core.store.orgnr; NULL when unknown
    created = pw.DateTimeField(default=utc_now)
    source = pw.TextField(default="sie-file")  # where its books come from: "sie-file" or "fortnox"
    fortnox_tenant = pw.IntegerField(null=True)  # Fortnox DatabaseNumber, once connected
    locked_through = pw.DateField(null=True)  # Fortnox's locked period, as of the last import
    last_import = pw.DateTimeField(null=True)
    vat_period = pw.TextField(null=True)  # "month", "quarter" or "year"; NULL: derived from the books (core.checks)

    def to_json(self) -> dict:
        years = self.fiscal_years.order_by(FiscalYear.start)
        return {
            "name": self.name,
            "org_number": self.org_number or "",
            "source": self.source,
            "last_import": self.last_import.isoformat() if self.last_import else None,
            "fiscal_years": [{"start": fy.start.isoformat(), "end": fy.end.isoformat()} for fy in years],
        }


class ImportBatch(BaseModel):
    company = pw.ForeignKeyField(Company, backref="imports", on_delete="CASCADE")
    source = pw.TextField()  # "sie-file" or "fortnox"
    file_name = pw.TextField(default="")
    sha256 = pw.TextField(default="")
    vouchers = pw.IntegerField(default=0)
    transactions = pw.IntegerField(default=0)
    balances = pw.IntegerField(default=0)
    started = pw.DateTimeField(default=utc_now)
    finished = pw.DateTimeField(null=True)
    status = pw.TextField(default="running")  # running, done


class FiscalYear(BaseModel):
    company = pw.ForeignKeyField(Company, backref="fiscal_years", on_delete="CASCADE")
    start = pw.DateField()
    end = pw.DateField()
    # The import that loaded this year as year 0; NULL when only known as another file's year -1.
    batch = pw.ForeignKeyField(ImportBatch, null=True, on_delete="SET NULL")
    fortnox_id = pw.IntegerField(null=True)  # Fortnox's financial year Id (small, not chronological)
    period_kind = pw.TextField(default="month")  # "month" or "quarter": how period closing divides the year



class Account(BaseModel):
    company = pw.ForeignKeyField(Company, backref="accounts", on_delete="CASCADE")
    number = pw.TextField()
    name = pw.TextField(default="")
    type = pw.TextField(default="")  # KTYP: T S I K
    sru = pw.TextField(default="")  # every #SRU code of the account, space-separated, in file order
    unit = pw.TextField(default="")



class Dimension(BaseModel):
    company = pw.ForeignKeyField(Company, backref="dimensions", on_delete="CASCADE")
    number = pw.TextField()  # 1 cost centre, 6 project, ...
    name = pw.TextField(default="")
    parent = pw.TextField(default="")



class DimensionObject(BaseModel):
    company = pw.ForeignKeyField(Company, backref="objects", on_delete="CASCADE")
    dimension = pw.TextField()
    number = pw.TextField()
    name = pw.TextField(default="")
    active = pw.BooleanField(default=True)

    class Meta:
        table_name = "dimension_object"


class Voucher(BaseModel):
    fiscal_year = pw.ForeignKeyField(FiscalYear, backref="vouchers", on_delete="CASCADE")
    batch = pw.ForeignKeyField(ImportBatch, on_delete="CASCADE")
    series = pw.TextField(default="")
    number = pw.TextField(default="")
    date = pw.DateField()
    text = pw.TextField(default="")
    registered = pw.DateField(null=True)
    signature = pw.TextField(default="")
    # Of the date, text and rows (core.checks.voucher_fingerprint), written by the importer; NULL when imported
    # before the column existed. The changed-vouchers check compares imports by it.
    fingerprint = pw.TextField(null=True)


class VoucherRow(BaseModel):
    voucher = pw.ForeignKeyField(Voucher, backref="rows", on_delete="CASCADE")
    fiscal_year = pw.ForeignKeyField(FiscalYear, on_delete="CASCADE")
    kind = pw.TextField()  # TRANS, RTRANS, BTRANS: only TRANS counts toward balances
    account = pw.TextField()
    amount = OreField()
    objects = pw.TextField(default="")  # JSON [[dim, id], ...] or "" (core.store.objects)
    cost_center = pw.TextField(null=True)  # object of dimension 1
    project = pw.TextField(null=True)  # object of dimension 6
    quantity = pw.TextField(null=True)  # decimal text
    text = pw.TextField(default="")
    date = pw.DateField(null=True)
    signature = pw.TextField(default="")

    class Meta:
        table_name = "voucher_row"


class Balance(BaseModel):
    fiscal_year = pw.ForeignKeyField(FiscalYear, backref="balances", on_delete="CASCADE")
    batch = pw.ForeignKeyField(ImportBatch, on_delete="CASCADE")
    kind = pw.TextField()  # IB UB RES OIB OUB PSALDO PBUDGET
    account = pw.TextField()
    period = pw.TextField(default="")  # YYYYMM for PSALDO/PBUDGET
    objects = pw.TextField(default="")
    amount = OreField()
    quantity = pw.TextField(null=True)


class ActivityLog(BaseModel):
    """Written outside import transactions, so a failed or interrupted job is still on record."""

    kind = pw.TextField()  # import, export, connect, disconnect
    company = pw.ForeignKeyField(Company, null=True, on_delete="SET NULL")
    status = pw.TextField(default="queued")  # queued, running, done, failed
    started = pw.DateTimeField(null=True)
    finished = pw.DateTimeField(null=True)
    counts = pw.TextField(default="{}")  # JSON
    message = pw.TextField(default="")  # English, as the CLI prints it
    message_key = pw.TextField(null=True)  # the same said as a text key for the app's language; NULL = unkeyed
    message_params = pw.TextField(null=True)  # JSON: the key's params (numbers, strings, ISO dates)
    process = pw.TextField(default="")  # "host:pid" running it, to tell interrupted work

    class Meta:
        table_name = "activity_log"


class IntegrityCheck(BaseModel):
    fiscal_year = pw.ForeignKeyField(FiscalYear, backref="checks", on_delete="CASCADE")
    batch = pw.ForeignKeyField(ImportBatch, on_delete="CASCADE")
    check_id = pw.TextField()
    status = pw.TextField()  # ok, warning, error
    message = pw.TextField()
    details = pw.TextField(default="[]")  # JSON

    class Meta:
        table_name = "integrity_check"


class FortnoxSeries(BaseModel):
    """A Fortnox voucher series of one financial year, as of the last import; the export dialog offers the manual ones."""

    fiscal_year = pw.ForeignKeyField(FiscalYear, backref="fortnox_series", on_delete="CASCADE")
    code = pw.TextField()
    description = pw.TextField(default="")
    manual = pw.BooleanField(default=False)

    class Meta:
        table_name = "fortnox_series"


class ClosingEntry(BaseModel):
    """An adjustment the accountant makes at year end; it goes back to the books once (see core.closing)."""

    company = pw.ForeignKeyField(Company, backref="closing_entries", on_delete="CASCADE")
    fiscal_year = pw.ForeignKeyField(FiscalYear, backref="closing_entries", on_delete="CASCADE")
    date = pw.DateField()
    text = pw.TextField()
    status = pw.TextField(default="not_exported")  # not_exported, exported, not_applicable, failed
    marker = pw.TextField(unique=True)  # goes into the Fortnox voucher's Comments: finds it again after a lost answer
    deleted = pw.BooleanField(default=False)  # soft delete: hidden, restorable
    reverses = pw.ForeignKeyField("self", null=True, backref="reversals", on_delete="SET NULL")
    template = pw.TextField(default="")  # the template it was made from, if any
    created = pw.DateTimeField(default=utc_now)
    updated = pw.DateTimeField(default=utc_now)
    exported_to = pw.TextField(null=True)  # "fortnox" or "sie-file"
    exported_at = pw.DateTimeField(null=True)
    fortnox_series = pw.TextField(null=True)
    fortnox_number = pw.IntegerField(null=True)
    fortnox_year = pw.IntegerField(null=True)  # Fortnox's financial year Id
    sie_file = pw.TextField(null=True)
    failure = pw.TextField(default="")  # why the last export failed, in the user's words
    booked = pw.BooleanField(default=False)  # a later import brought it back: the books hold it, do not add it again

    class Meta:
        table_name = "closing_entry"


class ClosingRow(BaseModel):
    entry = pw.ForeignKeyField(ClosingEntry, backref="rows", on_delete="CASCADE")
    position = pw.IntegerField()
    account = pw.TextField()
    amount = OreField()  # debit positive, credit negative, as in SIE
    cost_center = pw.TextField(null=True)
    project = pw.TextField(null=True)
    text = pw.TextField(default="")

    class Meta:
        table_name = "closing_row"


class ExportAttempt(BaseModel):
    """The export ledger: written (and committed) before each POST, so an unknown outcome is never resent blindly."""

    entry = pw.ForeignKeyField(ClosingEntry, backref="attempts", on_delete="CASCADE")
    target = pw.TextField()  # "fortnox" or "sie-file"
    series = pw.TextField(default="")
    fortnox_year = pw.IntegerField(null=True)
    state = pw.TextField()  # intent, posted, failed, found (resolved by reading Fortnox), absent (resolved: not there)
    process = pw.TextField(default="")  # "host:pid" that wrote the intent
    started = pw.DateTimeField(default=utc_now)
    finished = pw.DateTimeField(null=True)
    voucher_number = pw.IntegerField(null=True)
    message = pw.TextField(default="")
    # A lower bound of the number Fortnox gives the voucher, known before the POST: where to read single vouchers
    # when a series list lacks Comments. NULL in attempts made before it was kept.
    next_voucher_number = pw.IntegerField(null=True)
    sent = pw.DateTimeField(null=True)  # when the POST last left: an unanswered one's grace counts from here

    class Meta:
        table_name = "export_attempt"


class ClosingRate(BaseModel):
    """A rate the templates use (tax, periodiseringsfond, depreciation), per fiscal year: the law changes them."""

    fiscal_year = pw.ForeignKeyField(FiscalYear, backref="closing_rates", on_delete="CASCADE")
    name = pw.TextField()
    value = pw.TextField()  # decimal text, percent

    class Meta:
        table_name = "closing_rate"


class CheckResult(BaseModel):
    """One check's outcome for a year ("" period) or a period ("YYYYMM" / "YYYYQn" / "year-end")."""

    fiscal_year = pw.ForeignKeyField(FiscalYear, backref="check_results", on_delete="CASCADE")
    period = pw.TextField(default="")
    check_id = pw.TextField()
    status = pw.TextField()  # red (found something), orange (could not run), green (nothing found), done (by the user)
    message = pw.TextField(default="")
    details = pw.TextField(default="[]")  # JSON: the rows behind a red result
    data_hash = pw.TextField(default="")  # of the data the result was computed from: a change clears "done"
    computed = pw.DateTimeField(default=utc_now)
    stale = pw.BooleanField(default=False)  # an import or a closing entry changed since; re-run on request
    done_by = pw.TextField(null=True)
    done_at = pw.DateTimeField(null=True)

    class Meta:
        table_name = "check_result"


class CheckSetting(BaseModel):
    """A built-in check switched off, or a user's own check of a parameterised kind."""

    company = pw.ForeignKeyField(Company, backref="check_settings", on_delete="CASCADE")
    check_id = pw.TextField()
    kind = pw.TextField(default="builtin")  # builtin, amount-threshold, transaction-count, empty-accounts
    name = pw.TextField(default="")
    params = pw.TextField(default="{}")  # JSON
    enabled = pw.BooleanField(default=True)

    class Meta:
        table_name = "check_setting"


class Period(BaseModel):
    """A period of a fiscal year for period closing; the year-end period comes after the last month."""

    fiscal_year = pw.ForeignKeyField(FiscalYear, backref="periods", on_delete="CASCADE")
    position = pw.IntegerField()
    key = pw.TextField()  # "YYYYMM", "YYYYQn" or "year-end"
    start = pw.DateField()
    end = pw.DateField()
    locked = pw.BooleanField(default=False)
    unlocked = pw.BooleanField(default=False)  # temporarily unlocked: the next period waits
    changed_by = pw.TextField(null=True)
    changed_at = pw.DateTimeField(null=True)


ALL_MODELS: tuple[type[BaseModel], ...] = (
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
    FortnoxSeries,
    ClosingEntry,
    ClosingRow,
    ExportAttempt,
    ClosingRate,
    CheckResult,
    CheckSetting,
    Period,
)


class TaxInput(BaseModel):
    """The accountant's amount for one line of a year's tax computation (core.tax): an INK2S field or a planning
    choice; it overrides what the books or the registers give, until reset (the row is deleted)."""

    fiscal_year = pw.ForeignKeyField(FiscalYear, backref="tax_inputs", on_delete="CASCADE")
    field = pw.TextField()  # "4.3b", "4.14a", ... or a planning key such as "allocation" (core.tax.sheet.INPUT_KEYS)
    amount = OreField()  # whole kronor
    changed_by = pw.TextField(default="")
    changed_at = pw.DateTimeField(default=utc_now)

    class Meta:
        table_name = "tax_input"


class SavedTaxSheet(BaseModel):
    """A year's tax computation as the accountant saved it: next year's loss carried forward reads it, and it is
    stale when the fingerprint of what it was computed from no longer matches."""

    fiscal_year = pw.ForeignKeyField(FiscalYear, backref="tax_sheets", on_delete="CASCADE", unique=True)
    fingerprint = pw.TextField()
    fields = pw.TextField()  # JSON: INK2S field number -> whole kronor
    saved_by = pw.TextField(default="")
    saved_at = pw.DateTimeField(default=utc_now)

    class Meta:
        table_name = "tax_sheet"


class TaxAsset(BaseModel):
    """An inventarie (or a batch acquired together) in the register behind räkenskapsenlig avskrivning."""

    company = pw.ForeignKeyField(Company, backref="tax_assets", on_delete="CASCADE")
    description = pw.TextField(default="")
    acquired = pw.DateField()
    cost = OreField()
    disposed = pw.DateField(null=True)
    proceeds = OreField(null=True)  # sale price or insurance compensation when disposed

    class Meta:
        table_name = "tax_asset"


ALL_MODELS = (*ALL_MODELS, TaxInput, SavedTaxSheet, TaxAsset)


class ClosingHistory(BaseModel):
    """Every change of a closing entry, with who and when: the behandlingshistorik BFL asks for (core.closing.history).
    Written in the same transaction as the change it records."""

    entry = pw.ForeignKeyField(ClosingEntry, backref="history", on_delete="CASCADE")
    action = pw.TextField()  # core.closing.history.ACTIONS
    status = pw.TextField()  # the entry's status after the change
    deleted = pw.BooleanField()  # and whether it was deleted after it
    changed_by = pw.TextField()
    changed_at = pw.DateTimeField(default=utc_now)
    details = pw.TextField(default="{}")  # JSON: what the change was (the content before an edit, where it went, ...)

    class Meta:
        table_name = "closing_history"


ALL_MODELS = (*ALL_MODELS, ClosingHistory)


class Reconciliation(BaseModel):
    """One balance account ("1930") or account group ("15xx") in one period (core.periods key): its status and
    sign-offs; the balance and specification it was signed against tell when the books changed under it."""

    fiscal_year = pw.ForeignKeyField(FiscalYear, backref="reconciliations", on_delete="CASCADE")
    period = pw.TextField()  # "YYYYMM", "YYYYQn" or "year-end"
    scope = pw.TextField()  # an account number, or a group as digits and "x": "15xx"
    status = pw.TextField(default="not_started")  # core.reconcile.STATUSES
    prepared_by = pw.TextField(null=True)
    prepared_at = pw.DateTimeField(null=True)
    approved_by = pw.TextField(null=True)
    approved_at = pw.DateTimeField(null=True)
    signed_balance = OreField(null=True)  # the books' balance when it was marked reconciled
    signed_hash = pw.TextField(default="")  # of the balance and the specification when it was marked reconciled
    offset_account = pw.TextField(null=True)  # chosen for the last difference booked: suggested next time
    entry = pw.ForeignKeyField(ClosingEntry, null=True, on_delete="SET NULL")  # the difference's closing entry


class ReconciliationLine(BaseModel):
    reconciliation = pw.ForeignKeyField(Reconciliation, backref="lines", on_delete="CASCADE")
    position = pw.IntegerField()
    reference = pw.TextField(default="")  # the document: a bank statement, a ledger list, ...
    date = pw.DateField(null=True)
    amount = OreField()  # debit positive, as the account's balance
    comment = pw.TextField(default="")
    carry = pw.BooleanField(default=True)  # copied with its amount into the next period (reconciliation.md §1.8)

    class Meta:
        table_name = "reconciliation_line"


class ReconciliationFile(BaseModel):
    reconciliation = pw.ForeignKeyField(Reconciliation, backref="files", on_delete="CASCADE")
    name = pw.TextField()
    size = pw.IntegerField()
    sha256 = pw.TextField()
    content = pw.BlobField()
    added_by = pw.TextField()
    added_at = pw.DateTimeField(default=utc_now)

    class Meta:
        table_name = "reconciliation_file"


class ReconciliationNote(BaseModel):
    """A comment on an account or group in a period: balance accounts and result accounts (the analysis) alike."""

    fiscal_year = pw.ForeignKeyField(FiscalYear, on_delete="CASCADE")
    period = pw.TextField()
    scope = pw.TextField()
    author = pw.TextField()
    written = pw.DateTimeField(default=utc_now)
    text = pw.TextField()

    class Meta:
        table_name = "reconciliation_note"


class ReconciliationEvent(BaseModel):
    """The trail: sign-offs, approvals, entries made from differences, and unlocks with who and why."""

    fiscal_year = pw.ForeignKeyField(FiscalYear, on_delete="CASCADE")
    period = pw.TextField()
    scope = pw.TextField(default="")  # "" for an event of the whole period (an unlock)
    action = pw.TextField()
    actor = pw.TextField()
    happened = pw.DateTimeField(default=utc_now)
    details = pw.TextField(default="{}")  # JSON

    class Meta:
        table_name = "reconciliation_event"


class VatReported(BaseModel):
    """What the filed VAT return said in one box for one VAT period, as the accountant entered it (whole kronor)."""

    fiscal_year = pw.ForeignKeyField(FiscalYear, on_delete="CASCADE")
    period = pw.TextField()  # the VAT period's key: "YYYYMM", "YYYYQn" or "YYYY" for a VAT year
    box = pw.TextField()  # "05", "10", "48", "49", ...
    amount = OreField()
    changed_by = pw.TextField()
    changed_at = pw.DateTimeField(default=utc_now)

    class Meta:
        table_name = "vat_reported"


class AccountDaySum(BaseModel):
    """A year's transactions (#TRANS) summed per account and voucher date, written by the import that loads the
    year (the only writer of vouchers), so reconciliation reads a few thousand sums instead of joining every row to
    its voucher's date (bench/README: 0.6–1.8 s on a 1.7 M-row year)."""

    fiscal_year = pw.ForeignKeyField(FiscalYear, on_delete="CASCADE", index=False)
    account = pw.TextField()
    date = pw.DateField()
    amount = pw.BigIntegerField()  # öre

    class Meta:
        table_name = "account_day_sum"


ALL_MODELS = (
    *ALL_MODELS,
    Reconciliation,
    ReconciliationLine,
    ReconciliationFile,
    ReconciliationNote,
    ReconciliationEvent,
    VatReported,
    AccountDaySum,
)
