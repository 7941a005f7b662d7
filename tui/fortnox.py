"""The app's side of the Fortnox conversation: a connect running in a worker thread's own event loop, fed with
pasted lines and cancelled from the UI thread, and the connection's state read for the screens.

Everything here runs in workers or is thread-safe; no widget is touched.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from core.config import Settings
from core.errors import BokslutError, user_message
from core.fortnox.connection import company_status
from core.fortnox.tokens import StoreKind
from core.store.models import Company

T = TypeVar("T")


def tell(node, message) -> None:
    """Post from a worker thread to a screen that may have gone meanwhile (Esc): then there is no one to tell."""
    with contextlib.suppress(RuntimeError):  # textual's NoActiveAppError, for a screen no longer in the app
        node.post_message(message)


class Conversation:
    """A coroutine run to its end in the calling (worker) thread; `paste` and `cancel` may be called from any thread.

    Pasted lines reach the coroutine through `lines()`, an asyncio.Queue in the worker's loop. Cancelling cancels
    the coroutine's task, so whatever it holds open (the redirect listener, HTTP clients) closes on the way out.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task | None = None
        self._queue: asyncio.Queue[str] | None = None
        self._cancelled = False
        self.finished = threading.Event()

    def run(self, work: Callable[[AsyncIterator[str]], Awaitable[T]]) -> T:
        """In the worker thread: `work(lines)` in a fresh event loop. Raises asyncio.CancelledError when cancelled."""
        try:
            return asyncio.run(self._main(work))
        finally:
            with self._lock:
                self._loop = self._task = self._queue = None
            self.finished.set()

    async def _main(self, work: Callable[[AsyncIterator[str]], Awaitable[T]]) -> T:
        with self._lock:
            if self._cancelled:
                raise asyncio.CancelledError
            self._loop, self._task, self._queue = asyncio.get_running_loop(), asyncio.current_task(), asyncio.Queue()
        return await work(self._lines(self._queue))

    @staticmethod
    async def _lines(queue: asyncio.Queue[str]) -> AsyncIterator[str]:
        while True:
            yield await queue.get()

    def paste(self, text: str) -> bool:
        """False when nothing waits for a line any more."""
        with self._lock:
            if self._loop is None or self._queue is None:
                return False
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                self._loop.call_soon_threadsafe(self._queue.put_nowait, text)
                return True
            return False

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            if self._loop is not None and self._task is not None:
                with contextlib.suppress(RuntimeError):
                    self._loop.call_soon_threadsafe(self._task.cancel)


@dataclass(frozen=True, slots=True)
class FortnoxStatus:
    """What the screens show about a company's source and Fortnox connection; never a token."""

    company_id: int
    name: str
    org_number: str  # ten digits, "" when unknown
    source: str  # one of core.ledger.SOURCES
    connection: str  # connected, expired, disconnected
    days_left: int | None  # None for a service account: its consent lasts until revoked
    token_store: StoreKind | None
    error: str = ""  # why the connection could not be read (e.g. a bad [fortnox] table)
    account: str | None = None  # "user" or "service" while a connection is kept, as core's company_status says

    @property
    def fortnox(self) -> bool:
        return self.source == "fortnox"

    @property
    def service_account(self) -> bool:
        """A service account connects again as one (its consent renewed by an administrator or a known tenant)."""
        return self.account == "service"


def read_status(settings: Settings, company_id: int, *, connection: bool = True) -> FortnoxStatus:
    """In a worker, inside a store connection. The token store is only asked when `connection` is wanted."""
    company = Company.get_by_id(company_id)
    base = dict(company_id=company.id, name=company.name, org_number=company.org_number or "", source=company.source)
    if not connection:
        return FortnoxStatus(**base, connection="disconnected", days_left=None, token_store=None)
    try:
        status = company_status(settings, company)
    except (BokslutError, OSError, ValueError) as error:
        message = user_message(error)
        return FortnoxStatus(**base, connection="disconnected", days_left=None, token_store=None, error=message)
    medium, where = status["token_store_medium"], status["token_store_where"]
    return FortnoxStatus(
        **base,
        connection=status["connection"],
        days_left=status["days_left"],
        token_store=StoreKind(medium, where) if medium else None,
        account=status["account"],
    )
