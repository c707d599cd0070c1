"""Phase 3: achievements for games with stats; a private profile is a state, not a failure."""

from __future__ import annotations

from games.models import Achievement, UnlockedAchievement
from libraries.models import SyncRun
from tests.libraries.conftest import run_sync_now


def _with_unlocks(world):
    return next(appid for appid, unlocks in world.player.unlocked.items() if unlocks)


def test_it_stores_definitions_percentages_and_unlocks(library, world):
    appid = _with_unlocks(world)
    schema = world.schemas[appid]["availableGameStats"]["achievements"]

    run_sync_now(library)

    stored = Achievement.objects.filter(release__external_id=str(appid))
    assert stored.count() == len(schema)
    hidden = next((a for a in schema if a["hidden"]), None)
    if hidden is not None:
        row = stored.get(api_name=hidden["name"])
        assert row.hidden and row.description == ""
    percents = {p["name"]: float(p["percent"]) for p in world.percentages[appid]}
    assert {a.api_name: a.global_percent for a in stored} == percents
    unlocked = UnlockedAchievement.objects.filter(
        library=library, achievement__release__external_id=str(appid)
    )
    assert {
        u.achievement.api_name: int(u.unlocked_at.timestamp()) for u in unlocked
    } == world.player.unlocked[appid]


def test_it_reads_only_games_played_since_the_last_pass(library, world, steam):
    run_sync_now(library)
    run_sync_now(library)  # reads the schemas the first pass deferred
    played = next(g for g in world.player.owned if g.get("has_community_visible_stats"))
    played["rtime_last_played"] = 4_000_000_000  # "just now", after the first pass
    played["playtime_forever"] += 30
    steam.reset_log()

    run = run_sync_now(library)

    assert run.achievements_synced == 1
    api = steam.counts_by_endpoint("api")
    assert api["ISteamUserStats/GetPlayerAchievements"] == 1
    assert api["ISteamUserStats/GetSchemaForGame"] == 0  # the stored schema still covers it


def test_it_records_private_achievements_as_a_notice(library, world, steam):
    world.player.achievements_private = True

    run = run_sync_now(library)

    assert run.status == SyncRun.Status.SUCCEEDED
    assert run.error_code == "achievements_private"
    assert "private" in run.error_message
    assert steam.counts_by_endpoint("api")["ISteamUserStats/GetPlayerAchievements"] == 1
    assert not UnlockedAchievement.objects.exists()


def test_it_drops_an_unlock_that_steam_no_longer_reports(library, world):
    appid = _with_unlocks(world)
    run_sync_now(library)
    name = next(iter(world.player.unlocked[appid]))
    del world.player.unlocked[appid][name]

    run_sync_now(library, force=True)

    assert not UnlockedAchievement.objects.filter(
        library=library, achievement__api_name=name, achievement__release__external_id=str(appid)
    ).exists()
