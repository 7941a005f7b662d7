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
