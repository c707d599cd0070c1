"""An Xbox library synced through the real service against the fake OpenXBL: played games land
with minutes and last played, achievements follow, and a key OpenXBL stops accepting parks the
library as needs-reconnecting."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from games.models import Achievement, UnlockedAchievement
from libraries.models import LibraryGame, SyncRun
from libraries.services.libraries import add_library
from platforms.integrations.xbox.fake_server import FakeXbox, XboxWorld, generate_xbox_world
from tests.libraries.conftest import run_sync_now

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def xbox_world() -> XboxWorld:
    return generate_xbox_world(40, seed=12)


@pytest.fixture
def fake_xbox(xbox_world: XboxWorld, settings: Any) -> Iterator[FakeXbox]:
    with FakeXbox(xbox_world) as fake:
        for name, value in fake.settings().items():
            setattr(settings, name, value)
        settings.HTTP_RETRY_BASE_SECONDS = 0.001
        settings.HTTP_RETRY_CAP_SECONDS = 0.005
        settings.HTTP_RETRY_ATTEMPTS = 3
        yield fake


def test_it_syncs_played_games_minutes_and_achievements(
    alice: Any, fake_xbox: FakeXbox, xbox_world: XboxWorld
) -> None:
    library = add_library(alice, "xbox", fake_xbox.connect_values())

    run = run_sync_now(library)

    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    entries = {
        e.release.external_id: e
        for e in LibraryGame.objects.filter(library=library).select_related("release")
    }
    assert set(entries) == {str(t.title_id) for t in xbox_world.games}
    for title in xbox_world.games:
        entry = entries[str(title.title_id)]
        assert entry.release.game.title == title.name[:300]  # the catalogue keeps 300
        assert entry.playtime_minutes == (title.minutes or 0)
        assert entry.last_played_at is not None
    readable = [t for t in xbox_world.games if t.achievements and not t.legacy_360]
    assert readable
    assert Achievement.objects.filter(release__platform__code="xbox").count() == sum(
        t.achievements for t in readable
    )
    assert UnlockedAchievement.objects.filter(library=library).count() == sum(
        t.unlocked for t in readable
    )


def test_it_parks_the_library_when_the_key_stops_working(alice: Any, fake_xbox: FakeXbox) -> None:
    library = add_library(alice, "xbox", fake_xbox.connect_values())
    fake_xbox.fail_next("revoked_credentials")

    run = run_sync_now(library)

    library.refresh_from_db()
    assert run.status == SyncRun.Status.FAILED
    assert library.needs_reconnect
    assert "xbl.io" in library.reconnect_reason
    assert fake_xbox.world.api_key not in run.error_message
