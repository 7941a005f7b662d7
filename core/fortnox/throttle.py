"""Client-side rate limiting, so bokslut stays under Fortnox's 25 requests per 5 s instead of learning it from 429s.

Fortnox counts per client id and tenant with a 5-second sliding window; integrators found that bursts near the
nominal limit still got 429s, so the defaults are the safer 4 per second and 20 per rolling 5 seconds.

Fortnox's budget belongs to the client id and tenant, not to a process: every bokslut importing or exporting the same
company must share it, or together they draw 429s from themselves. One rule (Budget.claim) decides; where the starts
are kept depends on who shares them. On one machine with its SQLite store, in a small file per client and tenant under
the data directory, under a file lock. On the firm's shared PostgreSQL store, where accountants on several machines
import the same companies, in a table of that store, under an advisory lock, on a connection of its own (StoreBudget),
timed by the server's clock: wall-clock times are only ever compared with others from the same clock.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
import weakref
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import peewee as pw
from filelock import FileLock

from core.store.db import is_postgres_address, side_connection, store_failure
from core.store.locks import exclusive

DEFAULT_LIMITS: tuple[tuple[int, float], ...] = ((4, 1.0), (20, 5.0))

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[object]]


@dataclass
class _Starts:
    """The recent request starts of everyone sharing a budget, and the time no one may start before (after a 429)."""

    starts: list[float] = field(default_factory=list)
    not_before: float = float("-inf")

    @classmethod
    def from_json(cls, text: str | None) -> _Starts:
        """Missing or damaged is an empty budget: the worst it costs is one 429, which the client rides out."""
        try:
            data = json.loads(text or "")
            return cls([float(start) for start in data["starts"]], float(data["not_before"]))
        except (ValueError, KeyError, TypeError):
            return cls()

    def to_json(self) -> str:
        return json.dumps({"starts": self.starts, "not_before": max(self.not_before, -1.0)})


class Budget:
    """Decides whether a request may start now; the subclasses keep the starts where those sharing them see them.

    The keeping is locked only to read, decide and write: waiting happens outside it, so no process blocks another."""

    def claim(self, limits: Sequence[tuple[int, float]]) -> float:
        """Count a start now and return 0, or return how long to wait before asking again."""
        with self._kept() as (kept, now):
            wait = _wait_needed(limits, kept.starts, kept.not_before, now)
            if wait <= 0:
                kept.starts = [*kept.starts, now][-max(count for count, _ in limits) :]
        return max(wait, 0.0)

    def hold_off(self, seconds: float) -> None:
        """No one sharing the budget starts a request for `seconds` from now."""
        with self._kept() as (kept, now):
            kept.not_before = max(kept.not_before, now + seconds)

    def _kept(self) -> AbstractContextManager[tuple[_Starts, float]]:
        """The starts, locked, and the time now by the clock they were written with; what the caller changes is kept."""
        raise NotImplementedError


class MemoryBudget(Budget):
    """The starts of one process, for a limiter nobody else shares (tests, a client without a data directory)."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._starts = _Starts()

    @contextmanager
    def _kept(self) -> Iterator[tuple[_Starts, float]]:
        yield self._starts, self._clock()


class FileBudget(Budget):
    """The starts of every process on this machine using one client and tenant, in a JSON file under a file lock."""

    def __init__(self, path: Path, clock: Clock = time.time) -> None:
        self.path = path
        self._clock = clock
        self._lock = FileLock(str(path) + ".lock")

    @contextmanager
    def _kept(self) -> Iterator[tuple[_Starts, float]]:
        with self._lock:
            try:
                text = self.path.read_text(encoding="utf-8")
            except OSError:
                text = None
            kept = _Starts.from_json(text)
            yield kept, self._clock()
            if kept.to_json() != text:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.path.write_text(kept.to_json(), encoding="utf-8")


class StoreBudget(Budget):
    """The starts of every bokslut on the shared store using one client and tenant: a row of fortnox_budget.

    Read and written in a transaction of its own on a connection of its own, under an advisory lock for the key, so
    claiming never waits for an import's long transaction nor holds anyone up beyond its own few milliseconds. The
    server's clock times the starts, so hosts whose clocks disagree still keep one window."""

    def __init__(self, location: str, key: str) -> None:
        self._location = location
        self._key = key
        self._db: pw.Database | None = None

    @contextmanager
    def _kept(self) -> Iterator[tuple[_Starts, float]]:
        if self._db is None:
            self._db = side_connection(self._location)
        try:
            with exclusive(self._db, "fortnox-budget", self._key):
                now, text = self._db.execute_sql(
                    "SELECT EXTRACT(EPOCH FROM clock_timestamp()), (SELECT state FROM fortnox_budget WHERE key = ?)",
                    (self._key,),
                ).fetchone()
                kept = _Starts.from_json(text)
                yield kept, float(now)
                if kept.to_json() == text:  # a claim told to wait changed nothing
                    return
                self._db.execute_sql(
                    "INSERT INTO fortnox_budget (key, state) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET state = excluded.state",
                    (self._key, kept.to_json()),
                )
        except (pw.DatabaseError, pw.InterfaceError) as error:
            self._forget_connection()
            raise store_failure(error, self._location) or error from None

    def _forget_connection(self) -> None:
        """A failed connection is not reused: the next claim connects afresh (the server may be back)."""
        db, self._db = self._db, None
        with suppress(Exception):
            db.close()


def _wait_needed(limits: Sequence[tuple[int, float]], starts: list[float], not_before: float, now: float) -> float:
    waits = [not_before - now]
    for count, period in limits:
        if len(starts) >= count:
            waits.append(starts[-count] + period - now)
    return max(waits)


class RateLimiter:
    """Admits request starts so that no rolling period holds more than its limit; waiters go first come, first served.

    The budget (this process's, or one that other processes share) keeps the starts; the clock of a budget of its own
    and the sleep are injectable so the schedule can be tested without real waiting.
    """

    def __init__(
        self,
        limits: Sequence[tuple[int, float]] = DEFAULT_LIMITS,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        budget: Budget | None = None,
    ) -> None:
        if not limits or any(count < 1 or period <= 0 for count, period in limits):
            raise ValueError(f"rate limits must be positive (count, seconds) pairs, not {limits!r}")
        self.limits = tuple(limits)
        self._sleep = sleep
        self._budget = budget or MemoryBudget(clock)
        self._turn = asyncio.Lock()  # asyncio.Lock hands over in arrival order, which makes the limiter fair

    async def acquire(self) -> None:
        """Wait until one more request may start now, and count it as started."""
        async with self._turn:
            while (wait := self._budget.claim(self.limits)) > 0:
                await self._sleep(wait)

    def hold_off(self, seconds: float) -> None:
        """After a 429 everyone sharing this tenant must pause, not only the request that got it."""
        self._budget.hold_off(seconds)


_shared: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[str, str], RateLimiter]] = (
    weakref.WeakKeyDictionary()
)


def shared_limiter(api_url: str, tenant_key: str | None = None, budget: Budget | None = None) -> RateLimiter:
    """The one limiter for this tenant in this process, so concurrent jobs together stay under Fortnox's limit; with
    a shared budget (shared_budget()), also together with every other process that shares it.

    Kept per event loop because asyncio primitives belong to one loop; an app runs one loop, so the sharing holds.
    """
    per_loop = _shared.setdefault(asyncio.get_running_loop(), {})
    key = (api_url.rstrip("/"), tenant_key or api_url.rstrip("/"))
    if key not in per_loop:
        per_loop[key] = RateLimiter(budget=budget)
    return per_loop[key]


def shared_budget(store: str | Path, data_dir: Path, api_url: str, client_id: str, tenant_key: str) -> Budget:
    """Fortnox's budget for this client and tenant, kept where everyone who may use it sees it: in the shared store
    (every machine of the firm), else in a file under the data directory (every process on this machine).

    Named by a digest, since Fortnox counts per client id and tenant (the api address keeps a sandbox's budget apart
    from Fortnox's): the store never holds the client id or the company it belongs to."""
    key = hashlib.sha256(f"{api_url.rstrip('/')}\n{client_id}\n{tenant_key}".encode()).hexdigest()[:24]
    if is_postgres_address(store):
        return StoreBudget(str(store), key)
    return FileBudget(data_dir / "fortnox-budget" / f"{key}.json")
