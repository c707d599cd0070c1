"""A sliding-window-log rate limiter shared by every worker that talks to one upstream.

Why a log and not a token bucket: Steam's store allows about 200 requests per 5 minutes and
answers a burst beyond that with 429s that escalate to hours-long 403 blocks for the whole home
IP. A log of admission times guarantees that no window of ``seconds`` ever holds more than
``requests`` admissions, and it admits the next request the instant the oldest one ages out, so
a long enrichment run keeps the pipe full instead of idling on a coarse refill schedule.

Celery's own ``rate_limit`` is per worker, so in production the log lives in Redis (one sorted set
per upstream, updated by an atomic Lua script on Redis server time so that clocks of different
hosts never disagree). In embedded mode everything runs in one process and the log lives in
memory. Both stores sit behind ``WindowStore``.

The guarantee is about admission times. Network jitter can still bunch requests up on arrival,
which is one reason to configure limits below the upstream's published ones.
"""

from __future__ import annotations

import math
import os
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple, Protocol

from platforms.errors import RateLimited

if TYPE_CHECKING:
    import redis

KEY_PREFIX = "gamedjinn:ratelimit:"

# A store that says "not yet" with a zero wait (rounding at a window edge) must not make the
# caller spin; this is the shortest sleep the limiter will take.
_MIN_WAIT = 0.0005


class Decision(NamedTuple):
    """One answer from a store.

    ``at`` is the store's own time of the decision (the admission time when admitted), in
    seconds; it lets tests check the window guarantee against the very timestamps the store used.
    """

    admitted: bool
    wait: float
    at: float


class WindowStore(Protocol):
    """Where admission logs live. Times are seconds; ``now`` is the caller's clock reading,
    which a store may ignore in favour of a shared clock of its own."""

    def try_acquire(self, key: str, limit: int, window: float, now: float) -> Decision:
        """Admit and log one request, or say how long until a slot may be free."""
        ...

    def pause(self, key: str, seconds: float, now: float) -> None:
        """Refuse every request on ``key`` for ``seconds`` (never shortening a longer pause)."""
        ...

    def peek(self, key: str, limit: int, window: float, now: float) -> float:
        """How long until ``try_acquire`` would admit one request (0: now); logs nothing."""
        ...


class MemoryWindowStore:
    """An in-process store; thread-safe, for embedded mode and tests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._logs: dict[str, deque[float]] = {}
        self._paused_until: dict[str, float] = {}

    def try_acquire(self, key: str, limit: int, window: float, now: float) -> Decision:
        return self._decide(key, limit, window, now, admit=True)

    def peek(self, key: str, limit: int, window: float, now: float) -> float:
        return self._decide(key, limit, window, now, admit=False).wait

    def _decide(self, key: str, limit: int, window: float, now: float, *, admit: bool) -> Decision:
        """try_acquire's answer; logs the admission only when ADMIT."""
        with self._lock:
            log = self._logs.setdefault(key, deque())
            # Threads read the clock before taking the lock, so a late reading can arrive first.
            # Logging it at the newest time keeps the log sorted and only errs on the safe side.
            if log and now < log[-1]:
                now = log[-1]
            paused_until = self._paused_until.get(key, -math.inf)
            if paused_until > now:
                return Decision(False, paused_until - now, now)
            cutoff = now - window
            while log and log[0] <= cutoff:
                log.popleft()
            if len(log) < limit:
                if admit:
                    log.append(now)
                return Decision(admit, 0.0, now)
            return Decision(False, log[0] + window - now, now)

    def pause(self, key: str, seconds: float, now: float) -> None:
        with self._lock:
            until = now + seconds
            if until > self._paused_until.get(key, -math.inf):
                self._paused_until[key] = until


# Admits and logs one request as member ARGV[4], or, given no member, only answers (a peek).
# Integer microseconds throughout: Lua numbers are doubles and Redis converts them to strings with
# 14 significant digits, which would round epoch seconds to 0.1 ms and let a window overfill.
_ACQUIRE_LUA = """
local now
if ARGV[3] == '' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
else
  now = tonumber(ARGV[3])
end
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > now then
  return {0, string.format('%.0f', paused - now), string.format('%.0f', now)}
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now - window))
if redis.call('ZCARD', KEYS[1]) < limit then
  if ARGV[4] == '' then
    return {0, '0', string.format('%.0f', now)}
  end
  redis.call('ZADD', KEYS[1], string.format('%.0f', now), ARGV[4])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) + 1000)
  return {1, '0', string.format('%.0f', now)}
end
local oldest = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
return {0, string.format('%.0f', oldest + window - now), string.format('%.0f', now)}
"""

_PAUSE_LUA = """
local now
if ARGV[2] == '' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
else
  now = tonumber(ARGV[2])
end
local untilts = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilts > current then
  redis.call('SET', KEYS[1], string.format('%.0f', untilts),
             'PX', math.ceil((untilts - now) / 1000) + 1000)
end
return 1
"""


class RedisWindowStore:
    """A store shared by every process that can reach one Redis.

    Keys are ``<prefix><name>`` (a sorted set of admission times) and ``<prefix><name>:paused``.
    With ``server_time`` (the default) the Lua script reads Redis ``TIME``, so hosts with drifting
    clocks still agree; turn it off only to drive the store from a test clock.
    """

    def __init__(
        self, client: redis.Redis, *, prefix: str = KEY_PREFIX, server_time: bool = True
    ) -> None:
        self._client = client
        self._prefix = prefix
        self._server_time = server_time
        self._acquire = client.register_script(_ACQUIRE_LUA)
        self._pause = client.register_script(_PAUSE_LUA)

    def _now_arg(self, now: float) -> str:
        return "" if self._server_time else str(round(now * 1_000_000))

    def try_acquire(self, key: str, limit: int, window: float, now: float) -> Decision:
        full_key = self._prefix + key
        admitted, wait_us, at_us = self._acquire(
            keys=[full_key, full_key + ":paused"],
            args=[limit, round(window * 1_000_000), self._now_arg(now), uuid.uuid4().hex],
        )
        return Decision(bool(int(admitted)), int(wait_us) / 1_000_000, int(at_us) / 1_000_000)

    def peek(self, key: str, limit: int, window: float, now: float) -> float:
        full_key = self._prefix + key
        _, wait_us, _ = self._acquire(
            keys=[full_key, full_key + ":paused"],
            args=[limit, round(window * 1_000_000), self._now_arg(now), ""],
        )
        return int(wait_us) / 1_000_000

    def pause(self, key: str, seconds: float, now: float) -> None:
        self._pause(
            keys=[self._prefix + key + ":paused"],
            args=[round(max(0.0, seconds) * 1_000_000), self._now_arg(now)],
        )


class SlidingWindowLimiter:
    """At most ``requests`` admissions in any ``seconds``-long window, across everyone sharing
    ``store``; ``acquire`` blocks until the caller may send one request."""

    def __init__(
        self,
        name: str,
        requests: int,
        seconds: float,
        store: WindowStore,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if requests < 1 or seconds <= 0:
            raise ValueError(f"rate limit {requests}/{seconds} must allow at least one request")
        self.name = name
        self.requests = requests
        self.seconds = seconds
        self._store = store
        self._clock = clock
        self._sleep = sleep

    def __repr__(self) -> str:
        return f"<SlidingWindowLimiter {self.name} {self.requests}/{self.seconds}s>"

    def acquire(self, max_wait: float | None = None) -> float:
        """Wait for a slot and take it; return how long that took.

        With ``max_wait``, raise ``RateLimited`` as soon as it is clear the slot will not come in
        time, without sleeping first: a Celery chunk with a spent budget should park its run
        with a retry time rather than hold a worker.
        """
        start = self._clock()
        while True:
            decision = self._store.try_acquire(
                self.name, self.requests, self.seconds, self._clock()
            )
            if decision.admitted:
                return self._clock() - start
            wait = max(decision.wait, _MIN_WAIT)
            if max_wait is not None and (self._clock() - start) + wait > max_wait:
                retry_at = datetime.now(UTC) + timedelta(seconds=wait)
                raise RateLimited(
                    f"The request budget for {self.name} is used up; "
                    f"the next request can go out at {retry_at:%H:%M:%S} UTC.",
                    retry_at=retry_at,
                )
            self._sleep(wait)

    def wait_time(self) -> float:
        """Seconds until ``acquire`` would admit a request at once (0: now), taking no slot.
        Another sharer may take the slot first; this is for choosing what to do next."""
        return self._store.peek(self.name, self.requests, self.seconds, self._clock())

    def penalize(self, until_ts: float) -> None:
        """Stop every sharer of this limiter until ``until_ts`` (a reading of this limiter's
        clock), e.g. after a 429, so the other workers back off too instead of piling on."""
        now = self._clock()
        self._store.pause(self.name, until_ts - now, now)

    def pause(self, seconds: float) -> None:
        """``penalize`` for a duration, which callers outside this module usually have."""
        self.penalize(self._clock() + seconds)


_memory_store = MemoryWindowStore()
_cache: dict[tuple[str, int, float, str], SlidingWindowLimiter] = {}
_cache_lock = threading.Lock()
_cache_pid = os.getpid()


def limiter_for(
    name: str, requests: int, seconds: float, redis_url: str | None
) -> SlidingWindowLimiter:
    """The process-wide limiter for one upstream.

    Limiters are cached so that all clients built in a process share one Redis connection pool
    (or, without Redis, one in-memory log); the cache is dropped after a fork because Celery's
    prefork children must not share a parent's sockets.
    """
    global _cache_pid
    cache_key = (name, requests, seconds, redis_url or "")
    with _cache_lock:
        if os.getpid() != _cache_pid:
            _cache.clear()
            _cache_pid = os.getpid()
        limiter = _cache.get(cache_key)
        if limiter is None:
            if redis_url:
                import redis

                store: WindowStore = RedisWindowStore(redis.Redis.from_url(redis_url))
                limiter = SlidingWindowLimiter(name, requests, seconds, store, clock=time.time)
            else:
                limiter = SlidingWindowLimiter(name, requests, seconds, _memory_store)
            _cache[cache_key] = limiter
        return limiter
