"""Web API calls go where they can change something: a never-played game has no unlocks to read,
and a game's achievements are named (from the player's answer, plus one call for the global
percentages) only once the player has unlocked something in it, unless the sync is forced. The
schema itself waits for the next pass (test_sync_defers_achievement_schemas.py)."""

from __future__ import annotations

from games.models import Achievement, UnlockedAchievement
from libraries.models import SyncRun
from tests.libraries.conftest import run_sync_now

PLAYER = "ISteamUserStats/GetPlayerAchievements"
SCHEMA = "ISteamUserStats/GetSchemaForGame"
PERCENTAGES = "ISteamUserStats/GetGlobalAchievementPercentagesForApp"


def _achievement_apps(world) -> tuple[set[int], set[int], set[int]]:
    """Apps with achievements: never played, played with unlocks, played without."""
    with_achievements = {
        appid for appid, s in world.schemas.items() if s["availableGameStats"].get("achievements")
    }
    playtime = {g["appid"]: g["playtime_forever"] for g in world.player.owned}
    never = {a for a in with_achievements if not playtime[a]}
    unlocked = {a for a in with_achievements if world.player.unlocked.get(a)}
    return never, unlocked, with_achievements - never - unlocked


def test_it_reads_unlocks_of_played_games_and_schemas_only_where_something_is_unlocked(
    library, world, steam
):
    never, unlocked, nothing_yet = _achievement_apps(world)
    assert never and unlocked  # the generated world has both kinds
    stats_only = sum(
        1
        for g in world.player.owned
        if g.get("has_community_visible_stats") and g["playtime_forever"]
    ) - len(unlocked | nothing_yet)

    run = run_sync_now(library)

    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    api = steam.counts_by_endpoint("api")
    assert api[PLAYER] == len(unlocked) + len(nothing_yet) + stats_only
    assert api[PERCENTAGES] == len(unlocked)
    assert api.get(SCHEMA, 0) == 0
    stored = set(Achievement.objects.values_list("release__external_id", flat=True))
    assert stored == {str(a) for a in unlocked}
    assert UnlockedAchievement.objects.filter(library=library).count() == sum(
        len(world.player.unlocked[a]) for a in unlocked
    )


def test_a_forced_sync_reads_every_game_with_stats_and_its_schema(library, world, steam):
    never, unlocked, nothing_yet = _achievement_apps(world)

    run_sync_now(library, force=True)

    api = steam.counts_by_endpoint("api")
    with_stats = sum(1 for g in world.player.owned if g.get("has_community_visible_stats"))
    assert api[PLAYER] == with_stats
    stored = set(Achievement.objects.values_list("release__external_id", flat=True))
    assert stored == {str(a) for a in never | unlocked | nothing_yet}


def test_a_game_played_for_the_first_time_is_read_in_the_next_pass(library, world, steam):
    never, _, _ = _achievement_apps(world)
    run_sync_now(library)
    appid = min(never)
    owned = next(g for g in world.player.owned if g["appid"] == appid)
    owned |= {"playtime_forever": 45, "rtime_last_played": 4_000_000_000}
    first = world.schemas[appid]["availableGameStats"]["achievements"][0]["name"]
    world.player.unlocked[appid] = {first: 3_999_999_000}
    steam.reset_log()

    run_sync_now(library)

    assert steam.counts_by_endpoint("api")[PLAYER] == 1
    assert (
        UnlockedAchievement.objects.filter(
            library=library, achievement__release__external_id=str(appid)
        ).count()
        == 1
    )
