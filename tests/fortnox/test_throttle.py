"""The client-side limiter: Fortnox's window is 25 per 5 s; bokslut keeps to 4 per second and 20 per rolling 5 s."""

from __future__ import annotations

import asyncio

from core.fortnox.throttle import DEFAULT_LIMITS, FileBudget, RateLimiter, shared_limiter


class FakeClock:
    """Time that passes only when someone sleeps, so schedules are exact and tests never wait."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


def most_in_any_window(starts: list[float], period: float) -> int:
    return max(sum(1 for other in starts if start <= other < start + period) for start in starts)


async def test_schedule_is_four_a_second_and_twenty_per_five_seconds():
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    starts = []
    for _ in range(44):
        await limiter.acquire()
        starts.append(clock.now)

    # 4 per second for the first 5 s uses up the 20, then the 5 s window frees 4 a second again.
    assert starts == [float(second) for second in range(11) for _ in range(4)]
    assert most_in_any_window(starts, 1.0) == 4
    assert most_in_any_window(starts, 5.0) == 20


async def test_rolling_window_admits_a_burst_then_waits_for_the_oldest_start_to_leave():
    """4 per second already implies 20 per 5 s, so the 5 s rule is shown on its own: a burst, then one by one."""
    clock = FakeClock()
    limiter = RateLimiter([(20, 5.0)], clock=clock, sleep=clock.sleep)
    starts = []
    for _ in range(20):
        await limiter.acquire()
        starts.append(clock.now)
        await clock.sleep(0.125)  # the 20 starts spread over 0 .. 2.375 s (exact in binary)
    for _ in range(3):
        await limiter.acquire()
        starts.append(clock.now)

    assert starts[19] == 2.375
    assert starts[20:] == [5.0, 5.125, 5.25]  # each waits exactly until a start from 5 s earlier has left the window
    assert most_in_any_window(starts, 5.0) == 20


async def test_waiters_are_served_in_arrival_order_and_together_keep_the_limit():
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    served: list[tuple[int, float]] = []

    async def job(number: int) -> None:
        await limiter.acquire()
        served.append((number, clock.now))

    tasks = []
    for number in range(30):
        tasks.append(asyncio.create_task(job(number)))
        await asyncio.sleep(0)  # make the arrival order explicit
    await asyncio.gather(*tasks)

    assert [number for number, _ in served] == list(range(30))
    starts = [at for _, at in served]
    assert most_in_any_window(starts, 1.0) == 4
    assert most_in_any_window(starts, 5.0) == 20


async def test_hold_off_after_a_429_pauses_everyone_sharing_the_limiter():
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    await limiter.acquire()
    limiter.hold_off(5.0)
    await limiter.acquire()
    assert clock.now == 5.0


async def test_one_limiter_per_tenant_shared_by_every_client_in_the_process():
    api = "https://api.fortnox.se/3"
    assert shared_limiter(api) is shared_limiter(api + "/")
    assert shared_limiter(api, "tenant-1") is shared_limiter(api, "tenant-1")
    assert shared_limiter(api, "tenant-1") is not shared_limiter(api, "tenant-2")
    assert shared_limiter(api) is not shared_limiter("http://127.0.0.1:9999/3")


async def test_limiters_sharing_a_budget_file_keep_the_limit_together(tmp_path):
    """Two processes' limiters, as two objects on one file: together 4 a second and 20 per 5 s, not twice that."""
    clock = FakeClock()
    path = tmp_path / "budget" / "tenant.json"
    first, second = (
        RateLimiter(clock=clock, sleep=clock.sleep, budget=FileBudget(path, DEFAULT_LIMITS)) for _ in range(2)
    )
    starts = []
    for _ in range(22):
        for limiter in (first, second):
            await limiter.acquire()
            starts.append(clock.now)
    assert most_in_any_window(starts, 1.0) == 4
    assert most_in_any_window(starts, 5.0) == 20
    first.hold_off(5.0)
    paused = clock.now
    await second.acquire()
    assert clock.now == paused + 5.0  # a 429 one process met pauses the other too
