"""A store account's re-sync (records with no player data, as Steam's) updates playtime and
never touches what the player keeps in Game Djinn: status, rating, notes, dates and ids."""

from __future__ import annotations

from datetime import date

import pytest

from libraries.models import LibraryGame
from libraries.services.phases.owned import import_owned_games
from platforms.records import OwnedGame

pytestmark = pytest.mark.django_db


def test_it_updates_playtime_and_keeps_the_players_own_fields(alice_library):
    import_owned_games(alice_library, [OwnedGame("620", "Portal 2", playtime_minutes=60)])
    entry = LibraryGame.objects.get(library=alice_library)
    LibraryGame.objects.filter(pk=entry.pk).update(
        status=LibraryGame.Status.COMPLETED,
        user_rating=9,
        notes="co-op with Bob",
        started_on=date(2026, 1, 2),
        finished_on=date(2026, 2, 3),
        external_ids={"igdb": "72"},
        user_edited_fields=["status"],
    )

    counts = import_owned_games(alice_library, [OwnedGame("620", "Portal 2", playtime_minutes=95)])

    entry = LibraryGame.objects.get(pk=entry.pk)
    assert counts.updated == 1
    assert entry.playtime_minutes == 95
    assert (entry.status, entry.user_rating, entry.notes) == ("completed", 9, "co-op with Bob")
    assert (entry.started_on, entry.finished_on) == (date(2026, 1, 2), date(2026, 2, 3))
    assert (entry.external_ids, entry.user_edited_fields) == ({"igdb": "72"}, ["status"])
