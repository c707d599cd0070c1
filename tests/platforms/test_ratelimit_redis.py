"""The limiter on the Redis store: the same guarantees, shared across real processes.

Each test uses its own key prefix and deletes only its own keys.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from platforms.errors import RateLimited
from platforms.ratelimit import (
    KEY_PREFIX,
    RedisWindowStore,
    SlidingWindowLimiter,
    limiter_for,
)
from tests.platforms.helpers import FakeClock, busiest_window

pytestmark = pytest.mark.redis

REDIS_URL = os.environ.get("REDIS_URL", "")  # the redis marker checks that it is set and answers
REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def redis_client() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_URL)
    yield client
    client.close()


@pytest.fixture
def prefix(redis_client: redis.Redis) -> Iterator[str]:
    prefix = f"gamedjinn:test:{uuid.uuid4().hex}:"
    yield prefix
    keys = list(redis_client.scan_iter(match=prefix + "*"))
    if keys:
        redis_client.delete(*keys)


def test_it_fills_the_window_exactly_on_a_test_clock(
    redis_client: redis.Redis, prefix: str
) -> None:
    clock = FakeClock(start=1_800_000_000.0)
    store = RedisWindowStore(redis_client, prefix=prefix, server_time=False)
    limiter = SlidingWindowLimiter("exact", 3, 10, store, clock=clock, sleep=clock.sleep)
    admitted = []
    for _ in range(30):
        limiter.acquire()
        admitted.append(clock.now)
    assert admitted == [1_800_000_000.0 + (i // 3) * 10 for i in range(30)]


def test_it_shares_a_pause_between_limiters_on_server_time(
    redis_client: redis.Redis, prefix: str
) -> None:
    first = SlidingWindowLimiter("paused", 100, 60, RedisWindowStore(redis_client, prefix=prefix))
    second = SlidingWindowLimiter("paused", 100, 60, RedisWindowStore(redis_client, prefix=prefix))
    first.pause(30)
    with pytest.raises(RateLimited) as caught:
        second.acquire(max_wait=5)
    assert 25 <= caught.value.retry_after_seconds <= 31
    assert redis_client.pttl(prefix + "paused:paused") > 25_000


def test_it_expires_its_keys_so_idle_limiters_leave_nothing_behind(
    redis_client: redis.Redis, prefix: str
) -> None:
    limiter = SlidingWindowLimiter("ttl", 5, 2, RedisWindowStore(redis_client, prefix=prefix))
    limiter.acquire()
    assert 0 < redis_client.pttl(prefix + "ttl") <= 3_000


def test_it_builds_a_redis_backed_limiter_from_a_url(redis_client: redis.Redis) -> None:
    name = f"factory-{uuid.uuid4().hex}"
    try:
        limiter = limiter_for(name, 2, 60, REDIS_URL)
        assert limiter_for(name, 2, 60, REDIS_URL) is limiter
        limiter.acquire()
        limiter.acquire()
        assert redis_client.zcard(KEY_PREFIX + name) == 2
        with pytest.raises(RateLimited):
            limiter.acquire(max_wait=1)
    finally:
        redis_client.delete(KEY_PREFIX + name)


# The child runs in a fresh interpreter (not a fork) so it shares nothing with the test process
# but Redis. It prints the Redis-time stamps of its own admissions.
CHILD = """
import json, sys
import redis
from platforms.ratelimit import RedisWindowStore, SlidingWindowLimiter

url, prefix, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = RedisWindowStore(redis.Redis.from_url(url), prefix=prefix)
admitted = []
class Recording:
    def try_acquire(self, *args):
        decision = store.try_acquire(*args)
        if decision.admitted:
            admitted.append(decision.at)
        return decision
    def pause(self, *args):
        store.pause(*args)
limiter = SlidingWindowLimiter("shared", 10, 0.5, Recording())
for _ in range(count):
    limiter.acquire()
print(json.dumps(admitted))
"""


def test_it_shares_one_window_between_two_processes(prefix: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, REDIS_URL, prefix, "30"],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=REPO_ROOT,
        )
        for _ in range(2)
    ]
    results = []
    for child in children:
        out, _ = child.communicate(timeout=30)
        assert child.returncode == 0
        results.append(json.loads(out))
    assert [len(r) for r in results] == [30, 30]
    admitted = sorted(results[0] + results[1])
    assert busiest_window(admitted, 0.5) == 10
    # Both processes drew from one pipe and kept it full: 50 admissions after the first
    # burst of 10 in about five windows.
    achieved = 50 / (admitted[-1] - admitted[0])
    assert achieved >= 0.95 * (10 / 0.5)
