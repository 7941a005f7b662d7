"""Period closing: a fiscal year divided into months (or calendar quarters) and the year-end period, locked in order.

A locked period is reconciled: checks skip it and closing entries dated in it are refused. The periods are
locked one after the other; a locked period may be temporarily unlocked, and while it is, the open period
after it is paused (it cannot be locked, nor take closing entries) and no other period may be unlocked, so one
period is open at a time.

Where a date belongs: the store keeps no period per entry, so a date names exactly one period. Months are
calendar months and quarters calendar quarters (the VAT periods), clipped to the fiscal year, so a first year
that starts mid-month or lasts 18 months simply has a short or an extra period. The year-end period follows
the last month and is the year's last day only: that day belongs to the last month until the last month is
locked, and to the year-end period after. Visma lets year-end entries fall anywhere in the last month; here
they are dated on the balance date (create_entry's default), so locking a month locks all of its days.
"""

from __future__ import annotations

import datetime as dt
import re

import peewee as pw

from core import activity
from core.activity import current_user
from core.checks import mark_stale
from core.errors import BokslutError
from core.store.locks import exclusive, year_closing
from core.store.models import CheckResult, FiscalYear, Period, utc_now
from core.text import counted

KINDS = ("month", "quarter")
YEAR_END = "year-end"
STATES = ("locked", "unlocked", "open", "paused", "not started")

_MONTH = re.compile(r"(\d{4})-?(\d{2})")
_QUARTER = re.compile(r"(\d{4})-?[Qq]([1-4])")


def period_start(kind: str, day: dt.date) -> dt.date:
    """The first day of the calendar month or quarter holding `day`."""
    return day.replace(month=day.month - (day.month - 1) % 3 if kind == "quarter" else day.month, day=1)


def period_key(kind: str, day: dt.date) -> str:
    """The key of the calendar month ("YYYYMM") or quarter ("YYYYQn") holding `day`."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}" if kind == "quarter" else f"{day.year}{day.month:02d}"


def spans(fiscal_year: FiscalYear) -> list[tuple[str, dt.date, dt.date]]:
    """(key, start, end) of the year's months or quarters, clipped to the year; the year-end period not included."""
    kind, months = fiscal_year.period_kind, 3 if fiscal_year.period_kind == "quarter" else 1
    result = []
    start = fiscal_year.start
    while start <= fiscal_year.end:
        following = period_start(kind, start).month - 1 + months  # months after January of start's year
        next_start = dt.date(start.year + following // 12, following % 12 + 1, 1)
        result.append((period_key(kind, start), start, min(next_start - dt.timedelta(days=1), fiscal_year.end)))
        start = next_start
    return result


def _layout(fiscal_year: FiscalYear) -> list[tuple[str, dt.date, dt.date]]:
    """(key, start, end) of every period the year's kind gives, the year-end period last."""
    return [*spans(fiscal_year), (YEAR_END, fiscal_year.end, fiscal_year.end)]


def _stored(fiscal_year: FiscalYear) -> list[Period]:
    return list(Period.select().where(Period.fiscal_year == fiscal_year.id).order_by(Period.position))


def periods(db: pw.Database, fiscal_year: FiscalYear) -> list[Period]:
    """The year's periods in order, created on first use (and re-laid while none has ever been locked)."""
    layout = _layout(fiscal_year)

    def settled(rows: list[Period]) -> bool:
        return [(p.key, p.start, p.end) for p in rows] == layout or any(p.locked or p.unlocked for p in rows)

    if settled(rows := _stored(fiscal_year)):
        return rows
    with exclusive(db, *year_closing(fiscal_year.id)):
        if settled(rows := _stored(fiscal_year)):  # another process may have laid them out meanwhile
            return rows
        Period.delete().where(Period.fiscal_year == fiscal_year.id).execute()
        Period.insert_many(
            [
                {"fiscal_year": fiscal_year.id, "position": position, "key": key, "start": start, "end": end}
                for position, (key, start, end) in enumerate(layout, start=1)
            ]
        ).execute()
    return _stored(fiscal_year)


def key_label(key: str) -> str:
    """How a user writes the period with this key: 2025-03, 2025Q1 or year-end."""
    return f"{key[:4]}-{key[4:]}" if len(key) == 6 and key.isdigit() else key


def label(period: Period) -> str:
    return key_label(period.key)


def states(rows: list[Period]) -> list[str]:
    """Each period's state, in order: the first period not locked is open (or unlocked, which pauses the next)."""
    result = []
    waiting = 0  # periods not locked seen so far
    previous_unlocked = False
    for period in rows:
        if period.locked:
            result.append("locked")
            continue
        if period.unlocked:
            result.append("unlocked")
        elif waiting == 0:
            result.append("open")
        else:
            result.append("paused" if waiting == 1 and previous_unlocked else "not started")
        previous_unlocked = waiting == 0 and period.unlocked
        waiting += 1
    return result


def period_json(period: Period, state: str) -> dict:
    return {
        "key": period.key,
        "label": label(period),
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "state": state,
        "locked": period.locked,
        "changed_by": period.changed_by,
        "changed_at": period.changed_at.isoformat() if period.changed_at else None,
    }


def _year_words(fiscal_year: FiscalYear) -> str:
    return f"fiscal year {fiscal_year.start}..{fiscal_year.end}"


PERIOD_FORMS = "2025-03, 202503, 2025Q1 or year-end"


def parse_key(text: str) -> str:
    """The key of a period as a user writes it: 2025-03, 202503, 2025Q1 (or 2025-Q1) or year-end."""
    text = text.strip()
    month, quarter = _MONTH.fullmatch(text), _QUARTER.fullmatch(text)
    if text.casefold() == YEAR_END:
        return YEAR_END
    if month and 1 <= int(month[2]) <= 12:
        return f"{month[1]}{month[2]}"
    if quarter:
        return f"{quarter[1]}Q{quarter[2]}"
    raise BokslutError(f"{text!r} is not a period; give it as {PERIOD_FORMS}")


def divided_words(fiscal_year: FiscalYear) -> str:
    """E.g. "months 2025-01..2025-12": how the year is divided, for a message naming the periods it has."""
    regular = spans(fiscal_year)
    divided = "quarters" if fiscal_year.period_kind == "quarter" else "months"
    return f"{divided} {key_label(regular[0][0])}..{key_label(regular[-1][0])}"


def find_period(db: pw.Database, fiscal_year: FiscalYear, text: str) -> Period:
    """The period a user names as 2025-03, 202503, 2025Q1 or year-end."""
    key = parse_key(text)
    for period in periods(db, fiscal_year):
        if period.key == key:
            return period
    raise BokslutError(
        f"{text.strip()} is not a period of {_year_words(fiscal_year)}, which is divided into "
        f"{divided_words(fiscal_year)} and year-end; list them with bokslut period list"
    )


def _stamp(period: Period, *, locked: bool, unlocked: bool) -> Period:
    Period.update(locked=locked, unlocked=unlocked, changed_by=current_user(), changed_at=utc_now()).where(
        Period.id == period.id
    ).execute()
    return Period.get_by_id(period.id)


def lock_period(db: pw.Database, fiscal_year: FiscalYear, text: str) -> Period:
    """Only after every earlier period is locked: a period is reconciled on top of the ones before it. On record in
    the activity log, as every unlock is: the period's row keeps only its last change."""
    company = fiscal_year.company
    with activity.recorded("period", company.name, company.id) as entry:
        with exclusive(db, *year_closing(fiscal_year.id)):
            period = _stamp(check_lockable(db, fiscal_year, text), locked=True, unlocked=False)
        _on_record(entry, fiscal_year, period, "locked")
    return period


def _on_record(entry: activity.ActivityRecord, fiscal_year: FiscalYear, period: Period, action: str,
               reason: str = "") -> None:
    """The lock or unlock in its activity log entry: which period, by whom (the log keeps when), why."""
    entry.message = (f"{action} period {label(period)} of {_year_words(fiscal_year)} by {current_user()}"
                     + (f": {reason}" if reason else ""))
    entry.said("period", action=action, period=label(period), start=fiscal_year.start.isoformat(),
               end=fiscal_year.end.isoformat(), user=current_user(), reason=reason)


def check_lockable(db: pw.Database, fiscal_year: FiscalYear, text: str) -> Period:
    """The period `text` names, if it may be locked now; else the refusal, so a user is not asked in vain."""
    period = find_period(db, fiscal_year, text)
    if period.locked:
        raise BokslutError(f"period {label(period)} of {_year_words(fiscal_year)} is already locked",
                           key="period_already_locked", params={"period": label(period)})  # fmt: skip
    for earlier in _stored(fiscal_year):
        if earlier.position < period.position and not earlier.locked:
            how = "is temporarily unlocked; lock it again" if earlier.unlocked else "is not locked; lock it"
            raise BokslutError(
                f"period {label(period)} cannot be locked yet: the earlier period {label(earlier)} {how} first",
                key="period_earlier_unlocked" if earlier.unlocked else "period_earlier_open",
                params={"period": label(period), "earlier": label(earlier)},
            )
    return period


def unlock_period(db: pw.Database, fiscal_year: FiscalYear, text: str, reason: str = "") -> Period:
    """Temporarily: later locked periods stay locked and the open one waits until this one is locked again. On
    record in the activity log, with the reason where one is given (core.reconcile.work.unlock asks for one)."""
    company = fiscal_year.company
    with activity.recorded("period", company.name, company.id) as entry:
        with exclusive(db, *year_closing(fiscal_year.id)):
            period = _stamp(check_unlockable(db, fiscal_year, text), locked=False, unlocked=True)
        _on_record(entry, fiscal_year, period, "unlocked", reason)
    return period


def check_unlockable(db: pw.Database, fiscal_year: FiscalYear, text: str) -> Period:
    """The period `text` names, if it may be unlocked now; else the refusal, so a user is not asked in vain."""
    period = find_period(db, fiscal_year, text)
    if not period.locked:
        state = "already temporarily unlocked" if period.unlocked else "not locked"
        raise BokslutError(f"period {label(period)} of {_year_words(fiscal_year)} is {state}",
                           key="period_already_unlocked" if period.unlocked else "period_not_locked",
                           params={"period": label(period)})  # fmt: skip
    for other in _stored(fiscal_year):
        if other.unlocked:
            raise BokslutError(
                f"period {label(other)} is already temporarily unlocked; lock it again before unlocking "
                f"{label(period)}, so that one period is open at a time",
                key="period_other_unlocked", params={"period": label(period), "other": label(other)},
            )
    return period


def set_period_kind(db: pw.Database, fiscal_year: FiscalYear, kind: str) -> list[Period]:
    """Months or quarters; refused once a period has been locked, as the locks would no longer mean anything."""
    if kind not in KINDS:
        raise BokslutError(f"{kind!r} is not a period kind; choose month or quarter")
    with exclusive(db, *year_closing(fiscal_year.id)):
        touched = [p for p in _stored(fiscal_year) if p.locked or p.unlocked]
        if touched and kind != fiscal_year.period_kind:
            raise BokslutError(
                f"the periods of {_year_words(fiscal_year)} cannot become {kind}s: period {label(touched[0])} "
                f"has been locked; unlocking does not undo that, so the year stays by {fiscal_year.period_kind}",
                key="period_kind_fixed", params={"period": label(touched[0])},
            )
        if kind != fiscal_year.period_kind:
            # The checks' results per period name periods the year no longer has, and the year's own results are
            # out of date (the VAT settlement check covers whole periods).
            CheckResult.delete().where(CheckResult.fiscal_year == fiscal_year.id, CheckResult.period != "").execute()
            mark_stale(db, fiscal_year.id)
        FiscalYear.update(period_kind=kind).where(FiscalYear.id == fiscal_year.id).execute()
        fiscal_year.period_kind = kind
        return periods(db, fiscal_year)


def period_of(db: pw.Database, fiscal_year: FiscalYear, day: dt.date) -> Period | None:
    """The stored period `day` belongs to (see the module note on the last day); None outside the year or before
    the periods exist, when nothing can be locked."""
    rows = _stored(fiscal_year)
    if len(rows) < 2 or not fiscal_year.start <= day <= fiscal_year.end:
        return None
    *regular, year_end = rows
    if day == fiscal_year.end and regular[-1].locked:
        return year_end
    return next((p for p in regular if p.start <= day <= p.end), None)


def is_locked(db: pw.Database, fiscal_year: FiscalYear, day: dt.date) -> bool:
    period = period_of(db, fiscal_year, day)
    return period is not None and period.locked


def locked_periods(db: pw.Database, fiscal_year: FiscalYear) -> list[Period]:
    """What the checks skip: reconciled periods are not re-checked. Read only; creates no rows."""
    return [p for p in _stored(fiscal_year) if p.locked]


def locked_problem(db: pw.Database, fiscal_year: FiscalYear, day: dt.date) -> tuple[str, str, dict] | None:
    """Why a closing entry may not be dated `day`, or None: its key, the sentence entry validation shows (the
    command line's words) and its params, for an interface that says it in its own words and keys. A locked period
    takes no amounts, nor does the period paused while the one before it is temporarily unlocked
    (reconciliation.md §1.2: a paused period accepts no amounts)."""
    period = period_of(db, fiscal_year, day)
    if period is None:
        return None
    name = "the year-end period" if period.key == YEAR_END else f"period {label(period)}"
    if period.locked:
        message = (
            f"{day} lies in {name}, which is locked; date the entry in an open period or unlock it first "
            f"(bokslut period unlock {label(period)} --year {fiscal_year.end.year})"
        )
        return "period_locked", message, {"date": day, "period": label(period)}
    rows = _stored(fiscal_year)
    state = dict(zip((row.id for row in rows), states(rows), strict=True))
    if state.get(period.id) != "paused":
        return None
    unlocked = next(row for row in rows if state[row.id] == "unlocked")
    message = (
        f"{day} lies in {name}, paused while period {label(unlocked)} is temporarily unlocked; lock "
        f"{label(unlocked)} again first (bokslut period lock {label(unlocked)} --year {fiscal_year.end.year})"
    )
    return "period_paused", message, {"date": day, "period": label(period), "unlocked": label(unlocked)}


def in_year_end_period(fiscal_year: FiscalYear, day: dt.date) -> bool:
    """Whether `day` is the year-end period's day, the balance date: where year-end entries are dated (see the
    module note), whether or not the last month is locked yet."""
    return day == fiscal_year.end


def locked_spans(fiscal_year: FiscalYear) -> list[tuple[str, dt.date, dt.date]]:
    """(label, first day, last day) of each locked period, with the last day placed as `period_of` places it.
    Read only; a year whose periods were never laid out has none."""
    rows = _stored(fiscal_year)
    if len(rows) < 2:
        return []
    *regular, year_end = rows
    last_month_locked = regular[-1].locked
    result = []
    for period in regular:
        end = period.end
        if period is regular[-1] and last_month_locked and end == year_end.start:
            end -= dt.timedelta(days=1)  # the year's last day belongs to the year-end period now
        if period.locked and period.start <= end:
            result.append((label(period), period.start, end))
    if year_end.locked and last_month_locked:
        result.append((label(year_end), year_end.start, year_end.end))
    return result


class LockedPeriodsChanged(BokslutError):
    """An import would change vouchers in locked periods: refused, wholly, unless the user confirmed it."""

    key = "import_changes_locked_periods"

    def __init__(self, fiscal_year_start: dt.date, fiscal_year_end: dt.date, changed: list[tuple[str, int]]) -> None:
        self.changed = changed
        total = sum(count for _, count in changed)
        listed = ", ".join(f"{name} ({count})" for name, count in changed)
        super().__init__(
            f"the import would change {counted(total, 'voucher', 'vouchers')} in locked periods of fiscal year "
            f"{fiscal_year_start}..{fiscal_year_end}: {listed}; nothing was imported. Import again confirming the "
            "change (bokslut import-sie/import-fortnox --allow-locked) if the books were rightly changed there, "
            "or find out first why they were",
            params={
                "start": fiscal_year_start,
                "end": fiscal_year_end,
                "vouchers": total,
                "periods": [{"period": name, "vouchers": count} for name, count in changed],
            },
        )
