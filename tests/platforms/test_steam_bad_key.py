"""A wrong, revoked or missing Web API key is permanent: one request and one re-check (a working
key is now and then refused once), then a clear message."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from platforms.errors import InvalidCredentials
from platforms.integrations.steam.client import SteamClient
from platforms.integrations.steam.fake_server import FakeSteam, SteamWorld

WRONG_KEY = "DEADBEEF" * 4


def test_it_raises_invalid_credentials_for_a_wrong_key_after_one_recheck(
    fake_steam: FakeSteam, make_client: Callable[..., SteamClient], world: SteamWorld
) -> None:
    client = make_client(api_key=WRONG_KEY)
    with pytest.raises(InvalidCredentials) as caught:
        client.get_owned_games(world.steamid)
    assert caught.value.permanent
    assert "key" in caught.value.message
    assert fake_steam.counts_by_status() == {403: 2}


def test_it_treats_the_401_variant_the_same_way(
    fake_steam: FakeSteam, steam_client: SteamClient, world: SteamWorld
) -> None:
    fake_steam.invalid_key = True
    fake_steam.invalid_key_status = 401
    with pytest.raises(InvalidCredentials):
        steam_client.resolve_user(world.steamid)
    assert fake_steam.counts_by_status() == {401: 2}


def test_it_notices_a_key_revoked_between_two_calls(
    fake_steam: FakeSteam, steam_client: SteamClient, world: SteamWorld
) -> None:
    assert steam_client.get_owned_games(world.steamid)
    fake_steam.invalid_key = True
    with pytest.raises(InvalidCredentials):
        steam_client.get_owned_games(world.steamid)


def test_it_asks_for_a_key_before_sending_a_request_without_one(
    fake_steam: FakeSteam, make_client: Callable[..., SteamClient], world: SteamWorld
) -> None:
    client = make_client(api_key="")
    with pytest.raises(InvalidCredentials, match="No Steam Web API key"):
        client.get_owned_games(world.steamid)
    assert fake_steam.requests == []


def test_it_still_reads_the_keyless_store_without_a_key(
    make_client: Callable[..., SteamClient], world: SteamWorld
) -> None:
    client = make_client(api_key="")
    appid = next(a for a, data in world.apps.items() if data is not None)
    assert client.get_app_details(appid) is not None
