"""Client-side rate limiting, so bokslut stays under Fortnox's 25 requests per 5 s instead of learning it from 429s.

Fortnox counts per client id and tenant with a 5-second sliding window; integrators found that bursts near the
nominal limit still got 429s, so the defaults are the safer 4 per second and 20 per rolling 5 seconds.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections import deque
from collections.abc import Awaitable, Callable, Sequence

DEFAULT_LIMITS: tuple[tuple[int, float], ...] = ((4, 1.0), (20, 5.0))

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[object]]


class RateLimiter:
    """Admits request starts so that no rolling period holds more than its limit; waiters go first come, first served.

    The clock and sleep are injectable so the schedule can be tested without real waiting.
    """

    def __init__(
        self,
        limits: Sequence[tuple[int, float]] = DEFAULT_LIMITS,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if not limits or any(count < 1 or period <= 0 for count, period in limits):
            raise ValueError(f"rate limits must be positive (count, seconds) pairs, not {limits!r}")
        self.limits = tuple(limits)
        self._clock = clock
        self._sleep = sleep
        self._starts: deque[float] = deque(maxlen=max(count for count, _ in self.limits))
        self._not_before = float("-inf")
        self._turn = asyncio.Lock()  # asyncio.Lock hands over in arrival order, which makes the limiter fair

    async def acquire(self) -> None:
        """Wait until one more request may start now, and count it as started."""
        async with self._turn:
            while (wait := self._wait_needed(self._clock())) > 0:
                await self._sleep(wait)
            self._starts.append(self._clock())

    def hold_off(self, seconds: float) -> None:
        """After a 429 everyone sharing this tenant must pause, not only the request that got it."""
        self._not_before = max(self._not_before, self._clock() + seconds)

    def _wait_needed(self, now: float) -> float:
        waits = [self._not_before - now]
        for count, period in self.limits:
            if len(self._starts) >= count:
                waits.append(self._starts[-count] + period - now)
        return max(waits)


_shared: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[str, str], RateLimiter]] = (
    weakref.WeakKeyDictionary()
)


def shared_limiter(api_url: str, tenant_key: str | None = None) -> RateLimiter:
    """The one limiter for this tenant in this process, so concurrent jobs together stay under Fortnox's limit.

    Kept per event loop because asyncio primitives belong to one loop; an app runs one loop, so the sharing holds.
    """
    per_loop = _shared.setdefault(asyncio.get_running_loop(), {})
    key = (api_url.rstrip("/"), tenant_key or api_url.rstrip("/"))
    if key not in per_loop:
        per_loop[key] = RateLimiter()
    return per_loop[key]
