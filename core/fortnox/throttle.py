"""Client-side rate limiting, so bokslut stays under Fortnox's 25 requests per 5 s instead of learning it from 429s.

Fortnox counts per client id and tenant with a 5-second sliding window; integrators found that bursts near the
nominal limit still got 429s, so the defaults are the safer 4 per second and 20 per rolling 5 seconds.

Fortnox's budget belongs to the client id and tenant, not to a process: two bokslut processes importing or exporting
the same company on one machine must share it, or together they draw 429s from themselves. The starts are therefore
kept in a small file per client and tenant under the data directory, read and written under a file lock. A file, not a
table in the store: the refresh token lives per machine too (keyring or token file), so a second machine is a second
consent, and a budget file needs no schema change, no write transaction competing with an import's, and no clock
shared between hosts (wall-clock times are compared only on the machine that wrote them).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
import weakref
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from filelock import FileLock

DEFAULT_LIMITS: tuple[tuple[int, float], ...] = ((4, 1.0), (20, 5.0))

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[object]]


class MemoryBudget:
    """The starts of one process, for a limiter nobody else shares (tests, a client without a data directory)."""

    def __init__(self, limits: Sequence[tuple[int, float]]) -> None:
        self._starts: deque[float] = deque(maxlen=max(count for count, _ in limits))
        self._not_before = float("-inf")

    def claim(self, limits: Sequence[tuple[int, float]], now: float) -> float:
        """Count a start now and return 0, or return how long to wait before asking again."""
        wait = _wait_needed(limits, list(self._starts), self._not_before, now)
        if wait <= 0:
            self._starts.append(now)
        return wait

    def hold_off(self, until: float) -> None:
        self._not_before = max(self._not_before, until)


class FileBudget:
    """The starts of every process on this machine using one client and tenant, in a JSON file under a file lock.

    The lock is held only to read, decide and write: waiting happens outside it, so no process blocks another."""

    def __init__(self, path: Path, limits: Sequence[tuple[int, float]]) -> None:
        self.path = path
        self._keep = max(count for count, _ in limits)
        self._lock = FileLock(str(path) + ".lock")

    def claim(self, limits: Sequence[tuple[int, float]], now: float) -> float:
        with self._lock:
            starts, not_before = self._read()
            wait = _wait_needed(limits, starts, not_before, now)
            if wait <= 0:
                self._write([*starts, now][-self._keep :], not_before)
        return wait

    def hold_off(self, until: float) -> None:
        with self._lock:
            starts, not_before = self._read()
            self._write(starts, max(not_before, until))

    def _read(self) -> tuple[list[float], float]:
        """A missing or damaged file is an empty budget: the worst it costs is one 429, which the client rides out."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return [float(start) for start in data["starts"]], float(data["not_before"])
        except (OSError, ValueError, KeyError, TypeError):
            return [], float("-inf")

    def _write(self, starts: list[float], not_before: float) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps({"starts": starts, "not_before": max(not_before, -1.0)}), encoding="utf-8")


def _wait_needed(limits: Sequence[tuple[int, float]], starts: list[float], not_before: float, now: float) -> float:
    waits = [not_before - now]
    for count, period in limits:
        if len(starts) >= count:
            waits.append(starts[-count] + period - now)
    return max(waits)


class RateLimiter:
    """Admits request starts so that no rolling period holds more than its limit; waiters go first come, first served.

    The budget (this process's, or a file every process on the machine shares) keeps the starts; the clock and sleep
    are injectable so the schedule can be tested without real waiting. A shared budget needs the wall clock.
    """

    def __init__(
        self,
        limits: Sequence[tuple[int, float]] = DEFAULT_LIMITS,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        budget: MemoryBudget | FileBudget | None = None,
    ) -> None:
        if not limits or any(count < 1 or period <= 0 for count, period in limits):
            raise ValueError(f"rate limits must be positive (count, seconds) pairs, not {limits!r}")
        self.limits = tuple(limits)
        self._clock = clock
        self._sleep = sleep
        self._budget = budget or MemoryBudget(self.limits)
        self._turn = asyncio.Lock()  # asyncio.Lock hands over in arrival order, which makes the limiter fair

    async def acquire(self) -> None:
        """Wait until one more request may start now, and count it as started."""
        async with self._turn:
            while (wait := self._budget.claim(self.limits, self._clock())) > 0:
                await self._sleep(wait)

    def hold_off(self, seconds: float) -> None:
        """After a 429 everyone sharing this tenant must pause, not only the request that got it."""
        self._budget.hold_off(self._clock() + seconds)


_shared: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[str, str], RateLimiter]] = (
    weakref.WeakKeyDictionary()
)


def shared_limiter(api_url: str, tenant_key: str | None = None, budget_file: Path | None = None) -> RateLimiter:
    """The one limiter for this tenant in this process, so concurrent jobs together stay under Fortnox's limit; with
    a budget file (budget_file()), also together with every other process on the machine using it.

    Kept per event loop because asyncio primitives belong to one loop; an app runs one loop, so the sharing holds.
    """
    per_loop = _shared.setdefault(asyncio.get_running_loop(), {})
    key = (api_url.rstrip("/"), tenant_key or api_url.rstrip("/"))
    if key not in per_loop:
        shared = FileBudget(budget_file, DEFAULT_LIMITS) if budget_file else None
        per_loop[key] = RateLimiter(clock=time.time, budget=shared) if shared else RateLimiter()
    return per_loop[key]


def budget_file(data_dir: Path, api_url: str, client_id: str, tenant_key: str) -> Path:
    """Where Fortnox's budget for this client and tenant is kept on this machine: one file per pair, since Fortnox
    counts per client id and tenant (the api address keeps a sandbox's budget apart from Fortnox's)."""
    digest = hashlib.sha256(f"{api_url.rstrip('/')}\n{client_id}\n{tenant_key}".encode()).hexdigest()[:24]
    return data_dir / "fortnox-budget" / f"{digest}.json"
