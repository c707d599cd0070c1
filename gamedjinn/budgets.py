"""One request budget per client of the REST API and the MCP HTTP transport, so that one runaway
script cannot starve the rest of the household.

A client is an API key (the same budget through both doors) or, on the REST API, a signed-in
user. The budget is API_RATE_LIMIT requests in any window of that many seconds, kept in the
platforms' sliding-window store: in Redis when REDIS_URL is set (shared by every process), in
memory otherwise (embedded mode is one process).
"""

from __future__ import annotations

import math
import threading
import time

from django.conf import settings

from platforms.ratelimit import KEY_PREFIX, MemoryWindowStore, RedisWindowStore, WindowStore

BUDGET_PREFIX = KEY_PREFIX + "api:"

_memory = MemoryWindowStore()
_redis_stores: dict[str, RedisWindowStore] = {}
_lock = threading.Lock()


def key_client(key_prefix: str) -> str:
    """The budget of one API key, named by its visible prefix (the same in both doors)."""
    return f"key:{key_prefix}"


def user_client(user_pk: int) -> str:
    return f"user:{user_pk}"


def _store() -> WindowStore:
    url = settings.REDIS_URL
    if not url:
        return _memory
    with _lock:
        store = _redis_stores.get(url)
        if store is None:
            import redis

            store = RedisWindowStore(redis.Redis.from_url(url), prefix=BUDGET_PREFIX)
            _redis_stores[url] = store
        return store


def spend(client: str) -> int | None:
    """Count one request against CLIENT's budget: None when it may go ahead, else the whole
    seconds to wait (for Retry-After)."""
    limit = settings.API_RATE_LIMIT
    decision = _store().try_acquire(client, limit.requests, limit.seconds, time.monotonic())
    if decision.admitted:
        return None
    return max(1, math.ceil(decision.wait))


def over_budget_message(retry_after: int) -> str:
    return (
        f"Too many requests from this client (at most {settings.API_RATE_LIMIT.requests} per "
        f"{settings.API_RATE_LIMIT.seconds} seconds); try again in {retry_after} seconds."
    )
