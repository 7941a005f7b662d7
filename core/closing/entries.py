"""Closing entries: the accountant's year-end adjustments, kept in the store until they go back to the books.

An entry is validated against what Fortnox (and a SIE import) would accept before it is saved, so an
export finds nothing new to complain about. Once exported it is frozen: corrections are new entries
(`reverse_entry`), as vouchers in the books are immutable.
"""

from __future__ import annotations

import datetime as dt
import difflib
import secrets
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

import peewee as pw

from core.checks import mark_stale
from core.closing import history
from core.closing.texts import DESCRIPTION_MAX, ROW_TEXT_MAX, text_problem
from core.errors import BokslutError
from core.money import format_amount
from core.periods import in_year_end_period, locked_problem
from core.store.locks import exclusive, year_closing
from core.store.models import (
    Account,
    ClosingEntry,
    ClosingRow,
    Company,
    DimensionObject,
    ExportAttempt,
    FiscalYear,
    utc_now,
)

STATUSES = ("not_exported", "exported", "not_applicable", "failed")
EXPORTABLE = ("not_exported", "failed")  # what an export sends; a failed entry is tried again


COST_CENTRE_DIMENSION = "1"
PROJECT_DIMENSION = "6"
REVERSAL_PREFIX = "Återföring: "
CUT_MARK = "..."  # ends a reversal's text cut to DESCRIPTION_MAX (plain dots: Fortnox's text rules allow them)
AMOUNT_LIMIT = Decimal(10) ** 12  # far above any closing entry, and below where öre overflow SQLite's integers


@dataclass(frozen=True)
class RowDraft:
    account: str
    debit: Decimal
    credit: Decimal
    cost_center: str | None = None
    project: str | None = None
    text: str = ""


@dataclass(frozen=True)
class EntryDraft:
    date: dt.date | None  # None: the fiscal year's last day
    text: str
    rows: tuple[RowDraft, ...]


@dataclass(frozen=True)
class Problem:
    field: str  # "date", "text", "rows", "rows[2].account" (rows counted from 1, as the user sees them)
    message: str  # English
    key: str = ""  # names the message for an interface in another language; "" when only `message` says it
    params: dict = field(default_factory=dict, compare=False)

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ClosingEntryInvalid(BokslutError):
    """Every problem of one entry at once, so the user fixes them in one go rather than one per attempt."""

    key = "closing_invalid"

    def __init__(self, subject: str, problems: list[Problem]) -> None:
        self.subject = subject
        self.problems = problems
        english = f"{subject} is not valid:\n" + "\n".join(f"  {problem}" for problem in problems)
        super().__init__(english, params={"subject": subject, "problems": problems})


# --- reading the CLI's JSON shape ------------------------------------------------------------


def _amount(value: object, field: str, problems: list[Problem]) -> Decimal:
    """Amounts come as JSON strings or numbers (parsed as Decimal by the caller); floats are refused, never rounded."""
    if value is None or value == "":
        return Decimal(0)
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        problems.append(Problem(field, f"{value!r} is not an amount; give it as a number or text like \"1234.50\""))
        return Decimal(0)
    try:
        amount = Decimal(value.strip().replace(" ", "").replace(",", ".")) if isinstance(value, str) else Decimal(value)
    except InvalidOperation:
        problems.append(Problem(field, f"{value!r} is not an amount; give it like \"1234.50\""))
        return Decimal(0)
    if not amount.is_finite():
        problems.append(Problem(field, f"{value!r} is not an amount; give it like \"1234.50\""))
        return Decimal(0)
    return amount


def _code(value: object, field: str, problems: list[Problem]) -> str | None:
    """Account numbers and object codes are text ("0015" != "15"); a JSON integer is taken as its digits."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        problems.append(Problem(field, f"{value!r} is not a code; give it as text"))
        return None
    return str(value).strip() or None


def _text(value: object, field: str, problems: list[Problem]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.append(Problem(field, f"{value!r} is not text"))
        return ""
    return value


def parse_entry(document: object, source: str = "") -> EntryDraft:
    """An entry from `{"date", "text", "rows": [{"account", "debit", "credit", "cost_center", "project", "text"}]}`."""
    subject = f"the closing entry in {source}" if source else "the closing entry"
    if not isinstance(document, dict):
        raise ClosingEntryInvalid(subject, [Problem("entry", "expected a JSON object with date, text and rows")])
    problems: list[Problem] = []
    unknown = sorted(set(document) - {"date", "text", "rows"})
    if unknown:
        problems.append(Problem("entry", f"unknown {'field' if len(unknown) == 1 else 'fields'} {', '.join(unknown)}; expected date, text and rows"))
    date = None
    raw_date = document.get("date")
    if raw_date not in (None, ""):
        try:
            date = dt.date.fromisoformat(raw_date) if isinstance(raw_date, str) else None
        except ValueError:
            pass
        if date is None:
            problems.append(Problem("date", f"{raw_date!r} is not a date; give it as YYYY-MM-DD or leave it out"))
    text = _text(document.get("text"), "text", problems)
    raw_rows = document.get("rows")
    rows: list[RowDraft] = []
    if not isinstance(raw_rows, list):
        problems.append(Problem("rows", "expected a list of rows"))
        raw_rows = []
    for number, raw in enumerate(raw_rows, start=1):
        where = f"rows[{number}]"
        if not isinstance(raw, dict):
            problems.append(Problem(where, "expected an object with account, debit or credit"))
            continue
        unknown = sorted(set(raw) - {"account", "debit", "credit", "cost_center", "project", "text"})
        if unknown:
            problems.append(Problem(where, f"unknown {'field' if len(unknown) == 1 else 'fields'} {', '.join(unknown)}"))
        rows.append(
            RowDraft(
                account=_code(raw.get("account"), f"{where}.account", problems) or "",
                debit=_amount(raw.get("debit"), f"{where}.debit", problems),
                credit=_amount(raw.get("credit"), f"{where}.credit", problems),
                cost_center=_code(raw.get("cost_center"), f"{where}.cost_center", problems),
                project=_code(raw.get("project"), f"{where}.project", problems),
                text=_text(raw.get("text"), f"{where}.text", problems),
            )
        )
    if problems:
        raise ClosingEntryInvalid(subject, problems)
    return EntryDraft(date=date, text=text, rows=tuple(rows))


# --- validation ------------------------------------------------------------------------------


def _account_problem(account: str, chart: dict[str, str], where: str) -> Problem | None:
    if not account:
        return Problem(where, "give an account number", "no_account")
    if not (len(account) == 4 and account.isdigit() and account[0] != "0"):
        message = f"{account!r} is not an account number; Fortnox accounts are four digits, 1000-9999"
        return Problem(where, message, "not_account", {"account": account})
    if account in chart:
        return None
    nearby = [number for number in chart if number[:3] == account[:3]] or difflib.get_close_matches(account, chart, 3)
    suggestions = ", ".join(f"{n} {chart[n]}".strip() for n in sorted(nearby)[:3])
    hint = f"; did you mean {suggestions}?" if nearby else ""
    message = f"account {account} is not in the company's chart{hint}"
    return Problem(where, message, "unknown_account", {"account": account, "suggestions": suggestions})


def _row_amount_problems(row: RowDraft, where: str) -> list[Problem]:
    problems = []
    for side, amount in (("debit", row.debit), ("credit", row.credit)):
        if not amount.is_finite():
            problems.append(Problem(f"{where}.{side}", f"{amount} is not an amount"))
        elif amount < 0:
            message = f"{amount} is negative; put it on the other side"
            problems.append(Problem(f"{where}.{side}", message, "negative", {"amount": amount}))
        elif amount >= AMOUNT_LIMIT:
            message = f"{amount} is too large; stay below {AMOUNT_LIMIT:,}"
            problems.append(Problem(f"{where}.{side}", message, "too_large", {"amount": amount, "limit": AMOUNT_LIMIT}))
        elif amount != amount.quantize(Decimal("0.01")):
            message = f"{amount} has more than two decimals; give whole öre"
            problems.append(Problem(f"{where}.{side}", message, "decimals", {"amount": amount}))
    if not problems:
        if row.debit > 0 and row.credit > 0:
            problems.append(Problem(where, "give either a debit or a credit, not both", "both_sides"))
        elif row.debit == 0 and row.credit == 0:
            problems.append(Problem(where, "the row has no amount; give a debit or a credit", "no_amount"))
    return problems


def _line_problem(field: str, value: str, max_length: int) -> Problem | None:
    """Fortnox takes newlines, but a SIE file's texts are one line each, and an entry goes to either."""
    if "\n" in value or "\r" in value:
        return Problem(field, "has a line break; keep it to one line", "line_break")
    if refused := text_problem(value, max_length):
        return Problem(field, *refused)
    return None


def validate(db: pw.Database, fiscal_year: FiscalYear, draft: EntryDraft, saving: bool = True) -> list[Problem]:
    """Everything wrong with the draft, per field; an empty list means it can be saved and exported. An export
    checks a saved entry again without `saving`: a period locked since the entry was saved holds it among its
    frozen figures, and the lock stops changes to it, not its transfer to the books (domain.md §1.6)."""
    problems: list[Problem] = []
    if draft.date is not None and not fiscal_year.start <= draft.date <= fiscal_year.end:
        message = f"{draft.date} is outside the fiscal year {fiscal_year.start}..{fiscal_year.end}"
        params = {"date": draft.date, "start": fiscal_year.start, "end": fiscal_year.end}
        problems.append(Problem("date", message, "outside_year", params))
    if saving and (locked := locked_problem(db, fiscal_year, draft.date or fiscal_year.end)):
        key, message, params = locked
        problems.append(Problem("date", message, key, params))
    if not draft.text.strip():
        problems.append(Problem("text", "the entry needs a text; Fortnox requires a description", "no_text"))
    elif problem := _line_problem("text", draft.text, DESCRIPTION_MAX):
        problems.append(problem)
    if len(draft.rows) < 2:
        message = f"an entry needs at least two rows; it has {len(draft.rows)}"
        problems.append(Problem("rows", message, "too_few_rows", {"count": len(draft.rows)}))
    company_id = fiscal_year.company_id
    chart = dict(Account.select(Account.number, Account.name).where(Account.company == company_id).tuples())
    objects = set(
        DimensionObject.select(DimensionObject.dimension, DimensionObject.number)
        .where(DimensionObject.company == company_id)
        .tuples()
    )
    amounts_valid = True
    for number, row in enumerate(draft.rows, start=1):
        where = f"rows[{number}]"
        if problem := _account_problem(row.account, chart, f"{where}.account"):
            problems.append(problem)
        amount_problems = _row_amount_problems(row, where)
        amounts_valid = amounts_valid and not amount_problems
        problems.extend(amount_problems)
        for name, dimension, what in (
            ("cost_center", COST_CENTRE_DIMENSION, "cost centre"),
            ("project", PROJECT_DIMENSION, "project"),
        ):
            code = getattr(row, name)
            if code is not None and (dimension, code) not in objects:
                message = f"{what} {code} does not exist in the company"
                problems.append(Problem(f"{where}.{name}", message, f"no_{name}", {"code": code}))
        if problem := _line_problem(f"{where}.text", row.text, ROW_TEXT_MAX):
            problems.append(problem)
    if amounts_valid and len(draft.rows) >= 2:
        debit = sum((row.debit for row in draft.rows), Decimal(0))
        credit = sum((row.credit for row in draft.rows), Decimal(0))
        if debit != credit:
            message = (
                f"not balanced: debit {format_amount(debit)}, credit {format_amount(credit)}, "
                f"a difference of {format_amount(abs(debit - credit))}"
            )
            params = {"debit": debit, "credit": credit, "difference": abs(debit - credit)}
            problems.append(Problem("rows", message, "unbalanced", params))
        elif not any(_net_per_place(draft).values()):
            message = ("changes no balance: each account (with its cost centre and project) is debited as much as it "
                       "is credited; give the accounts the entry moves the amount between")
            problems.append(Problem("rows", message, "changes_nothing"))
    return problems


def _net_per_place(draft: EntryDraft) -> dict[tuple, Decimal]:
    """What the entry moves per account, cost centre and project: moving an amount between two cost centres of one
    account changes something; 6110 against 6110 does not."""
    net: dict[tuple, Decimal] = defaultdict(Decimal)
    for row in draft.rows:
        net[(row.account, row.cost_center, row.project)] += row.debit - row.credit
    return net


# --- saving and changing entries --------------------------------------------------------------


def _subject(entry: ClosingEntry | None, draft: EntryDraft | None = None) -> str:
    if entry is not None:
        return f"closing entry {entry.id} ({entry.text!r})"
    return f"the closing entry {draft.text!r}" if draft and draft.text else "the closing entry"


def _checked(db: pw.Database, fiscal_year: FiscalYear, draft: EntryDraft, entry: ClosingEntry | None) -> None:
    problems = validate(db, fiscal_year, draft)
    if problems:
        raise ClosingEntryInvalid(_subject(entry, draft), problems)


def _save_rows(entry: ClosingEntry, draft: EntryDraft) -> None:
    ClosingRow.delete().where(ClosingRow.entry == entry.id).execute()
    ClosingRow.insert_many(
        [
            {
                "entry": entry.id,
                "position": position,
                "account": row.account,
                "amount": row.debit - row.credit,
                "cost_center": row.cost_center,
                "project": row.project,
                "text": row.text,
            }
            for position, row in enumerate(draft.rows, start=1)
        ]
    ).execute()


def create_entry(
    db: pw.Database,
    company: Company,
    fiscal_year: FiscalYear,
    draft: EntryDraft,
    *,
    template: str = "",
    reverses: ClosingEntry | None = None,
) -> ClosingEntry:
    if fiscal_year.company_id != company.id:
        raise BokslutError(f"fiscal year {fiscal_year.start}..{fiscal_year.end} is not {company.name}'s")
    with exclusive(db, *year_closing(fiscal_year.id)):
        _checked(db, fiscal_year, draft, None)
        entry = ClosingEntry.create(
            company=company.id,
            fiscal_year=fiscal_year.id,
            date=draft.date or fiscal_year.end,
            text=draft.text,
            marker="bokslut:" + secrets.token_hex(8),
            template=template,
            reverses=reverses.id if reverses is not None else None,
        )
        _save_rows(entry, draft)
        history.record(entry.id, "created", template=template, reverses=reverses.id if reverses is not None else None)
        mark_stale(db, fiscal_year.id)
    return entry


def _unresolved_export(entry: ClosingEntry) -> bool:
    """An export whose answer never came: the voucher may be in Fortnox with these very rows."""
    return ExportAttempt.select().where(ExportAttempt.entry == entry.id, ExportAttempt.state == "intent").exists()


def _refuse_if_frozen(entry: ClosingEntry, action: str) -> None:
    if entry.status == "exported":
        where = _exported_where(entry)
        raise BokslutError(
            f"closing entry {entry.id} was exported{where} and can no longer be {action}; "
            f"reverse it with a new entry instead (bokslut closing reverse {entry.id})"
        )
    if _unresolved_export(entry):
        raise BokslutError(
            f"closing entry {entry.id} has an export whose outcome is not yet known; "
            "run the export again to settle it before the entry is changed"
        )


def _refuse_if_locked(db: pw.Database, entry: ClosingEntry, action: str) -> None:
    """An entry dated in a locked period is part of its frozen figures (reconciliation.md §1.9): editing, deleting or
    restoring it would change them, as creating one there would (and in a paused period, as entries.validate).
    Called under the year's closing lock, which locking a period takes too, so no lock slips in between."""
    if locked := locked_problem(db, entry.fiscal_year, entry.date):
        key, message, params = locked
        raise BokslutError(
            f"closing entry {entry.id} cannot be {action}: {message}",
            key=f"closing_entry_in_{key}",
            params={**params, "entry": entry.id, "action": action},
        )


def _exported_where(entry: ClosingEntry) -> str:
    if entry.fortnox_number is not None:
        return f" to Fortnox as {entry.fortnox_series} {entry.fortnox_number}"
    if entry.sie_file:
        return f" to {entry.sie_file}"
    return ""


def _refresh(entry: ClosingEntry) -> ClosingEntry:
    return ClosingEntry.get_by_id(entry.id)


def _guarded_update(
    db: pw.Database, entry: ClosingEntry, action: str, change: tuple[str, dict], **values
) -> None:
    """Conditional on the status in the store, not the object in hand: an export may run in another process. Under
    the year's closing lock, so an export cannot claim the entry half-way through the change. `change` is the
    history line (action, details) written with it."""
    with exclusive(db, *year_closing(entry.fiscal_year_id)):
        updated = (
            ClosingEntry.update(updated=utc_now(), **values)
            .where(
                ClosingEntry.id == entry.id,
                ClosingEntry.status != "exported",
                ClosingEntry.id.not_in(
                    ExportAttempt.select(ExportAttempt.entry).where(ExportAttempt.state == "intent")
                ),
            )
            .execute()
        )
        if updated:
            history.record(entry.id, change[0], **change[1])
    if not updated:
        _refuse_if_frozen(_refresh(entry), action)


def update_entry(db: pw.Database, entry: ClosingEntry, draft: EntryDraft) -> ClosingEntry:
    """A failed entry goes back to not exported: the user has changed what failed."""
    entry = _refresh(entry)
    _refuse_if_frozen(entry, "edited")
    if entry.deleted:
        raise BokslutError(f"closing entry {entry.id} is deleted; restore it first: bokslut closing restore {entry.id}")
    status = "not_exported" if entry.status == "failed" else entry.status
    failure = "" if entry.status == "failed" else entry.failure
    with exclusive(db, *year_closing(entry.fiscal_year_id)):  # the lock a period's locking takes too
        _refuse_if_locked(db, entry, "edited")
        _checked(db, entry.fiscal_year, draft, entry)
        date = draft.date or entry.fiscal_year.end
        if status == "not_applicable" and not in_year_end_period(entry.fiscal_year, date):
            raise ClosingEntryInvalid(_subject(entry), [_not_applicable_problem(entry.fiscal_year, date)])
        before = draft_json(draft_of(entry))
        change = ("edited", {"before": before, **({"was": "failed"} if entry.status == "failed" else {})})
        _guarded_update(db, entry, "edited", change, date=date, text=draft.text, status=status, failure=failure)
        _save_rows(entry, draft)
        mark_stale(db, entry.fiscal_year_id)
    return _refresh(entry)


def delete_entry(db: pw.Database, entry: ClosingEntry) -> ClosingEntry:
    """Soft: the entry is hidden from lists and balances, and can be restored."""
    _refuse_if_frozen(_refresh(entry), "deleted")
    with exclusive(db, *year_closing(entry.fiscal_year_id)):
        _refuse_if_locked(db, _refresh(entry), "deleted")
        _guarded_update(db, entry, "deleted", ("deleted", {}), deleted=True)
        mark_stale(db, entry.fiscal_year_id)
    return _refresh(entry)


def restore_entry(db: pw.Database, entry: ClosingEntry) -> ClosingEntry:
    with exclusive(db, *year_closing(entry.fiscal_year_id)):
        _refuse_if_locked(db, _refresh(entry), "restored")
        restored = (
            ClosingEntry.update(deleted=False, updated=utc_now())
            .where(ClosingEntry.id == entry.id, ClosingEntry.deleted == True)  # noqa: E712 (peewee expression)
            .execute()
        )
        if restored:
            history.record(entry.id, "restored")
        mark_stale(db, entry.fiscal_year_id)
    return _refresh(entry)


def reverse_entry(db: pw.Database, entry: ClosingEntry) -> ClosingEntry:
    """A new entry with every row on the other side; how an exported entry is corrected. The reversal of an entry
    not applicable for transfer is not applicable either (domain.md §1.6: such an entry lives only here)."""
    entry = _refresh(entry)
    if entry.deleted:
        raise BokslutError(f"closing entry {entry.id} is deleted; there is nothing to reverse")
    existing = (
        ClosingEntry.select()
        .where(ClosingEntry.reverses == entry.id, ClosingEntry.deleted == False)  # noqa: E712 (peewee expression)
        .first()
    )
    if existing is not None:
        raise BokslutError(f"closing entry {entry.id} is already reversed by entry {existing.id}")
    original = draft_of(entry)
    rows = tuple(replace(row, debit=row.credit, credit=row.debit) for row in original.rows)
    text = REVERSAL_PREFIX + entry.text
    if len(text) > DESCRIPTION_MAX:  # cut where Fortnox's limit says, and visibly so
        text = text[: DESCRIPTION_MAX - len(CUT_MARK)] + CUT_MARK
    draft = EntryDraft(date=entry.date, text=text, rows=rows)
    fiscal_year = entry.fiscal_year
    with exclusive(db, *year_closing(fiscal_year.id)):
        reversal = create_entry(db, fiscal_year.company, fiscal_year, draft, reverses=entry)
        history.record(entry.id, "reversed", by=reversal.id)
        if entry.status == "not_applicable":  # it undoes what only bokslut counted: the books get neither
            _guarded_update(db, reversal, "marked", ("not_applicable", {}), status="not_applicable")
    return _refresh(reversal)


def set_not_applicable(db: pw.Database, entry: ClosingEntry, value: bool) -> ClosingEntry:
    """Not applicable for transfer: it counts in the final balances here but is never exported. Only a year-end
    entry (dated in the year-end period) may be: what the books' months hold must go back to the books."""
    entry = _refresh(entry)
    _refuse_if_frozen(entry, "marked" if value else "unmarked")
    if value and not in_year_end_period(entry.fiscal_year, entry.date):
        problem = _not_applicable_problem(entry.fiscal_year, entry.date)
        raise BokslutError(f"closing entry {entry.id}: {problem.message}", key=problem.key,
                           params={"entry": entry.id, **problem.params})
    status = "not_applicable" if value else "not_exported"
    if status == entry.status:
        return entry
    change = ("not_applicable" if value else "exportable", {})
    _guarded_update(db, entry, "marked", change, status=status)
    return _refresh(entry)


def _not_applicable_problem(fiscal_year: FiscalYear, date: dt.date) -> Problem:
    message = (
        f"only an entry in the year-end period ({fiscal_year.end}) can be not applicable for transfer; "
        f"this one is dated {date}"
    )
    return Problem("date", message, "not_applicable_outside_year_end", {"date": date, "year_end": fiscal_year.end})


# --- reading ---------------------------------------------------------------------------------


def get_entry(db: pw.Database, entry_id: int) -> ClosingEntry:
    entry = ClosingEntry.get_or_none(ClosingEntry.id == entry_id)
    if entry is None:
        raise BokslutError(f"there is no closing entry {entry_id}; list them with bokslut closing list")
    return entry


def list_entries(
    db: pw.Database, fiscal_year: FiscalYear, *, include_deleted: bool = False
) -> list[ClosingEntry]:
    query = ClosingEntry.select().where(ClosingEntry.fiscal_year == fiscal_year.id)
    if not include_deleted:
        query = query.where(ClosingEntry.deleted == False)  # noqa: E712 (peewee expression)
    return list(query.order_by(ClosingEntry.date, ClosingEntry.id))


def rows_of(entry: ClosingEntry) -> list[ClosingRow]:
    return list(ClosingRow.select().where(ClosingRow.entry == entry.id).order_by(ClosingRow.position))


def entry_json(entry: ClosingEntry) -> dict:
    """The shape of `bokslut closing list --json` and `show --json`: amounts as decimal strings per side."""
    zero = Decimal(0)
    return {
        "id": entry.id,
        "date": entry.date.isoformat(),
        "text": entry.text,
        "status": entry.status,
        "deleted": entry.deleted,
        "booked": entry.booked,
        "marker": entry.marker,
        "template": entry.template,
        "reverses": entry.reverses_id,
        "rows": [
            {
                "account": row.account,
                "debit": format_amount(max(row.amount, zero)),
                "credit": format_amount(max(-row.amount, zero)),
                "cost_center": row.cost_center,
                "project": row.project,
                "text": row.text,
            }
            for row in rows_of(entry)
        ],
        "fortnox": (
            {"series": entry.fortnox_series, "number": entry.fortnox_number, "year": entry.fortnox_year}
            if entry.fortnox_number is not None
            else None
        ),
        "sie_file": entry.sie_file,
        "failure": entry.failure,
    }


def closing_movements(db: pw.Database, fiscal_year_id: int) -> dict[str, int]:
    """Σ öre per account of the entries the final balances add: not deleted, and not already in the imported books."""
    cursor = db.execute_sql(
        "SELECT r.account, SUM(r.amount) FROM closing_row r JOIN closing_entry e ON e.id = r.entry_id "
        "WHERE e.fiscal_year_id = ? AND e.deleted = 0 AND e.booked = 0 GROUP BY r.account",
        (fiscal_year_id,),
    )
    return {account: amount for account, amount in cursor.fetchall() if amount}


def count_not_in_books(fiscal_year_id: int) -> int:
    """The entries closing_movements adds to the imported books: not deleted, not already booked there."""
    return ClosingEntry.select().where(ClosingEntry.fiscal_year == fiscal_year_id, ClosingEntry.deleted == False,  # noqa: E712
                                       ClosingEntry.booked == False).count()  # noqa: E712 (peewee expressions)


def draft_of(entry: ClosingEntry) -> EntryDraft:
    """An entry as a draft: what `closing edit` and templates hand around."""
    return EntryDraft(
        date=entry.date,
        text=entry.text,
        rows=tuple(
            RowDraft(
                account=row.account,
                debit=max(row.amount, Decimal(0)),
                credit=max(-row.amount, Decimal(0)),
                cost_center=row.cost_center,
                project=row.project,
                text=row.text,
            )
            for row in rows_of(entry)
        ),
    )


def draft_json(draft: EntryDraft) -> dict:
    """A draft in the `closing add --from-json` shape, for editing and feeding back."""
    return {
        "date": draft.date.isoformat() if draft.date else None,
        "text": draft.text,
        "rows": [
            {
                "account": row.account,
                "debit": format_amount(row.debit),
                "credit": format_amount(row.credit),
                "cost_center": row.cost_center,
                "project": row.project,
                "text": row.text,
            }
            for row in draft.rows
        ],
    }
