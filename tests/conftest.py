"""The test cast and shared fixtures.

Alice is the admin who owns a Steam library, Bob is a second household member with his own library,
Charlie is a signed-in user who owns nothing (and must see nothing of the others').
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.core.cache import cache

from gamedjinn import budgets
from platforms.ratelimit import MemoryWindowStore
from tests import needs
from tests.factories import LibraryFactory, UserFactory


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres"):
        needs.postgres()
    if item.get_closest_marker("redis"):
        needs.redis_url()


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if needs.skipped:
        reasons = "; ".join(sorted(set(needs.skipped)))
        terminalreporter.write_line(
            f"WARNING: {len(needs.skipped)} tests needing PostgreSQL or Redis SKIPPED "
            f"({reasons}); CI=true makes them fail instead",
            yellow=True,
            bold=True,
        )


def _clear_cache() -> None:
    # With django-redis, clear() would FLUSHDB the whole Redis database, taking queued Celery
    # messages and rate-limit windows with it; delete only the cache's own prefixed keys.
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _isolated_cache():
    _clear_cache()
    yield
    _clear_cache()


@pytest.fixture(autouse=True)
def _fresh_request_budgets(monkeypatch):
    """Like the cache: requests one test made must not count against the next test's budget
    (on SQLite a rolled-back test hands its ids, and so its users' budgets, to the next)."""
    monkeypatch.setattr(budgets, "_memory", MemoryWindowStore())
    if settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL)
        stale = list(client.scan_iter(match=budgets.BUDGET_PREFIX + "*"))
        if stale:
            client.delete(*stale)
        client.close()
    yield


@pytest.fixture
def alice(db):
    return UserFactory(
        username="alice", email="alice@example.com", is_staff=True, is_superuser=True
    )


@pytest.fixture
def bob(db):
    return UserFactory(username="bob", email="bob@example.com")


@pytest.fixture
def charlie(db):
    return UserFactory(username="charlie", email="charlie@example.com")


@pytest.fixture
def alice_library(alice):
    return LibraryFactory(owner=alice, display_name="Alice on Steam")


@pytest.fixture
def bob_library(bob):
    return LibraryFactory(owner=bob, display_name="Bob on Steam")


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def forget_rate_limits() -> None:
    """Empty every rate-limit window and pause, as if the stores' windows had passed."""
    from platforms import ratelimit

    redis_url = os.environ.get("REDIS_URL", "")  # what the settings read, without touching them

    with ratelimit._cache_lock:
        ratelimit._cache.clear()
    ratelimit._memory_store.__init__()  # type: ignore[misc]
    if redis_url:
        import redis

        client = redis.Redis.from_url(redis_url)
        try:
            keys = list(client.scan_iter(f"{ratelimit.KEY_PREFIX}*"))
            if keys:
                client.delete(*keys)
        except redis.exceptions.ConnectionError:
            pass  # a test aimed REDIS_URL at a server that is down on purpose
        finally:
            client.close()


@pytest.fixture(autouse=True)
def _fresh_rate_limiters():
    """Each test starts with empty rate-limit windows: a 429 one test provokes pauses the
    store's limiter, and that pause must not slow or fail the next test."""
    forget_rate_limits()
    yield
    forget_rate_limits()
