"""A first sync brings the whole library in: owned games, store metadata and achievements."""

from __future__ import annotations

from games.models import Achievement, Game, UnlockedAchievement
from libraries.models import LibraryGame, SyncRun
from tests.libraries.conftest import owned_appids, run_sync_now


def test_it_syncs_every_phase(library, world):
    run = run_sync_now(library)

    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    assert run.phase == SyncRun.Phase.DONE
    assert run.games_added == len(world.player.owned)
    entries = LibraryGame.objects.filter(library=library)
    assert set(entries.values_list("release__external_id", flat=True)) == owned_appids(world)
    assert not Game.objects.filter(
        releases__ownerships__library=library, metadata_status=Game.MetadataStatus.PENDING
    ).exists()
    assert run.details_fetched == len(world.player.owned)
    played = {g["appid"] for g in world.player.owned if g["playtime_forever"]}
    with_achievements = [
        appid
        for appid, schema in world.schemas.items()
        if schema["availableGameStats"].get("achievements") and appid in played
    ]
    # Never-played games are not read; "stats only" games have nothing to read.
    assert run.achievements_synced == len(with_achievements)
    # Schemas only where the player unlocked something (the rest wait until they matter).
    assert Achievement.objects.count() == sum(
        len(world.schemas[appid]["availableGameStats"]["achievements"])
        for appid, unlocks in world.player.unlocked.items()
        if unlocks
    )
    assert UnlockedAchievement.objects.filter(library=library).count() == sum(
        len(unlocks) for unlocks in world.player.unlocked.values()
    )
    library.refresh_from_db()
    assert library.last_synced_at == run.finished_at


def test_it_says_an_empty_library_is_empty(library, world, steam):
    library.user_identifier = "76561197960287932"  # the world's account that owns nothing
    library.save()

    run = run_sync_now(library)

    assert run.status == SyncRun.Status.SUCCEEDED
    assert (run.games_added, run.done, run.total) == (0, 0, 0)
    assert run.percent == 100


def test_it_fails_a_private_profile_with_a_clear_message_and_keeps_what_it_had(library, steam):
    first = run_sync_now(library, phases=["owned"])
    steam.private_profile = True

    run = run_sync_now(library)

    assert run.status == SyncRun.Status.FAILED
    assert run.error_code == "private_profile"
    assert "private" in run.error_message and "Public" in run.error_message
    assert LibraryGame.objects.filter(library=library, removed_at=None).count() == first.games_added
