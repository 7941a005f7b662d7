"""The income statement beside itself (reconciliation.md §2): per result account the period's movement, the
same period last year, the year to date and last year's year to date, with the accountant's comments."""

from __future__ import annotations

import calendar
import datetime as dt

from core.integrity import BALANCE_CLASSES
from core.reconcile.books import balances
from core.reconcile.work import Place, scope_notes
from core.reports.statements import previous_year


def _shift(day: dt.date) -> dt.date:
    """The same day a year earlier; a month's last day is that month's last day, so a February ending on the 28th
    is compared with all of a leap year's February (and a 29th with the 28th)."""
    if (day + dt.timedelta(days=1)).day == 1:
        return day.replace(year=day.year - 1, day=calendar.monthrange(day.year - 1, day.month)[1])
    return day.replace(year=day.year - 1)


def _movement(figures_at, start: dt.date, end: dt.date) -> dict[str, int]:
    before, after = figures_at(start - dt.timedelta(days=1)), figures_at(end)
    return {a: after.get(a, 0) - before.get(a, 0) for a in before.keys() | after.keys()
            if not a.startswith(BALANCE_CLASSES)}


def income_analysis(here: Place) -> list[dict]:
    year = here.fiscal_year
    start, end = (year.start, year.end) if here.year_end else (here.period.start, here.period.end)
    now = balances(here.db, here.company, year, results=True).at
    columns = {"period": _movement(now, start, end), "year_to_date": _movement(now, year.start, end)}
    earlier = previous_year(here.db, year)
    if earlier is not None:
        then = balances(here.db, here.company, earlier, results=True).at
        columns["period_last_year"] = _movement(then, _shift(start), _shift(end))
        columns["year_to_date_last_year"] = _movement(then, earlier.start, _shift(end))
    accounts = sorted({a for values in columns.values() for a, v in values.items() if v})
    return [{"account": a, **{name: values.get(a, 0) for name, values in columns.items()},
             "comments": [{"author": n.author, "text": n.text} for n in scope_notes(here, a)]} for a in accounts]
