"""The sliding-window limiter on an in-memory store, driven by a fake clock.

A fake clock makes the two promises exact: never more than N admissions in any window, and the
next admission at the very instant the oldest one leaves the window (the pipe stays full).
"""

from __future__ import annotations

import random
import threading
import time
from datetime import UTC, datetime

import pytest

from platforms.errors import RateLimited
from platforms.ratelimit import MemoryWindowStore, SlidingWindowLimiter, limiter_for
from tests.platforms.helpers import FakeClock, RecordingStore, busiest_window


def make_limiter(clock: FakeClock, requests: int = 10, seconds: float = 60) -> SlidingWindowLimiter:
    return SlidingWindowLimiter(
        "test", requests, seconds, MemoryWindowStore(), clock=clock, sleep=clock.sleep
    )


def test_it_never_admits_more_than_n_in_any_window_under_irregular_traffic() -> None:
    clock = FakeClock()
    limiter = make_limiter(clock, requests=10, seconds=60)
    rng = random.Random(3)
    admitted = []
    for _ in range(500):
        clock.now += rng.choice([0, 0, 0, 0.5, 3, 17, 45])  # bursts and lulls
        limiter.acquire()
        admitted.append(clock.now)
    assert busiest_window(admitted, 60) == 10


def test_it_admits_the_next_request_the_instant_the_oldest_leaves_the_window() -> None:
    clock = FakeClock(start=0.0)
    limiter = make_limiter(clock, requests=10, seconds=60)
    admitted = []
    for _ in range(1000):
        limiter.acquire()
        admitted.append(clock.now)
    assert admitted == [(i // 10) * 60.0 for i in range(1000)]
    achieved = 1000 / (admitted[-1] + 60)
    assert achieved >= 0.95 * (10 / 60)


def test_it_reports_how_long_the_caller_waited() -> None:
    clock = FakeClock()
    limiter = make_limiter(clock, requests=1, seconds=5)
    assert limiter.acquire() == 0
    assert limiter.acquire() == pytest.approx(5.0)


def test_it_pauses_every_limiter_sharing_the_store_until_the_penalty_ends() -> None:
    clock = FakeClock()
    store = MemoryWindowStore()
    worker_a = SlidingWindowLimiter("steam", 100, 60, store, clock=clock, sleep=clock.sleep)
    worker_b = SlidingWindowLimiter("steam", 100, 60, store, clock=clock, sleep=clock.sleep)
    other = SlidingWindowLimiter("other", 100, 60, store, clock=clock, sleep=clock.sleep)
    start = clock.now
    worker_a.penalize(start + 30)
    other.acquire()
    assert clock.now == start, "a pause on one upstream must not slow another"
    worker_b.acquire()
    assert clock.now == pytest.approx(start + 30)


def test_it_never_shortens_a_longer_pause() -> None:
    clock = FakeClock()
    limiter = make_limiter(clock)
    start = clock.now
    limiter.pause(30)
    limiter.pause(5)
    limiter.acquire()
    assert clock.now == pytest.approx(start + 30)


def test_it_raises_rate_limited_instead_of_waiting_past_max_wait() -> None:
    clock = FakeClock()
    limiter = make_limiter(clock, requests=2, seconds=60)
    limiter.acquire()
    limiter.acquire()
    before = datetime.now(UTC)
    with pytest.raises(RateLimited) as caught:
        limiter.acquire(max_wait=10)
    assert clock.sleeps == [], "it must give up without sleeping first"
    assert 55 <= (caught.value.retry_at - before).total_seconds() <= 65
    assert not caught.value.permanent
    assert limiter.acquire(max_wait=60) == pytest.approx(60)


def test_it_keeps_the_window_across_threads_on_the_real_clock() -> None:
    store = RecordingStore(MemoryWindowStore())
    limiter = SlidingWindowLimiter("threads", 5, 0.2, store)
    start = time.monotonic()

    def work() -> None:
        for _ in range(10):
            limiter.acquire()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store.admitted) == 40
    assert busiest_window(store.admitted, 0.2) == 5
    # 40 admissions at 5 per 0.2 s need seven full windows after the first burst.
    assert time.monotonic() - start >= 7 * 0.2


def test_it_rejects_a_limit_that_admits_nothing() -> None:
    with pytest.raises(ValueError):
        SlidingWindowLimiter("none", 0, 60, MemoryWindowStore())


def test_it_caches_one_limiter_per_name_and_limit_in_a_process() -> None:
    first = limiter_for("cache-test", 5, 10, None)
    assert limiter_for("cache-test", 5, 10, "") is first
    assert limiter_for("cache-test", 6, 10, None) is not first
