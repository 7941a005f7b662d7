"""A closing entry as the screens say it: its line (read in a worker) and its status in words. The closing list
shows every entry so; the reconciliation shows so the entry its difference was booked as."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from rich.text import Text

from core.closing import entries as closing
from core.periods import in_year_end_period
from core.store.models import ClosingEntry, FiscalYear
from tui.i18n import t
from tui.text import literal

STATUS_STYLES = {"not_exported": "", "exported": "green", "not_applicable": "dim", "failed": "bold red"}


@dataclass(frozen=True, slots=True)
class EntryLine:
    """One entry as the list shows it, read in a worker."""

    entry_id: int
    date: dt.date
    text: str
    amount: Decimal  # the debit total
    status: str
    deleted: bool
    where: str  # "Fortnox I 3" or the SIE file's name, once exported
    failure: str
    at_year_end: bool  # dated in the year-end period: only such an entry may be not applicable for transfer


def entry_line(year: FiscalYear, entry: ClosingEntry) -> EntryLine:
    """In a worker, inside a store connection."""
    amount = sum((row.amount for row in closing.rows_of(entry) if row.amount > 0), Decimal(0))
    if entry.fortnox_number is not None:
        where = f"Fortnox {entry.fortnox_series} {entry.fortnox_number}"
    else:
        where = Path(entry.sie_file).name if entry.sie_file else ""
    return EntryLine(entry.id, entry.date, entry.text, amount, entry.status, entry.deleted, where, entry.failure,
                     in_year_end_period(year, entry.date))  # fmt: skip


def status_text(line: EntryLine, wrap: bool = False) -> Text:
    """"exported Fortnox I 3", "failed: why", "not exported", "not applicable", and "deleted" before any of them;
    cut to one line in the list, wrapped in full in the detail line under it."""
    words = t(f"status.{line.status}")
    if line.status == "exported" and line.where:
        words += f" {line.where}"
    elif line.status == "failed" and line.failure:
        words += f": {line.failure}"
    text = Text(no_wrap=not wrap, overflow="fold" if wrap else "ellipsis")
    if line.deleted:
        text.append(t("closing.deleted") + " ", style="dim strike")
    text.append_text(literal(words, style=STATUS_STYLES.get(line.status, ""), wrap=wrap))
    return text
