"""An import as the interface follows it: queued, running with counts, then done or failed.

A SIE file (`path`) or Fortnox (`fortnox_company_id`): both run through the app's one import queue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from core.activity import ActivityEntry
from core.sie.errors import SieWarning
from core.store.models import utc_now
from tui.i18n import sie_words, t

if TYPE_CHECKING:  # the Fortnox importer (httpx and its client) loads on the first Fortnox import
    from core.fortnox.importer import Step
    from core.importer import ImportProgress

# The importer's warnings a user must read at once, not find later among the file's: locked periods replaced as
# confirmed, exported closing entries matched by content where the match is uncertain (core.closing.booking).
NOTICED = {"locked_periods_changed", "closing_entries_alike", "closing_entry_other_series"}


def notices_of(warnings: Iterable[SieWarning]) -> tuple[str, ...]:
    return tuple(sie_words(warning.message) for warning in warnings if getattr(warning.message, "key", "") in NOTICED)


@dataclass(frozen=True, slots=True)
class ImportJob:
    job_id: int
    path: Path | None  # the SIE file; None for an import from Fortnox
    status: str = "queued"  # queued, running, done, failed (as in the activity log)
    vouchers: int = 0
    transactions: int = 0
    balances: int = 0
    bytes_read: int = 0  # of all the import's files: the progress bar's position, so no pass counts records first
    total_bytes: int = 0  # 0 until the import has files to read (a Fortnox import fetches them first)
    message: str = ""  # the result's summary, or the error for the user
    company_org: str | None = None  # the company imported into (ten digits); None: the one the file names
    confirm_org_mismatch: bool = False  # the user said yes to a file for another organisation number
    mismatch: tuple[str, str] | None = None  # (this company's, the file's) org numbers when the import refused it
    confirm_locked_changes: bool = False  # the user said yes to replacing vouchers in locked periods
    locked_changes: tuple[tuple[str, int], ...] | None = None  # (period, vouchers) when the import refused them
    notices: tuple[str, ...] = ()  # the import's warnings that matter, in the reader's words: shown, not folded away
    fortnox_company_id: int | None = None  # set: import this company from Fortnox instead of a file
    step: str | Step = ""  # what a Fortnox import is doing now: core's Step becomes the reader's words
    queued_at: dt.datetime = field(default_factory=utc_now)  # naive UTC, as the store keeps time

    def __post_init__(self) -> None:
        if not isinstance(self.step, str):  # a core Step
            object.__setattr__(self, "step", t(f"step.{self.step.key}", **self.step.params))

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    @property
    def label(self) -> str:
        """What the user calls the source: the file's name, or Fortnox."""
        return self.path.name if self.path is not None else "Fortnox"

    @property
    def now_doing(self) -> str:
        """For the activity log while it runs: the source, and a Fortnox import's current step."""
        return f"{self.label}: {self.step}" if self.step else self.label

    @property
    def counts(self) -> dict[str, int]:
        """In the activity log's shape."""
        return {"vouchers": self.vouchers, "transactions": self.transactions, "balances": self.balances}

    def with_(self, **changes) -> ImportJob:
        return replace(self, **changes)

    def progressed(self, progress: ImportProgress) -> ImportJob:
        """As the importer reports it while running: the counts for the status line, the bytes for the bar."""
        return replace(
            self, vouchers=progress.vouchers, transactions=progress.transactions, balances=progress.balances,
            bytes_read=progress.bytes_read, total_bytes=progress.total_bytes,
        )  # fmt: skip

    def as_activity(self) -> ActivityEntry:
        return ActivityEntry(
            None, "import", self.status, "", self.queued_at, None, self.message or self.now_doing, self.counts
        )

