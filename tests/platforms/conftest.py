"""Fixtures for platform tests: a real fake-Steam HTTP server and a client aimed at it.

Retry policies here use millisecond backoff so failure paths run fast while still sleeping for
real; every sleep is recorded so tests can check what the policy chose.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from platforms.http import RetryPolicy
from platforms.integrations.steam.client import SteamClient
from platforms.integrations.steam.fake_server import FakeSteam, SteamWorld, generate_world
from platforms.ratelimit import MemoryWindowStore, SlidingWindowLimiter


class RecordingSleep:
    """Sleeps for real (the durations are tiny) and remembers every duration."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        time.sleep(seconds)


@pytest.fixture
def world() -> SteamWorld:
    return generate_world(80, seed=11)


@pytest.fixture
def fake_steam(world: SteamWorld) -> Iterator[FakeSteam]:
    with FakeSteam(world) as fake:
        yield fake


@pytest.fixture
def retry_sleep() -> RecordingSleep:
    return RecordingSleep()


@pytest.fixture
def fast_retry(retry_sleep: RecordingSleep) -> RetryPolicy:
    return RetryPolicy(attempts=5, base=0.002, cap=0.01, budget_seconds=5.0, sleep=retry_sleep)


@pytest.fixture
def make_client(
    fake_steam: FakeSteam, world: SteamWorld, fast_retry: RetryPolicy
) -> Iterator[Callable[..., SteamClient]]:
    """Build clients against the fake; keyword arguments override the constructor's."""
    clients: list[SteamClient] = []

    def build(**overrides: object) -> SteamClient:
        store = MemoryWindowStore()
        options: dict[str, object] = {
            "api_key": world.api_key,
            "api_url": fake_steam.url,
            "store_url": fake_steam.url,
            "api_limiter": SlidingWindowLimiter("test-api", 1000, 1, store),
            "store_limiter": SlidingWindowLimiter("test-store", 1000, 1, store),
            "retry": fast_retry,
            "timeout": 2.0,
        }
        options.update(overrides)
        client = SteamClient(**options)  # type: ignore[arg-type]
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()


@pytest.fixture
def steam_client(make_client: Callable[..., SteamClient]) -> SteamClient:
    return make_client()
