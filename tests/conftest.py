"""The test cast and shared fixtures.

Alice is the admin who owns a Steam library, Bob is a second household member with his own library,
Charlie is a signed-in user who owns nothing (and must see nothing of the others').
"""

from __future__ import annotations

import pytest
from django.core.cache import cache

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
