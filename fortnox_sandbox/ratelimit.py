"""Fortnox's rate limit: 25 requests per sliding 5-second window per client and tenant (reference section 6).

What happens over the limit is not documented (no body format, no Retry-After), so the sandbox chooses:
429 with {"message":"Too many requests"} and a Retry-After header holding the whole seconds until the oldest
counted request leaves the window. Rejected requests are not counted, so a client that waits Retry-After
always gets through. Time comes from the sandbox Clock, so tests advance it instead of sleeping.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Hashable

from fortnox_sandbox.clock import Clock

REQUESTS_PER_WINDOW = 25
WINDOW_SECONDS = 5.0


class SlidingWindowLimiter:
    def __init__(self, clock: Clock, limit: int = REQUESTS_PER_WINDOW, window_seconds: float = WINDOW_SECONDS) -> None:
        self._clock = clock
        self._limit = limit
        self._window = window_seconds
        self._lock = threading.Lock()
        self._seen: dict[Hashable, deque[float]] = {}

    def admit(self, key: Hashable) -> int | None:
        """Count the request and return None, or return the Retry-After seconds without counting it."""
        now = self._clock.now().timestamp()
        with self._lock:
            seen = self._seen.setdefault(key, deque())
            while seen and seen[0] <= now - self._window:
                seen.popleft()
            if len(seen) >= self._limit:
                return max(1, math.ceil(seen[0] + self._window - now))
            seen.append(now)
            return None
