"""Fixtures for platform tests: a real fake-Steam HTTP server and a client aimed at it.

Retry policies here use millisecond backoff so failure paths run fast while still sleeping for
real; every sleep is recorded so tests can check what the policy chose.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from platforms.contract import CredentialStore, MemoryCredentials
from platforms.http import RetryPolicy
from platforms.integrations.epic.client import EpicClient
from platforms.integrations.epic.client import build_client as build_epic_client
from platforms.integrations.epic.fake_server import EpicWorld, FakeEpic, generate_epic_world
from platforms.integrations.gog.client import GogClient, build_client
from platforms.integrations.gog.fake_server import FakeGog, GogWorld, generate_gog_world
from platforms.integrations.steam.client import SteamClient
from platforms.integrations.steam.fake_server import FakeSteam, SteamWorld, generate_world
from platforms.integrations.xbox.client import XboxClient
from platforms.integrations.xbox.client import build_client as build_xbox_client
from platforms.integrations.xbox.fake_server import FakeXbox, XboxWorld, generate_xbox_world
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


@pytest.fixture
def gog_world() -> GogWorld:
    return generate_gog_world(120, seed=5)


@pytest.fixture
def fake_gog(gog_world: GogWorld, settings: Any) -> Iterator[FakeGog]:
    """A running fake GOG with Django settings aimed at it (as the contract suite does)."""
    with FakeGog(gog_world) as fake:
        for name, value in fake.settings().items():
            setattr(settings, name, value)
        settings.HTTP_RETRY_BASE_SECONDS = 0.001
        settings.HTTP_RETRY_CAP_SECONDS = 0.005
        settings.HTTP_RETRY_ATTEMPTS = 3
        yield fake


@pytest.fixture
def gog_client(fake_gog: FakeGog) -> Iterator[Callable[..., GogClient]]:
    """Build GOG clients the production way, from a CredentialStore."""
    clients: list[GogClient] = []

    def build(credentials: CredentialStore | None = None) -> GogClient:
        client = build_client(credentials if credentials is not None else MemoryCredentials())
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()


@pytest.fixture
def xbox_world() -> XboxWorld:
    return generate_xbox_world(150, seed=3)


@pytest.fixture
def fake_xbox(xbox_world: XboxWorld, settings: Any) -> Iterator[FakeXbox]:
    """A running fake OpenXBL with Django settings aimed at it (as the contract suite does)."""
    with FakeXbox(xbox_world) as fake:
        for name, value in fake.settings().items():
            setattr(settings, name, value)
        settings.HTTP_RETRY_BASE_SECONDS = 0.001
        settings.HTTP_RETRY_CAP_SECONDS = 0.005
        settings.HTTP_RETRY_ATTEMPTS = 3
        yield fake


@pytest.fixture
def xbox_client(fake_xbox: FakeXbox) -> Iterator[Callable[..., XboxClient]]:
    """Build Xbox clients the production way, from a CredentialStore."""
    clients: list[XboxClient] = []

    def build(credentials: CredentialStore | None = None) -> XboxClient:
        client = build_xbox_client(credentials if credentials is not None else MemoryCredentials())
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()


@pytest.fixture
def xbox_connected(
    fake_xbox: FakeXbox, xbox_client: Callable[..., XboxClient]
) -> tuple[XboxClient, MemoryCredentials]:
    """A client built from the credentials a successful connect stored."""
    connection = xbox_client().connect(fake_xbox.connect_values())
    credentials = MemoryCredentials(connection.credentials)
    return xbox_client(credentials), credentials


@pytest.fixture
def epic_world() -> EpicWorld:
    # Over 100 records, so the library comes in more than one page.
    return generate_epic_world(120, seed=5)


@pytest.fixture
def fake_epic(epic_world: EpicWorld, settings: Any) -> Iterator[FakeEpic]:
    """A running fake Epic with Django settings aimed at it (as the contract suite does)."""
    with FakeEpic(epic_world) as fake:
        for name, value in fake.settings().items():
            setattr(settings, name, value)
        settings.HTTP_RETRY_BASE_SECONDS = 0.001
        settings.HTTP_RETRY_CAP_SECONDS = 0.005
        settings.HTTP_RETRY_ATTEMPTS = 3
        yield fake


@pytest.fixture
def epic_client(fake_epic: FakeEpic) -> Iterator[Callable[..., EpicClient]]:
    """Build Epic clients the production way, from a CredentialStore."""
    clients: list[EpicClient] = []

    def build(credentials: CredentialStore | None = None) -> EpicClient:
        client = build_epic_client(credentials if credentials is not None else MemoryCredentials())
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()
