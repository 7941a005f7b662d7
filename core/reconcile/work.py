"""Balance reconciliations: one per balance account (or account group, "15xx") and period (reconciliation.md §1).

The balance is the final books' at the period's end (closing entries included); the specification is the
accountant's lines, or where there are none the books' own (core.reconcile.auto); the difference is the balance
less the specification. Statuses: not started, in progress (a line, file or comment exists), reconciled (the
preparer signs; the difference must be zero or explained in a comment) and approved (a second person signs).
A signed reconciliation is stale when the balance or the specification it was signed against has changed since:
read on every show, so an import needs no hook. A locked period's reconciliations are frozen.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass

import peewee as pw

from core import periods
from core.activity import current_user
from core.closing.entries import EntryDraft, RowDraft, create_entry
from core.errors import BokslutError
from core.integrity import BALANCE_CLASSES
from core.money import from_ore, to_ore
from core.reconcile import auto, rules
from core.reconcile.books import Balances, balances, in_scope, scope_balance
from core.store.locks import exclusive, year_closing
from core.store.models import (
    Account,
    ClosingEntry,
    Company,
    FiscalYear,
    Period,
    Reconciliation,
    ReconciliationEvent,
    ReconciliationFile,
    ReconciliationLine,
    ReconciliationNote,
    utc_now,
)

STATUSES = ("not_started", "in_progress", "reconciled", "approved")
SIGNED = ("reconciled", "approved")
_SCOPE = re.compile(r"([12][0-9]{0,3})([xX]*)")
REASON_MAX = 500


@dataclass
class Place:
    """What every operation starts from: the company, the year, the period and the year's final balances."""

    db: pw.Database
    company: Company
    fiscal_year: FiscalYear
    period: Period
    _balances: Balances | None = None

    @property
    def balances(self) -> Balances:
        if self._balances is None:
            self._balances = balances(self.db, self.company, self.fiscal_year)
        return self._balances

    @property
    def label(self) -> str:
        return periods.label(self.period)

    @property
    def year_end(self) -> bool:
        return self.period.key == periods.YEAR_END

    def figures(self) -> dict[str, int]:
        return self.balances.at(self.period.end, year_end=self.year_end)


def place(db: pw.Database, company: Company, fiscal_year: FiscalYear, period_text: str) -> Place:
    return Place(db, company, fiscal_year, periods.find_period(db, fiscal_year, period_text))


def parse_scope(text: str) -> str:
    """A balance account ("1930") or an account group as its leading digits and x ("15xx", "19xx")."""
    match = _SCOPE.fullmatch(text.strip())
    if not match or len(match[1]) + len(match[2]) != 4 or (match[2] and len(match[1]) < 1):
        raise BokslutError(
            f"{text.strip()!r} is not a balance account or account group; give a four-digit account of class 1 or "
            "2 such as 1930, or a group such as 15xx",
            key="reconcile_bad_scope",
            params={"scope": text.strip()},
        )
    return match[1] + "x" * len(match[2])


def _stored(here: Place, scope: str) -> Reconciliation | None:
    return Reconciliation.get_or_none(
        Reconciliation.fiscal_year == here.fiscal_year.id,
        Reconciliation.period == here.period.key,
        Reconciliation.scope == scope,
    )


def _ensure(here: Place, scope: str) -> Reconciliation:
    return _stored(here, scope) or Reconciliation.create(
        fiscal_year=here.fiscal_year.id, period=here.period.key, scope=scope
    )


def scope_accounts(here: Place, scope: str) -> list[tuple[str, str]]:
    """(number, name) of the chart's accounts in the scope and of any account with a balance in it."""
    names = dict(Account.select(Account.number, Account.name).where(Account.company == here.company.id).tuples())
    numbers = {n for n in names if in_scope(scope, n)} | {a for a in here.figures() if in_scope(scope, a)}
    return [(number, names.get(number, "")) for number in sorted(numbers)]


def known_scope(here: Place, scope: str) -> list[tuple[str, str]]:
    accounts = scope_accounts(here, scope)
    if not accounts:
        raise BokslutError(
            f"{here.company.name} has no account {scope} in its chart or books",
            key="reconcile_no_such_account",
            params={"scope": scope},
        )
    return accounts


def refuse_if_locked(here: Place) -> None:
    """Locked periods are reconciled and frozen (§1.9); unlocking one first records who and why."""
    fresh = Period.get_by_id(here.period.id)
    if fresh.locked:
        raise BokslutError(
            f"period {here.label} is locked, so its reconciliations are frozen; unlock it first with bokslut "
            f"reconcile unlock --year {here.fiscal_year.end.year} --period {here.label} --reason TEXT",
            key="reconcile_period_locked",
            params={"period": here.label, "year": here.fiscal_year.end.year},
        )


def _event(here: Place, scope: str, action: str, **details: object) -> None:
    ReconciliationEvent.create(
        fiscal_year=here.fiscal_year.id,
        period=here.period.key,
        scope=scope,
        action=action,
        actor=current_user(),
        details=json.dumps(details, default=str, ensure_ascii=False, sort_keys=True),
    )


def _lines(record: Reconciliation | None) -> list[ReconciliationLine]:
    if record is None:
        return []
    return list(ReconciliationLine.select().where(ReconciliationLine.reconciliation == record.id).order_by(
        ReconciliationLine.position))


def _files(record: Reconciliation | None) -> list[ReconciliationFile]:
    if record is None:
        return []
    return list(
        ReconciliationFile.select(
            ReconciliationFile.id, ReconciliationFile.name, ReconciliationFile.size, ReconciliationFile.sha256,
            ReconciliationFile.added_by, ReconciliationFile.added_at,
        ).where(ReconciliationFile.reconciliation == record.id).order_by(ReconciliationFile.id)
    )


def scope_notes(here: Place, scope: str) -> list[ReconciliationNote]:
    return list(ReconciliationNote.select().where(
        ReconciliationNote.fiscal_year == here.fiscal_year.id, ReconciliationNote.period == here.period.key,
        ReconciliationNote.scope == scope,
    ).order_by(ReconciliationNote.id))


def _automatic(here: Place, scope: str) -> auto.AutoSpec | None:
    if "x" in scope:
        return None
    return auto.specification(
        here.db, here.fiscal_year, scope, here.balances.opening.get(scope, 0),
        here.fiscal_year.end if here.year_end else here.period.end,
    )


def _fingerprint(balance: int, lines: list[ReconciliationLine], files: list[ReconciliationFile]) -> str:
    content = [balance, [[l.reference, str(l.date), to_ore(l.amount)] for l in lines], [f.sha256 for f in files]]
    return hashlib.sha256(json.dumps(content).encode()).hexdigest()


@dataclass
class State:
    """A reconciliation as read now: the figures in öre and the status with its staleness."""

    scope: str
    balance: int
    specified: int
    basis: str  # "manual", "automatic" or "none"
    status: str
    stale: bool
    record: Reconciliation | None
    lines: list[ReconciliationLine]
    files: list[ReconciliationFile]
    notes: list[ReconciliationNote]
    automatic: auto.AutoSpec | None  # with its lines; None from listed_states, which needs only its total

    @property
    def difference(self) -> int:
        return self.balance - self.specified

    @property
    def done(self) -> bool:
        return self.status in SIGNED and not self.stale


def state(here: Place, scope: str, with_auto: bool = True) -> State:
    record = _stored(here, scope)
    lines, files, notes = _lines(record), _files(record), scope_notes(here, scope)
    automatic = _automatic(here, scope) if with_auto else None
    proven = automatic.total if automatic is not None and automatic.proves else None
    return _assessed(scope, scope_balance(here.figures(), scope), record, lines, files, notes, proven, automatic)


def listed_states(here: Place) -> dict[str, State]:
    """Every listed scope's state (listed_scopes), read for the whole period at once: what the grid and the
    progress show. The books' own specification counts by its total (auto.Totals, read once for the year and
    shared by every period of the same Balances), so State.automatic is None here; `state` reads one scope with
    the specification's lines. The figures are those `state` gives."""
    scopes = listed_scopes(here)
    records = {r.scope: r for r in Reconciliation.select().where(
        Reconciliation.fiscal_year == here.fiscal_year.id, Reconciliation.period == here.period.key)}
    ids = [r.id for r in records.values()]
    lines: dict[int, list[ReconciliationLine]] = defaultdict(list)
    for line in ReconciliationLine.select().where(ReconciliationLine.reconciliation.in_(ids)).order_by(
            ReconciliationLine.position):
        lines[line.reconciliation_id].append(line)
    files: dict[int, list[ReconciliationFile]] = defaultdict(list)
    for found in ReconciliationFile.select(
        ReconciliationFile.id, ReconciliationFile.reconciliation, ReconciliationFile.name, ReconciliationFile.size,
        ReconciliationFile.sha256, ReconciliationFile.added_by, ReconciliationFile.added_at,
    ).where(ReconciliationFile.reconciliation.in_(ids)).order_by(ReconciliationFile.id):
        files[found.reconciliation_id].append(found)
    notes: dict[str, list[ReconciliationNote]] = defaultdict(list)
    for note in ReconciliationNote.select().where(
        ReconciliationNote.fiscal_year == here.fiscal_year.id, ReconciliationNote.period == here.period.key,
    ).order_by(ReconciliationNote.id):
        notes[note.scope].append(note)
    totals = auto.totals(here.db, here.fiscal_year, here.balances)
    figures, end = here.figures(), here.fiscal_year.end if here.year_end else here.period.end
    states = {}
    for scope in scopes:
        record = records.get(scope)
        proven = None if "x" in scope else totals.total(scope, here.balances.opening.get(scope, 0), end)
        states[scope] = _assessed(scope, scope_balance(figures, scope), record, lines[record.id] if record else [],
                                  files[record.id] if record else [], notes[scope], proven, None)
    return states


def _assessed(scope, balance, record, lines, files, notes, proven: int | None, automatic) -> State:
    """The specification (the accountant's lines, else the books' total where it proves the balance), the
    status and whether a signature is stale."""
    if lines:
        specified, basis = sum(to_ore(l.amount) for l in lines), "manual"
    elif proven is not None:
        specified, basis = proven, "automatic"
    else:
        specified, basis = 0, "none"
    status = record.status if record else "not_started"
    if status == "not_started" and (lines or files or notes):
        status = "in_progress"
    stale = status in SIGNED and record.signed_hash != _fingerprint(balance, lines, files)
    return State(scope, balance, specified, basis, status, stale, record, lines, files, notes, automatic)


def _changed(here: Place, record: Reconciliation) -> None:
    """A change to a signed specification takes its signatures away: it must be signed again."""
    if record.status in SIGNED:
        _event(here, record.scope, "reopened", because="changed", status=record.status)
    Reconciliation.update(status="in_progress", prepared_by=None, prepared_at=None, approved_by=None,
                          approved_at=None, signed_balance=None, signed_hash="").where(
        Reconciliation.id == record.id).execute()


def add_line(here: Place, scope: str, amount: int, reference: str = "", date: dt.date | None = None,
             comment: str = "", carry: bool = True) -> ReconciliationLine:
    known_scope(here, scope)
    with exclusive(here.db, *year_closing(here.fiscal_year.id)):
        refuse_if_locked(here)
        record = _ensure(here, scope)
        position = (ReconciliationLine.select(pw.fn.MAX(ReconciliationLine.position)).where(
            ReconciliationLine.reconciliation == record.id).scalar() or 0) + 1
        line = ReconciliationLine.create(reconciliation=record.id, position=position, reference=reference,
                                         date=date, amount=from_ore(amount), comment=comment, carry=carry)
        _changed(here, record)
    return line


def remove_line(here: Place, scope: str, position: int) -> None:
    with exclusive(here.db, *year_closing(here.fiscal_year.id)):
        refuse_if_locked(here)
        record = _stored(here, scope)
        removed = 0 if record is None else ReconciliationLine.delete().where(
            ReconciliationLine.reconciliation == record.id, ReconciliationLine.position == position).execute()
        if not removed:
            raise BokslutError(
                f"the reconciliation of {scope} in {here.label} has no line {position}",
                key="reconcile_no_such_line", params={"scope": scope, "period": here.label, "line": position},
            )
        _changed(here, record)


def comment(here: Place, scope: str, text: str) -> ReconciliationNote:
    """A comment on a balance account or group, or on a result account (the analysis uses the same notes)."""
    text = text.strip()
    if not text:
        raise BokslutError("a comment needs some text", key="reconcile_empty_comment")
    with exclusive(here.db, *year_closing(here.fiscal_year.id)):
        refuse_if_locked(here)
        return ReconciliationNote.create(fiscal_year=here.fiscal_year.id, period=here.period.key, scope=scope,
                                         author=current_user(), text=text)


def set_status(here: Place, scope: str, status: str) -> State:
    """Reconciled needs the difference zero or explained in a comment; approved needs a reconciled, unchanged
    reconciliation and someone other than its preparer (a two-step sign-off, §1.5); in_progress reopens."""
    if status not in ("in_progress", *SIGNED):
        raise BokslutError(f"{status!r} is not a status to set; choose in_progress, reconciled or approved",
                           key="reconcile_bad_status", params={"status": status})
    known_scope(here, scope)
    with exclusive(here.db, *year_closing(here.fiscal_year.id)):
        refuse_if_locked(here)
        now = state(here, scope)
        who = current_user()
        if status == "reconciled":
            if now.difference and not now.notes:
                raise BokslutError(
                    f"{scope} in {here.label} has a difference of {from_ore(now.difference)}; book it (bokslut "
                    "reconcile to-entry) or explain it in a comment before marking it reconciled",
                    key="reconcile_unexplained_difference",
                    params={"scope": scope, "period": here.label, "difference": str(from_ore(now.difference))},
                )
            record = _ensure(here, scope)
            Reconciliation.update(status="reconciled", prepared_by=who, prepared_at=utc_now(), approved_by=None,
                                  approved_at=None, signed_balance=from_ore(now.balance),
                                  signed_hash=_fingerprint(now.balance, now.lines, now.files)).where(
                Reconciliation.id == record.id).execute()
        elif status == "approved":
            if not now.done:
                raise BokslutError(
                    f"{scope} in {here.label} must be reconciled (and unchanged since) before it is approved",
                    key="reconcile_not_reconciled", params={"scope": scope, "period": here.label},
                )
            if now.record.prepared_by == who:
                raise BokslutError(
                    f"{who} reconciled {scope} in {here.label}; someone else approves it",
                    key="reconcile_same_approver", params={"scope": scope, "period": here.label, "user": who},
                )
            Reconciliation.update(status="approved", approved_by=who, approved_at=utc_now()).where(
                Reconciliation.id == now.record.id).execute()
        else:
            _changed(here, _ensure(here, scope))
        _event(here, scope, status, balance=now.balance, difference=now.difference)
    return state(here, scope)


def attach(here: Place, scope: str, name: str, content: bytes) -> ReconciliationFile:
    """A file kept in the store, within the reference's limits per specification (reconcile.toml)."""
    known_scope(here, scope)
    limit_files, limit_bytes = rules.max_files(), rules.max_bytes()
    if len(content) > limit_bytes:
        raise BokslutError(
            f"{name} is {len(content)} bytes; a file attached to a specification may be at most {limit_bytes} bytes",
            key="reconcile_file_too_large", params={"name": name, "size": len(content), "limit": limit_bytes},
        )
    with exclusive(here.db, *year_closing(here.fiscal_year.id)):
        refuse_if_locked(here)
        record = _ensure(here, scope)
        if len(_files(record)) >= limit_files:
            raise BokslutError(
                f"the specification of {scope} in {here.label} already has {limit_files} files, the most it may "
                "have; remove one first",
                key="reconcile_too_many_files", params={"scope": scope, "period": here.label, "limit": limit_files},
            )
        stored = ReconciliationFile.create(reconciliation=record.id, name=name, size=len(content),
                                           sha256=hashlib.sha256(content).hexdigest(), content=content,
                                           added_by=current_user())
        _changed(here, record)
    return stored


def _file(here: Place, scope: str, file_id: int) -> ReconciliationFile:
    record = _stored(here, scope)
    found = record and ReconciliationFile.get_or_none(ReconciliationFile.id == file_id,
                                                     ReconciliationFile.reconciliation == record.id)
    if not found:
        raise BokslutError(f"the specification of {scope} in {here.label} has no file {file_id}",
                           key="reconcile_no_such_file", params={"scope": scope, "period": here.label, "file": file_id})
    return found


def file_content(here: Place, scope: str, file_id: int) -> tuple[str, bytes]:
    found = _file(here, scope, file_id)
    return found.name, bytes(found.content)


def remove_file(here: Place, scope: str, file_id: int) -> None:
    with exclusive(here.db, *year_closing(here.fiscal_year.id)):
        refuse_if_locked(here)
        found = _file(here, scope, file_id)
        ReconciliationFile.delete().where(ReconciliationFile.id == found.id).execute()
        _changed(here, _stored(here, scope))


def suggested_offset(here: Place, account: str) -> tuple[str | None, str]:
    """(offset account, why): the accountant's last choice for the account, else the reference's table."""
    earlier = (Reconciliation.select(Reconciliation.offset_account).join(FiscalYear).where(
        FiscalYear.company == here.company.id, Reconciliation.offset_account.is_null(False),
        Reconciliation.scope == account).order_by(Reconciliation.id.desc()).first())
    if earlier:
        return earlier.offset_account, "last-choice"
    table = rules.table_offset(account)
    return (table, "table") if table else (None, "none")


def difference_text(here: Place, account: str) -> str:
    """The text of the closing entry a difference on `account` becomes, for asking before booking it."""
    return f"Avstämningsdifferens {account} {here.label}"


def to_entry(here: Place, scope: str, offset: str | None = None, account: str | None = None) -> ClosingEntry:
    """The difference as a closing entry dated on the period's last day: the account is brought to what the
    specification says, against the offset account (given, or suggested)."""
    target = account or scope
    if "x" in scope and not (account and in_scope(scope, account)):
        raise BokslutError(f"{scope} is a group; name the account in it to book the difference on (--on ACCOUNT)",
                           key="reconcile_group_needs_account", params={"scope": scope})
    known_scope(here, scope)
    now = state(here, scope)
    if not now.difference:
        raise BokslutError(f"{scope} in {here.label} has no difference to book",
                           key="reconcile_no_difference", params={"scope": scope, "period": here.label})
    offset = offset or suggested_offset(here, target)[0]
    if not offset:
        raise BokslutError(f"there is no offset account to suggest for {target}; give one with --offset ACCOUNT",
                           key="reconcile_no_offset", params={"account": target})
    amount = from_ore(abs(now.difference))
    too_high = now.difference > 0  # the books say more than the specification: credit the account
    rows = (
        RowDraft(target, debit=amount if not too_high else from_ore(0), credit=amount if too_high else from_ore(0)),
        RowDraft(offset, debit=amount if too_high else from_ore(0), credit=amount if not too_high else from_ore(0)),
    )
    day = here.fiscal_year.end if here.year_end else here.period.end
    draft = EntryDraft(date=day, text=difference_text(here, target), rows=rows)
    with exclusive(here.db, *year_closing(here.fiscal_year.id)):
        refuse_if_locked(here)
        entry = create_entry(here.db, here.company, here.fiscal_year, draft, template="reconciliation")
        record = _ensure(here, scope)
        Reconciliation.update(entry=entry.id, offset_account=offset).where(Reconciliation.id == record.id).execute()
        _changed(here, record)
        _event(here, scope, "entry", entry=entry.id, offset=offset, difference=now.difference)
    here._balances = None  # the entry is in the final books now
    return entry


def unlock(db: pw.Database, fiscal_year: FiscalYear, period_text: str, reason: str) -> Period:
    """Unlocks a period (core.periods) and records who and why: the frozen reconciliations open again."""
    reason = reason.strip()
    if not reason or len(reason) > REASON_MAX:
        raise BokslutError(f"say why the period is unlocked, in 1 to {REASON_MAX} characters (--reason TEXT)",
                           key="reconcile_unlock_reason", params={"limit": REASON_MAX})
    with exclusive(db, *year_closing(fiscal_year.id)):
        period = periods.unlock_period(db, fiscal_year, period_text, reason)
        ReconciliationEvent.create(fiscal_year=fiscal_year.id, period=period.key, scope="", action="unlock",
                                   actor=current_user(), details=json.dumps({"reason": reason}, ensure_ascii=False))
    return period


def events(here: Place, scope: str | None = None) -> list[ReconciliationEvent]:
    """The trail of a reconciliation, with the period's unlocks."""
    query = ReconciliationEvent.select().where(ReconciliationEvent.fiscal_year == here.fiscal_year.id,
                                               ReconciliationEvent.period == here.period.key)
    if scope is not None:
        query = query.where(ReconciliationEvent.scope.in_([scope, ""]))
    return list(query.order_by(ReconciliationEvent.id))


def listed_scopes(here: Place) -> list[str]:
    """The balance accounts with a balance or a movement up to the period's end (as Spiris lists them, §1.1),
    and every account or group reconciled in the period."""
    figures = here.figures()
    end = here.period.end.isoformat()
    moved = {a for a, days in here.balances.days.items() if days and days[0] <= end}
    accounts = {a for a in figures if a.startswith(BALANCE_CLASSES) and (figures[a] or a in moved or a in
                                                                          here.balances.opening)}
    stored = {r.scope for r in Reconciliation.select(Reconciliation.scope).where(
        Reconciliation.fiscal_year == here.fiscal_year.id, Reconciliation.period == here.period.key)}
    return sorted(accounts | stored)


def progress(here: Place) -> dict:
    """Of the accounts with a balance, how many are reconciled (by their own reconciliation or their group's), and
    the differences left."""
    states = listed_states(here)
    groups = [s for s in states.values() if "x" in s.scope]
    with_balance = [s for s in states.values() if "x" not in s.scope and s.balance]
    done = [s for s in with_balance if s.done or any(g.done and in_scope(g.scope, s.scope) for g in groups)]
    differences = [s for s in states.values() if s.difference and s.basis != "none"]
    return {
        "period": here.label,
        "accounts_with_balance": len(with_balance),
        "reconciled": len(done),
        "approved": sum(1 for s in with_balance if s.status == "approved" and not s.stale),
        "stale": sum(1 for s in states.values() if s.stale),
        "differences": len(differences),
        "difference_total": sum(abs(s.difference) for s in differences),
        "locked": here.period.locked,
    }


CARRY_TARGETS = ("next", "year-end", "next-year")


def carry_forward(db: pw.Database, company: Company, fiscal_year: FiscalYear, period_text: str) -> dict:
    """Copies a period's specifications into the period after it, by the reference's rules (§1.8): to the next
    period, the lines set to carry (with data) and the files; from the last period to the year-end period, every
    line and file and the statuses; from the year-end period to the next year's first period, the lines set to
    carry. A target that already has lines is left as it is."""
    source = place(db, company, fiscal_year, period_text)
    rows = periods.periods(db, fiscal_year)
    index = [p.id for p in rows].index(source.period.id)
    everything = False
    if index + 1 < len(rows):
        target_year, target_period = fiscal_year, rows[index + 1]
        everything = target_period.key == periods.YEAR_END
    else:
        target_year = FiscalYear.get_or_none(FiscalYear.company == company.id,
                                             FiscalYear.start == fiscal_year.end + dt.timedelta(days=1))
        if target_year is None:
            raise BokslutError(
                f"the year after {fiscal_year.start}..{fiscal_year.end} is not in the store; import it first",
                key="reconcile_no_next_year", params={"end": fiscal_year.end},
            )
        target_period = periods.periods(db, target_year)[0]
    target = Place(db, company, target_year, target_period)
    copied, kept = [], []
    with exclusive(db, *year_closing(target_year.id)):
        refuse_if_locked(target)
        for record in Reconciliation.select().where(Reconciliation.fiscal_year == fiscal_year.id,
                                                    Reconciliation.period == source.period.key):
            lines = [l for l in _lines(record) if everything or l.carry]
            files = list(ReconciliationFile.select().where(ReconciliationFile.reconciliation == record.id)) if (
                everything or target_year.id == fiscal_year.id) else []
            if not lines and not files:
                continue
            existing = _stored(target, record.scope)
            if existing and _lines(existing):
                kept.append(record.scope)
                continue
            into = existing or Reconciliation.create(fiscal_year=target_year.id, period=target_period.key,
                                                     scope=record.scope)
            for line in lines:
                ReconciliationLine.create(reconciliation=into.id, position=line.position, reference=line.reference,
                                          date=line.date, amount=line.amount, comment=line.comment, carry=line.carry)
            for f in files:
                ReconciliationFile.create(reconciliation=into.id, name=f.name, size=f.size, sha256=f.sha256,
                                          content=bytes(f.content), added_by=f.added_by, added_at=f.added_at)
            status = {k: getattr(record, k) for k in ("status", "prepared_by", "prepared_at", "approved_by",
                                                      "approved_at", "signed_balance", "signed_hash")}
            if not everything:
                status = {"status": "in_progress"}
            Reconciliation.update(**status).where(Reconciliation.id == into.id).execute()
            copied.append(record.scope)
        _event(target, "", "carry-forward", source=source.period.key, copied=copied, kept=kept)
    return {"from": source.label, "to": periods.label(target_period), "to_year": target_year.end.year,
            "copied": copied, "kept": kept}
