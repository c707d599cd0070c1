"""Achievements that failed to read in a pass that succeeded stay pending, and the next pass
reads them again without being forced; a successful read clears the mark."""

from __future__ import annotations

from games.models import UnlockedAchievement
from libraries.models import LibraryGame, SyncRun
from tests.libraries.conftest import run_sync_now


def _first_in_the_pass(library, world) -> LibraryGame:
    """The entry the achievements phase reads first (it walks releases in id order), played,
    so that it has unlocks to read."""
    target = (
        LibraryGame.objects.filter(library=library, release__has_stats=True)
        .select_related("release")
        .order_by("release_id")
        .first()
    )
    owned = next(g for g in world.player.owned if str(g["appid"]) == target.release.external_id)
    if not owned["playtime_forever"]:
        owned |= {"playtime_forever": 120, "rtime_last_played": 1_600_000_000}
        run_sync_now(library, phases=["owned"])
    return target


def _give_unlocks(world, appid: int) -> dict[str, int]:
    schema = world.schemas[appid]["availableGameStats"]["achievements"]
    unlocks = {schema[0]["name"]: 1_600_000_000}
    world.player.unlocked[appid] = unlocks
    return unlocks


def test_it_reads_a_failed_game_again_in_the_next_pass(library, world, steam):
    run_sync_now(library, phases=["owned", "details"])
    target = _first_in_the_pass(library, world)
    appid = int(target.release.external_id)
    if not world.schemas[appid]["availableGameStats"].get("achievements"):
        world.schemas[appid]["availableGameStats"]["achievements"] = [
            {"name": "ACH_000", "defaultvalue": 0, "displayName": "First", "hidden": 0}
        ]
    unlocks = _give_unlocks(world, appid)
    steam.fail_next(1, 404, "api")  # the pass's first Web API request: this game's

    first = run_sync_now(library, phases=["achievements"])

    assert first.status == SyncRun.Status.SUCCEEDED and first.errors == 1
    target.refresh_from_db()
    assert target.achievements_pending
    mine = UnlockedAchievement.objects.filter(library=library, achievement__release=target.release)
    assert not mine.exists()
    steam.reset_log()

    second = run_sync_now(library, phases=["achievements"])  # not forced, nothing played

    assert second.status == SyncRun.Status.SUCCEEDED and second.errors == 0
    assert {u.achievement.api_name: int(u.unlocked_at.timestamp()) for u in mine} == unlocks
    assert steam.counts_by_endpoint("api")["ISteamUserStats/GetPlayerAchievements"] == 1
    target.refresh_from_db()
    assert not target.achievements_pending
