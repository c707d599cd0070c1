"""Building the client from Django settings, with or without the Steam settings defined."""

from __future__ import annotations

import types

import django.conf
import pytest

from platforms.http import RetryPolicy
from platforms.integrations.steam.client import SteamClient
from platforms.integrations.steam.fake_server import FakeSteam, SteamWorld
from platforms.ratelimit import MemoryWindowStore, RedisWindowStore


def use_settings(monkeypatch: pytest.MonkeyPatch, **values: object) -> None:
    monkeypatch.setattr(django.conf, "settings", types.SimpleNamespace(**values))


def test_it_reads_urls_key_limits_and_timeout_from_settings(
    monkeypatch: pytest.MonkeyPatch, fake_steam: FakeSteam, world: SteamWorld
) -> None:
    use_settings(
        monkeypatch,
        STEAM_API_KEY=world.api_key,
        STEAM_API_URL=fake_steam.url,
        STEAM_STORE_URL=fake_steam.url,
        STEAM_API_RATE_LIMIT=(7, 11),
        STEAM_STORE_RATE_LIMIT="13/17",
        REDIS_URL="",
        STEAM_HTTP_TIMEOUT=3.5,
    )
    with SteamClient.from_settings() as client:
        assert client.resolve_user("demo").external_id == world.steamid
        assert (client.api_limiter.requests, client.api_limiter.seconds) == (7, 11)
        assert (client.store_limiter.requests, client.store_limiter.seconds) == (13, 17)
        assert client._api.retry == RetryPolicy()
        assert client._store.retry.base > client._api.retry.base, "the store window is 5 min"
        assert client.api_limiter.name == "steam-api"
        assert client.store_limiter.name == "steam-store"
        assert isinstance(client.api_limiter._store, MemoryWindowStore)


def test_it_lets_a_librarys_own_key_override_the_setting(
    monkeypatch: pytest.MonkeyPatch, fake_steam: FakeSteam, world: SteamWorld
) -> None:
    use_settings(
        monkeypatch,
        STEAM_API_KEY="not-the-key",
        STEAM_API_URL=fake_steam.url,
        STEAM_STORE_URL=fake_steam.url,
    )
    with SteamClient.from_settings(api_key=world.api_key) as client:
        assert client.get_owned_games(world.steamid)


def test_it_falls_back_to_steams_defaults_before_the_settings_exist(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_settings(monkeypatch)
    with SteamClient.from_settings() as client:
        assert repr(client) == "<SteamClient key=missing>"
        assert (client.api_limiter.requests, client.api_limiter.seconds) == (250, 300)
        assert (client.store_limiter.requests, client.store_limiter.seconds) == (200, 300)
        assert str(client._api._client.base_url) == "https://api.steampowered.com"
        assert str(client._store._client.base_url) == "https://store.steampowered.com"


@pytest.mark.redis
def test_it_shares_limits_through_redis_when_redis_is_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_settings(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/0")
    with SteamClient.from_settings() as client:
        assert isinstance(client.api_limiter._store, RedisWindowStore)
