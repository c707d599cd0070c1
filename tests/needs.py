"""What a test needs from the machine: PostgreSQL, Redis.

On a laptop without them such a test is skipped, and the run's summary says so loudly
(tests/conftest.py). Under CI=true a missing service fails the test instead: a CI run that skipped
the PostgreSQL and Redis code paths would be green without having tested them.

Tests say what they need with the ``postgres`` and ``redis`` markers (checked before each test in
tests/conftest.py) or, inside a fixture, by calling ``redis_url()`` / ``postgres()``.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest
import redis
from django.conf import settings

# Every skip for a missing service, for the summary line.
skipped: list[str] = []


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def missing(reason: str) -> NoReturn:
    """Skips the current test for want of ``reason`` on a laptop; fails it under CI=true."""
    if in_ci():
        pytest.fail(f"{reason}; CI=true, so this test must not be skipped", pytrace=False)
    skipped.append(reason)
    pytest.skip(reason)


def redis_url() -> str:
    """REDIS_URL, after checking that the Redis it names answers."""
    url = os.environ.get("REDIS_URL", "")
    if not url:
        missing("needs Redis: REDIS_URL is not set")
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        missing(f"needs Redis: {type(error).__name__} from the Redis at REDIS_URL")
    finally:
        client.close()
    return url


def postgres() -> None:
    """Checks that the test database is PostgreSQL (DATABASE_URL set to a postgres:// URL)."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        missing("needs PostgreSQL: DATABASE_URL is not a PostgreSQL URL")
