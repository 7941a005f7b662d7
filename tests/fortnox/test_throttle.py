"""The client-side limiter: Fortnox's window is 25 per 5 s; bokslut keeps to 4 per second and 20 per rolling 5 s."""

from __future__ import annotations

import asyncio
import json

import pytest

from core.fortnox.throttle import DEFAULT_LIMITS, FileBudget, RateLimiter, StoreBudget, shared_limiter
from core.store.db import open_store, side_connection
from core.store.locks import is_postgres


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
        RateLimiter(clock=clock, sleep=clock.sleep, budget=FileBudget(path, clock)) for _ in range(2)
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


def test_budgets_kept_in_the_shared_store_keep_the_limit_together(store_address):
    """Two machines' budgets, as two objects on one PostgreSQL store: the 21st start in a burst waits, whoever asks,
    and a 429 one met holds the other off. Timed by the server's clock, so the waits are only bounded, not exact."""
    db = open_store(store_address)
    if not is_postgres(db):
        db.close()
        pytest.skip("a SQLite store is one machine's: its processes share a budget file (above)")
    first, second = StoreBudget(str(store_address), "tenant"), StoreBudget(str(store_address), "tenant")
    limits = [(20, 5.0)]
    assert [(first if n % 2 else second).claim(limits) for n in range(20)] == [0.0] * 20
    assert 0 < first.claim(limits) <= 5.0
    assert 0 < second.claim(limits) <= 5.0
    assert StoreBudget(str(store_address), "another tenant").claim(limits) == 0.0
    second.hold_off(60.0)
    assert 55.0 < first.claim([(1000, 0.001)]) <= 60.0
    db.close()


def test_claiming_from_the_shared_store_commits_on_its_own_while_an_import_holds_a_transaction(store_address):
    """An import writes in one long transaction; a budget row written in it would stay locked and unseen by everyone
    else until it commits. The budget's own connection commits each claim at once."""
    db = open_store(store_address)
    if not is_postgres(db):
        db.close()
        pytest.skip("a SQLite store keeps no budget: its processes share a budget file")
    onlooker = side_connection(str(store_address))  # another bokslut's connection
    with db.atomic():
        db.execute_sql("INSERT INTO company (name, created) VALUES ('Mitt i importen AB', '2025-01-01')")
        assert StoreBudget(str(store_address), "tenant").claim(DEFAULT_LIMITS) == 0.0
        seen = onlooker.execute_sql("SELECT state FROM fortnox_budget WHERE key = 'tenant'").fetchone()
        assert seen is not None and len(json.loads(seen[0])["starts"]) == 1
        assert onlooker.execute_sql("SELECT COUNT(*) FROM company").fetchone()[0] == 0
    onlooker.close()
    db.close()
