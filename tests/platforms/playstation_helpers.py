"""Shared set-up of the PlayStation tests: the fake PSN aimed at through settings, and clients
built the production way (the spec's factory and a CredentialStore)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from platforms.contract import CredentialStore, MemoryCredentials
from platforms.integrations.playstation.client import PlayStationClient, build_client
from platforms.integrations.playstation.fake_server import FakePlayStation, PsnWorld


@contextmanager
def aimed_fake(settings: Any, world: PsnWorld) -> Iterator[FakePlayStation]:
    with FakePlayStation(world) as fake:
        for name, value in fake.settings().items():
            setattr(settings, name, value)
        settings.HTTP_RETRY_BASE_SECONDS = 0.001
        settings.HTTP_RETRY_CAP_SECONDS = 0.005
        settings.HTTP_RETRY_ATTEMPTS = 3
        yield fake


@contextmanager
def psn_client(credentials: CredentialStore | None = None) -> Iterator[PlayStationClient]:
    with build_client(credentials if credentials is not None else MemoryCredentials()) as client:
        yield client


def connected(fake: FakePlayStation) -> tuple[MemoryCredentials, str]:
    """A connection's stored credentials, as add_library saves them, and the account id."""
    with psn_client() as client:
        connection = client.connect(fake.connect_values())
    return MemoryCredentials(connection.credentials), connection.profile.external_id
