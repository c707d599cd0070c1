"""An Epic account through the real service: added with the code page from Epic's sign-in,
synced (owned list, playtime, catalogue metadata, DLC under its game), its rotating refresh
token kept in the database, and parked as needing a reconnect once Epic revokes it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from games.models import Game, Release
from libraries.models import Library, LibraryGame, SyncRun
from libraries.services.libraries import add_library
from platforms.integrations.epic.fake_server import EpicWorld, FakeEpic, generate_epic_world
from tests.libraries.conftest import run_sync_now

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def epic_world() -> EpicWorld:
    return generate_epic_world(40, seed=3)


@pytest.fixture
def epic(epic_world: EpicWorld, settings: Any) -> Iterator[FakeEpic]:
    with FakeEpic(epic_world) as fake:
        for name, value in fake.settings().items():
            setattr(settings, name, value)
        settings.HTTP_RETRY_BASE_SECONDS = 0.001
        settings.HTTP_RETRY_CAP_SECONDS = 0.005
        settings.HTTP_RETRY_ATTEMPTS = 3
        yield fake


@pytest.fixture
def epic_library(alice: Any, epic: FakeEpic) -> Library:
    return add_library(alice, "epic", epic.connect_values())


def test_it_syncs_titles_playtime_metadata_and_dlc(epic_library: Library, epic: FakeEpic) -> None:
    run = run_sync_now(epic_library)

    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    items = {item.app_name: item for item in epic.world.items}
    entries = {
        entry.release.external_id: entry
        for entry in LibraryGame.objects.filter(library=epic_library).select_related(
            "release__game", "release__platform"
        )
    }
    assert set(entries) == set(items)
    assert run.games_added == len(items)
    for app_name, entry in entries.items():
        item = items[app_name]
        assert entry.release.platform.code == "epic"
        assert entry.playtime_minutes == ((item.seconds_played or 0) + 30) // 60
        assert entry.last_played_at is None
        assert entry.acquired_at is not None
    catalogued = [item for item in items.values() if item.in_catalog]
    assert run.details_fetched == len(items)  # the delisted one counts, as "no store data"
    game = entries[catalogued[0].app_name].release.game
    assert game.title == catalogued[0].title
    assert game.developers == [catalogued[0].developer]
    assert game.cover_url.endswith("_DieselGameBoxTall.jpg")
    for item in (i for i in items.values() if i.is_dlc):
        assert item.main_game is not None
        dlc = entries[item.app_name].release.game
        assert dlc.game_type == Game.Type.DLC
        base = Release.objects.get(platform__code="epic", external_id=item.main_game.app_name)
        assert dlc.parent_id == base.game_id


def test_it_keeps_the_rotated_refresh_token_and_parks_a_revoked_sign_in(
    epic_library: Library, epic: FakeEpic
) -> None:
    first = dict(epic_library.credentials)
    soon = datetime.now(UTC) + timedelta(seconds=5)
    epic_library.credentials = {**first, "expires_at": soon.isoformat()}
    epic_library.save()

    assert run_sync_now(epic_library, phases=["owned"]).status == SyncRun.Status.SUCCEEDED

    epic_library.refresh_from_db()
    stored = epic_library.credentials
    assert stored["refresh_token"] != first["refresh_token"]
    assert epic.refresh_token_valid(stored["refresh_token"])
    assert not epic.refresh_token_valid(first["refresh_token"])

    epic.fail_next("revoked_credentials")
    run = run_sync_now(epic_library, phases=["owned"])

    assert run.status == SyncRun.Status.FAILED
    epic_library.refresh_from_db()
    assert epic_library.needs_reconnect
    assert "reconnect" in epic_library.reconnect_reason
    assert stored["refresh_token"] not in epic_library.reconnect_reason
    assert LibraryGame.objects.filter(library=epic_library, removed_at=None).count() == len(
        epic.world.items
    )
