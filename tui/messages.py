"""Messages that workers post; handlers on the UI thread own every change to what is shown."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.message import Message

from tui.jobs import ImportJob


@dataclass
class QueryDone(Message):
    """A store query finished in a worker; `apply` shows `value` on the UI thread."""

    value: Any
    apply: Callable[[Any], None]


@dataclass
class ImportJobChanged(Message):
    """An import was queued, progressed or ended."""

    job: ImportJob


@dataclass
class ActivityLoaded(Message):
    """The stored activity history, newest first, read after startup and after each job."""

    entries: list


@dataclass
class ConnectShown(Message):
    """The connect worker has the address to open (`url`) or the listener's state (`listening`); `attempt` tells
    an answer from the current attempt from one a cancelled attempt sends on its way out."""

    url: str | None = None
    listening: str | None = None
    attempt: int = 0


@dataclass
class ConnectEnded(Message):
    """A connect finished: `result` (a core ConnectResult) or `error`, one readable line; both None when cancelled."""

    result: Any = None
    error: str | None = None
    attempt: int = 0


@dataclass
class DisconnectEnded(Message):
    """A disconnect finished: `revoked` (Fortnox confirmed) or `error`."""

    revoked: bool = False
    error: str | None = None


@dataclass
class FortnoxWorkEnded(Message):
    """A connect or disconnect ended: the activity log and the company's source may have changed."""


@dataclass
class SeriesRead(Message):
    """The target year's voucher series (core SeriesChoice) came from Fortnox, or `error` says why not."""

    series: list | None = None
    error: str | None = None


@dataclass
class PreflightDone(Message):
    """A preflight ended: `preflight` (core Preflight) or `error`, one readable line."""

    preflight: Any = None
    error: str | None = None


@dataclass
class ExportProgressed(Message):
    """One entry of a running export reached a step (core EntryResult)."""

    result: Any


@dataclass
class ExportEnded(Message):
    """An export ended: `summary` of what was done, `error` when it stopped; the store holds each entry's status."""

    summary: str = ""
    error: str | None = None
