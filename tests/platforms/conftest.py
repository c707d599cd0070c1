"""Fixtures for platform tests: a real fake-Steam HTTP server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from platforms.integrations.steam.fake_server import FakeSteam, SteamWorld, generate_world


@pytest.fixture
def world() -> SteamWorld:
    return generate_world(80, seed=11)


@pytest.fixture
def fake_steam(world: SteamWorld) -> Iterator[FakeSteam]:
    with FakeSteam(world) as fake:
        yield fake
