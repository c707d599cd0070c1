"""Phase 1: the owned list lands in one go; nothing unchanged is written; nothing is deleted."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from games.models import Game, Release
from libraries.models import LibraryGame, PlaytimeSnapshot
from tests.libraries.conftest import owned_appids, run_sync_now

WRITES = ("INSERT", "UPDATE", "DELETE", "COPY")


def _owned(world, appid):
    return next(game for game in world.player.owned if game["appid"] == appid)


def _bookkeeping(sql):
    """The run's own row and the library's last-synced time: not library data."""
    return '"libraries_syncrun"' in sql or sql.startswith(
        'UPDATE "libraries_library" SET "last_synced_at"'
    )


def test_it_imports_the_owned_list_with_playtime(library, world):
    run = run_sync_now(library, phases=["owned"])

    assert (run.games_added, run.done, run.total) == (60, 60, 60)
    played = next(g for g in world.player.owned if g["playtime_forever"] and "playtime_2weeks" in g)
    entry = LibraryGame.objects.select_related("release__game").get(
        library=library, release__external_id=str(played["appid"])
    )
    assert entry.playtime_minutes == played["playtime_forever"]
    assert entry.playtime_2weeks_minutes == played["playtime_2weeks"]
    assert entry.last_played_at == datetime.fromtimestamp(played["rtime_last_played"], tz=UTC)
    assert entry.release.game.title == played["name"]
    assert entry.release.has_stats == bool(played.get("has_community_visible_stats"))
    never = next(g for g in world.player.owned if not g["playtime_forever"])
    entry = LibraryGame.objects.get(library=library, release__external_id=str(never["appid"]))
    assert (entry.playtime_2weeks_minutes, entry.last_played_at) == (None, None)


def test_it_writes_nothing_when_nothing_changed(library, world):
    run_sync_now(library)

    with CaptureQueriesContext(connection) as queries:
        run = run_sync_now(library, phases=["owned"])

    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(WRITES) and not _bookkeeping(q["sql"])
    ]
    assert writes == []
    assert (run.games_unchanged, run.games_added, run.games_updated) == (60, 0, 0)


def test_it_flags_games_that_left_the_list_and_takes_them_back(library, world):
    run_sync_now(library, phases=["owned"])
    gone = world.player.owned.pop(3)

    run = run_sync_now(library, phases=["owned"])

    assert run.games_removed == 1
    entry = LibraryGame.objects.get(library=library, release__external_id=str(gone["appid"]))
    assert entry.removed_at is not None
    assert Release.objects.filter(external_id=str(gone["appid"])).exists()

    world.player.owned.insert(3, gone)
    run = run_sync_now(library, phases=["owned"])

    entry.refresh_from_db()
    assert entry.removed_at is None
    assert (run.games_updated, run.games_removed) == (1, 0)


def test_it_never_counts_borrowed_family_games_as_owned(library, world):
    borrowed = [g for g in world.player.recent if str(g["appid"]) not in owned_appids(world)]
    assert borrowed  # the world lends one, visible only in recently played

    run_sync_now(library)

    assert not Release.objects.filter(external_id__in=[str(g["appid"]) for g in borrowed]).exists()
    assert LibraryGame.objects.filter(library=library).count() == len(world.player.owned)


def test_it_snapshots_new_entries_and_changed_playtime_only(library, world):
    run_sync_now(library, phases=["owned"])
    assert PlaytimeSnapshot.objects.count() == 60
    changed = world.player.owned[7]
    changed["playtime_forever"] += 95

    run = run_sync_now(library, phases=["owned"])

    assert run.games_updated == 1
    snapshots = PlaytimeSnapshot.objects.filter(entry__release__external_id=str(changed["appid"]))
    # Same day: the day's snapshot is corrected rather than duplicated.
    assert list(snapshots.values_list("playtime_minutes", flat=True)) == [
        changed["playtime_forever"]
    ]
    assert PlaytimeSnapshot.objects.count() == 60


def test_it_shares_a_game_between_two_households_members(library, bob, world):
    run_sync_now(library, phases=["owned"])
    bobs = library.__class__.objects.create(
        owner=bob,
        platform=library.platform,
        user_identifier=world.steamid,
        display_name="Bob",
        credentials={"api_key": world.api_key},
    )

    run = run_sync_now(bobs, phases=["owned"])

    assert run.games_added == 60
    assert Game.objects.count() == Release.objects.count() == 60
    assert LibraryGame.objects.count() == 120
