"""A PlayStation library through the real service, against the fake PSN: added with an NPSSO,
synced (owned list, then trophies), entries with playtime on PS4/PS5 titles and PS3/Vita games
from the trophy list, and a dead session parks the library as needing reconnecting."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from games.models import Achievement, UnlockedAchievement
from libraries.models import Library, LibraryGame, SyncRun
from libraries.services.libraries import add_library, reconnect_library
from platforms.integrations.playstation.client import parse_duration_minutes
from platforms.integrations.playstation.fake_server import (
    FakePlayStation,
    PsnWorld,
    generate_playstation_world,
)
from tests.libraries.conftest import run_sync_now
from tests.platforms.playstation_helpers import aimed_fake

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def world() -> PsnWorld:
    return generate_playstation_world(48, seed=12)


@pytest.fixture
def psn(settings: Any, world: PsnWorld) -> Iterator[FakePlayStation]:
    with aimed_fake(settings, world) as fake:
        yield fake


@pytest.fixture
def library(alice: Any, psn: FakePlayStation) -> Library:
    return add_library(alice, "playstation", psn.connect_values())


def test_it_syncs_played_and_trophy_titles_with_playtime_and_trophies(
    library: Library, world: PsnWorld
) -> None:
    run = run_sync_now(library)

    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    assert library.display_name == world.online_id
    assert library.user_identifier == world.account_id
    entries = {
        e.release.external_id: e
        for e in LibraryGame.objects.filter(library=library).select_related("release__platform")
    }
    attached = {t.np_id for t in world.titles if t.np_id}
    legacy = [s for s in world.trophy_sets if s.np_id not in attached]
    assert set(entries) == {t.title_id for t in world.titles} | {s.np_id for s in legacy}
    assert {e.release.platform.code for e in entries.values()} == {"playstation"}

    title = max(world.titles, key=lambda t: parse_duration_minutes(t.duration))
    entry = entries[title.title_id]
    assert entry.playtime_minutes == parse_duration_minutes(title.duration) > 0
    assert entry.last_played_at is not None
    assert entry.release.game.title == title.name

    # Trophies landed as achievements: every set's earned count, titles and trophy-only games.
    with_set = next(t for t in world.titles if t.np_id and world.trophy_set(t.np_id).earned)  # type: ignore[union-attr]
    trophy_set = world.trophy_set(with_set.np_id or "")
    assert trophy_set is not None
    release = entries[with_set.title_id].release
    assert Achievement.objects.filter(release=release).count() == trophy_set.trophies
    unlocked = UnlockedAchievement.objects.filter(library=library, achievement__release=release)
    assert unlocked.count() == trophy_set.earned
    old = legacy[0]
    assert (
        UnlockedAchievement.objects.filter(
            library=library, achievement__release=entries[old.np_id].release
        ).count()
        == old.earned
    )


def test_it_parks_the_library_when_the_session_ended_and_reconnects_with_a_new_npsso(
    library: Library, psn: FakePlayStation
) -> None:
    npsso = library.credentials["npsso"]
    psn.fail_next("expired_credentials")

    run = run_sync_now(library)

    library.refresh_from_db()
    assert run.status == SyncRun.Status.FAILED
    assert library.needs_reconnect
    assert library.reconnect_reason.startswith("PlayStation signed this library out")
    assert npsso not in library.reconnect_reason and npsso not in run.error_message

    reconnect_library(library, psn.connect_values())
    library.refresh_from_db()
    assert not library.needs_reconnect
    assert run_sync_now(library).status == SyncRun.Status.SUCCEEDED
