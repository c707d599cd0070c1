"""A first sync names achievements from the player's answer (Steam with l=english: names, and
descriptions that are "" exactly for hidden achievements) plus the global percentages, and
defers the schema (icons, hidden flags for certain): the release is marked pending and the next
sync reads its schema, whether or not the game was played since."""

from __future__ import annotations

from games.models import Achievement, Release, UnlockedAchievement
from libraries.models import SyncRun
from tests.libraries.conftest import run_sync_now

PLAYER = "ISteamUserStats/GetPlayerAchievements"
SCHEMA = "ISteamUserStats/GetSchemaForGame"
PERCENTAGES = "ISteamUserStats/GetGlobalAchievementPercentagesForApp"


def _unlocked_apps(world) -> set[int]:
    return {appid for appid, names in world.player.unlocked.items() if names}


def _wire(world, appid: int) -> dict[str, dict]:
    return {a["name"]: a for a in world.schemas[appid]["availableGameStats"]["achievements"]}


def test_a_first_sync_names_achievements_from_the_players_answer(library, world, steam):
    unlocked = _unlocked_apps(world)

    run = run_sync_now(library)

    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    api = steam.counts_by_endpoint("api")
    assert api[SCHEMA] == 0
    assert api[PERCENTAGES] == len(unlocked)
    assert set(
        Release.objects.filter(achievement_schema_pending=True).values_list(
            "external_id", flat=True
        )
    ) == {str(a) for a in unlocked}
    appid = next(a for a in sorted(unlocked) if any(e["hidden"] for e in _wire(world, a).values()))
    wire = _wire(world, appid)
    percent = {p["name"]: float(p["percent"]) for p in world.percentages[appid]}
    stored = Achievement.objects.filter(release__external_id=str(appid))
    assert {a.api_name for a in stored} == set(wire)
    for achievement in stored:
        expected = wire[achievement.api_name]
        assert achievement.display_name == expected["displayName"]
        assert achievement.hidden == bool(expected["hidden"])
        assert achievement.description == ("" if expected["hidden"] else expected["description"])
        assert achievement.global_percent == percent[achievement.api_name]
        assert achievement.icon_url == ""  # the schema brings it
    assert UnlockedAchievement.objects.filter(library=library).count() == sum(
        len(world.player.unlocked[a]) for a in unlocked
    )


def test_the_next_sync_reads_the_deferred_schemas_and_no_unlocks(library, world, steam):
    unlocked = _unlocked_apps(world)
    run_sync_now(library)
    unlocks = set(UnlockedAchievement.objects.values_list("achievement_id", "unlocked_at"))
    steam.reset_log()

    run = run_sync_now(library)  # nothing was played since

    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    api = steam.counts_by_endpoint("api")
    assert api[PLAYER] == 0
    assert api[SCHEMA] == len(unlocked)
    assert not Release.objects.filter(achievement_schema_pending=True).exists()
    for appid in unlocked:
        wire = _wire(world, appid)
        for achievement in Achievement.objects.filter(release__external_id=str(appid)):
            assert achievement.icon_url == wire[achievement.api_name]["icon"]
            assert achievement.hidden == bool(wire[achievement.api_name]["hidden"])
    assert set(UnlockedAchievement.objects.values_list("achievement_id", "unlocked_at")) == unlocks

    steam.reset_log()
    run_sync_now(library)

    assert steam.counts_by_endpoint("api")[SCHEMA] == 0  # once read, a schema is not read again
