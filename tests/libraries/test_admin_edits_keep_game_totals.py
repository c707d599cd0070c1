"""An entry edited or deleted in the Django admin leaves its game's roll-ups right."""

from __future__ import annotations

from libraries.models import LibraryGame
from tests.games.merged import merged_game


def test_an_admin_edit_and_delete_refresh_the_game_totals(alice_client, alice, alice_library):
    merged = merged_game(alice, alice_library)
    entry = merged.steam
    form = alice_client.get(f"/admin/libraries/librarygame/{entry.pk}/change/")
    assert form.status_code == 200
    response = alice_client.post(
        f"/admin/libraries/librarygame/{entry.pk}/change/",
        {
            "library": entry.library_id,
            "release": entry.release_id,
            "playtime_minutes": 600,
            "status": "backlog",
            "added_at_0": "2026-01-01",
            "added_at_1": "00:00:00",
            "external_ids": "{}",
            "user_edited_fields": "[]",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rows = dict(
        LibraryGame.objects.filter(library__owner=alice).values_list("pk", "game_playtime_minutes")
    )
    assert rows == {merged.steam.pk: 900, merged.gog.pk: 900}
    assert LibraryGame.objects.get(pk=merged.steam.pk).represents_game

    alice_client.post(f"/admin/libraries/librarygame/{entry.pk}/delete/", {"post": "yes"})
    gog = LibraryGame.objects.get(pk=merged.gog.pk)
    assert (gog.represents_game, gog.game_playtime_minutes, gog.game_store_count) == (True, 300, 1)
