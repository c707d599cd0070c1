"""GetOwnedGames and GetRecentlyPlayedGames: playtimes, private libraries, empty libraries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from platforms.errors import InvalidIdentifier, PrivateProfile
from platforms.integrations.steam.client import SteamClient
from platforms.integrations.steam.fake_server import (
    EMPTY_STEAMID,
    PRIVATE_STEAMID,
    FakeSteam,
    SteamWorld,
)

ICON = "https://media.steampowered.com/steamcommunity/public/images/apps/{}/{}.jpg"


def test_it_reads_every_owned_game_with_its_playtime(
    steam_client: SteamClient, world: SteamWorld
) -> None:
    games = steam_client.get_owned_games(world.steamid)
    assert [g.external_id for g in games] == [str(g["appid"]) for g in world.player.owned]
    for game, wire in zip(games, world.player.owned, strict=True):
        assert game.name == wire["name"]
        assert game.playtime_minutes == wire["playtime_forever"]
        assert game.has_stats is wire.get("has_community_visible_stats", False)


def test_it_keeps_absent_two_week_playtime_apart_from_zero(
    steam_client: SteamClient, world: SteamWorld
) -> None:
    games = {g.external_id: g for g in steam_client.get_owned_games(world.steamid)}
    never = next(g for g in world.player.owned if g["rtime_last_played"] == 0)
    recent = next(g for g in world.player.owned if "playtime_2weeks" in g)
    assert games[str(never["appid"])].playtime_2weeks_minutes is None
    assert games[str(never["appid"])].last_played is None
    assert games[str(never["appid"])].playtime_minutes == 0
    played = games[str(recent["appid"])]
    assert played.playtime_2weeks_minutes == recent["playtime_2weeks"]
    assert played.last_played == datetime.fromtimestamp(recent["rtime_last_played"], tz=UTC)


def test_it_builds_icon_urls_and_leaves_them_empty_without_a_hash(
    steam_client: SteamClient, world: SteamWorld
) -> None:
    first, second = world.player.owned[:2]
    second["img_icon_url"] = ""
    games = steam_client.get_owned_games(world.steamid)
    assert games[0].icon_url == ICON.format(first["appid"], first["img_icon_url"])
    assert games[1].icon_url == ""


def test_it_raises_private_profile_for_hidden_game_details(steam_client: SteamClient) -> None:
    with pytest.raises(PrivateProfile) as caught:
        steam_client.get_owned_games(PRIVATE_STEAMID)
    assert caught.value.permanent
    assert "privacy" in caught.value.message


def test_it_notices_when_a_public_profile_turns_private(
    fake_steam: FakeSteam, steam_client: SteamClient, world: SteamWorld
) -> None:
    assert steam_client.get_owned_games(world.steamid)
    fake_steam.private_profile = True
    with pytest.raises(PrivateProfile):
        steam_client.get_owned_games(world.steamid)


def test_it_returns_an_empty_list_for_an_empty_library(steam_client: SteamClient) -> None:
    assert steam_client.get_owned_games(EMPTY_STEAMID) == []


def test_it_rejects_a_malformed_steamid_without_a_request(
    fake_steam: FakeSteam, steam_client: SteamClient
) -> None:
    with pytest.raises(InvalidIdentifier):
        steam_client.get_owned_games("demo")
    assert fake_steam.requests == []


def test_it_lists_recent_games_most_played_first_including_borrowed_ones(
    steam_client: SteamClient, world: SteamWorld
) -> None:
    recent = steam_client.get_recently_played(world.steamid)
    owned = {str(g["appid"]) for g in world.player.owned}
    assert recent
    two_weeks = [g.playtime_2weeks_minutes for g in recent]
    assert two_weeks == sorted(two_weeks, reverse=True)
    assert any(g.external_id not in owned for g in recent), "Family games are not owned"
    assert all(g.playtime_minutes >= g.playtime_2weeks_minutes for g in recent)


def test_it_returns_no_recent_games_for_an_idle_account(steam_client: SteamClient) -> None:
    assert steam_client.get_recently_played(EMPTY_STEAMID) == []


def test_it_raises_private_profile_for_hidden_recent_activity(steam_client: SteamClient) -> None:
    with pytest.raises(PrivateProfile):
        steam_client.get_recently_played(PRIVATE_STEAMID)
