"""A limiter says how long until it would admit a request without taking a slot, on both stores:
the sync uses it to choose which of two phases sends next."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import redis

from platforms.ratelimit import MemoryWindowStore, RedisWindowStore, SlidingWindowLimiter
from tests.platforms.helpers import FakeClock

START = 1_800_000_000.0


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def store(request: pytest.FixtureRequest) -> Iterator[MemoryWindowStore | RedisWindowStore]:
    if request.param == "memory":
        yield MemoryWindowStore()
        return
    client = redis.Redis.from_url(os.environ.get("REDIS_URL", ""))
    prefix = f"gamedjinn:test:{uuid.uuid4().hex}:"
    yield RedisWindowStore(client, prefix=prefix, server_time=False)
    keys = list(client.scan_iter(match=prefix + "*"))
    if keys:
        client.delete(*keys)
    client.close()


def test_it_says_how_long_until_the_next_slot_without_taking_one(store) -> None:
    clock = FakeClock(start=START)
    limiter = SlidingWindowLimiter("peek", 2, 10, store, clock=clock, sleep=clock.sleep)

    assert limiter.wait_time() == 0
    assert limiter.wait_time() == 0  # asking took nothing
    limiter.acquire()
    clock.now += 4
    limiter.acquire()
    assert limiter.wait_time() == pytest.approx(6)  # the first admission leaves the window at +10
    clock.now += 6
    assert limiter.wait_time() == 0
    assert limiter.acquire() == 0  # the slot the answer promised is there


def test_it_counts_a_pause_as_waiting(store) -> None:
    clock = FakeClock(start=START)
    limiter = SlidingWindowLimiter("peek-pause", 5, 10, store, clock=clock, sleep=clock.sleep)

    limiter.pause(30)

    assert limiter.wait_time() == pytest.approx(30)
