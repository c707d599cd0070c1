"""Achievement schemas, global percentages and a player's unlocks, with their odd failures."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from platforms.errors import InvalidCredentials
from platforms.integrations.steam.client import SteamClient
from platforms.integrations.steam.fake_server import PRIVATE_STEAMID, FakeSteam, SteamWorld


def app_with_achievements(world: SteamWorld, *, hidden: bool = False) -> int:
    for appid, schema in world.schemas.items():
        achievements = schema["availableGameStats"].get("achievements", [])
        if achievements and (not hidden or any(a["hidden"] for a in achievements)):
            return appid
    raise AssertionError("the generated world should have achievements")


def app_without_stats(world: SteamWorld) -> int:
    return next(appid for appid in world.apps if appid not in world.schemas)


def test_it_reads_the_schema_with_global_percentages_sent_as_strings(
    steam_client: SteamClient, world: SteamWorld
) -> None:
    appid = app_with_achievements(world)
    definitions = steam_client.get_achievement_schema(appid)
    wire = world.schemas[appid]["availableGameStats"]["achievements"]
    percent = {p["name"]: float(p["percent"]) for p in world.percentages[appid]}
    assert [d.api_name for d in definitions] == [a["name"] for a in wire]
    for definition, entry in zip(definitions, wire, strict=True):
        assert definition.display_name == entry["displayName"]
        assert definition.icon_url == entry["icon"]
        assert definition.icon_gray_url == entry["icongray"]
        assert isinstance(definition.global_percent, float)
        assert definition.global_percent == percent[entry["name"]]


def test_it_gives_hidden_achievements_an_empty_description(
    steam_client: SteamClient, world: SteamWorld
) -> None:
    appid = app_with_achievements(world, hidden=True)
    definitions = steam_client.get_achievement_schema(appid)
    hidden = [d for d in definitions if d.hidden]
    assert hidden
    assert all(d.description == "" for d in hidden)
    assert all(d.description for d in definitions if not d.hidden)


def test_it_returns_no_definitions_for_a_game_without_stats(
    fake_steam: FakeSteam, steam_client: SteamClient, world: SteamWorld
) -> None:
    assert steam_client.get_achievement_schema(app_without_stats(world)) == []
    assert fake_steam.counts_by_endpoint() == {"ISteamUserStats/GetSchemaForGame": 1}


def test_it_leaves_percentages_out_when_steam_answers_403_for_them(
    fake_steam: FakeSteam, steam_client: SteamClient, world: SteamWorld
) -> None:
    appid = app_with_achievements(world)
    del world.percentages[appid]  # the fake now answers 403 {} as for an unknown app
    definitions = steam_client.get_achievement_schema(appid)
    assert definitions
    assert all(d.global_percent is None for d in definitions)
    assert fake_steam.counts_by_status() == {200: 1, 403: 1}


def test_it_leaves_percentages_out_when_their_body_is_unreadable(
    fake_steam: FakeSteam, steam_client: SteamClient, world: SteamWorld
) -> None:
    fake_steam.malformed("GetGlobalAchievementPercentagesForApp")
    definitions = steam_client.get_achievement_schema(app_with_achievements(world))
    assert definitions
    assert all(d.global_percent is None for d in definitions)


def test_it_reads_a_players_unlocks_and_their_times(
    steam_client: SteamClient, world: SteamWorld
) -> None:
    appid = next(a for a, unlocked in world.player.unlocked.items() if unlocked)
    result = steam_client.get_player_achievements(world.steamid, appid)
    assert result.status == "ok"
    unlocked = world.player.unlocked[appid]
    assert len(result.achievements) == len(
        world.schemas[appid]["availableGameStats"]["achievements"]
    )
    for achievement in result.achievements:
        if achievement.api_name in unlocked:
            assert achievement.unlocked is True
            assert achievement.unlocked_at == datetime.fromtimestamp(
                unlocked[achievement.api_name], tz=UTC
            )
        else:
            assert (achievement.unlocked, achievement.unlocked_at) == (False, None)


def test_it_reports_private_achievements_as_a_status_not_an_error(
    fake_steam: FakeSteam, steam_client: SteamClient, world: SteamWorld
) -> None:
    appid = app_with_achievements(world)
    result = steam_client.get_player_achievements(PRIVATE_STEAMID, appid)
    assert (result.status, result.achievements) == ("private", [])
    assert fake_steam.counts_by_status() == {403: 1}


def test_it_reports_a_game_without_stats_as_no_stats(
    fake_steam: FakeSteam, steam_client: SteamClient, world: SteamWorld
) -> None:
    result = steam_client.get_player_achievements(world.steamid, app_without_stats(world))
    assert (result.status, result.achievements) == ("no_stats", [])
    assert fake_steam.counts_by_status() == {400: 1}


def test_it_tells_a_bad_key_apart_from_a_private_profile(
    make_client: object, world: SteamWorld
) -> None:
    client = make_client(api_key="0" * 32)  # type: ignore[operator]
    with pytest.raises(InvalidCredentials):
        client.get_player_achievements(world.steamid, app_with_achievements(world))
