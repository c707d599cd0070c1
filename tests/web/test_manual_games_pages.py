"""Adding, editing and deleting a game by hand from the web (the same service as REST and MCP),
with title suggestions from the catalogue, and from the admin."""

from __future__ import annotations

import pytest

from libraries.models import LibraryGame
from tests.factories import GameFactory

pytestmark = pytest.mark.django_db


def _add(client, **values):
    data = {
        "title": "Metroid Dread",
        "platform": "nintendo-switch",
        "store_id": "",
        "status": "playing",
        "user_rating": "9",
        "playtime_hours": "12.5",
        "started_on": "2026-01-05",
        "finished_on": "",
        "notes": "Cartridge from the flea market",
    }
    return client.post("/games/add/", {**data, **values})


def test_it_adds_a_game_by_hand_and_shows_it_on_its_page(alice_client, alice):
    response = _add(alice_client)

    entry = LibraryGame.objects.select_related("release__platform", "library").get()
    assert response.status_code == 302
    assert response["Location"] == f"/games/{entry.release.game_id}/"
    assert (entry.library.display_name, entry.release.platform.code) == ("Manual entries", "manual")
    assert (entry.status, entry.user_rating, entry.playtime_minutes) == ("playing", 9, 750)
    assert entry.notes == "Cartridge from the flea market"
    page = alice_client.get(response["Location"]).content.decode()
    assert f'href="/games/manual/{entry.pk}/edit/"' in page
    assert f'href="/games/manual/{entry.pk}/delete/"' in page


def test_a_game_already_added_is_one_sentence(alice_client, alice):
    _add(alice_client)
    html = _add(alice_client).content.decode()
    assert "Metroid Dread on Nintendo Switch is already in your games." in html
    assert LibraryGame.objects.count() == 1


def test_it_edits_and_deletes_a_manual_game_with_confirmation(alice_client, alice):
    _add(alice_client)
    entry = LibraryGame.objects.get()
    form = alice_client.get(f"/games/manual/{entry.pk}/edit/").content.decode()
    assert 'value="Metroid Dread"' in form
    assert '<option value="nintendo-switch" selected>' in form

    response = alice_client.post(
        f"/games/manual/{entry.pk}/edit/",
        {
            "title": "Metroid Dread",
            "platform": "nintendo-switch",
            "status": "completed",
            "user_rating": "10",
            "playtime_hours": "20",
            "finished_on": "2026-02-01",
        },
    )
    entry.refresh_from_db()
    assert response.status_code == 302
    assert (entry.status, entry.user_rating, entry.playtime_minutes) == ("completed", 10, 1200)

    confirm = alice_client.get(f"/games/manual/{entry.pk}/delete/").content.decode()
    assert "Delete “Metroid Dread” (Nintendo Switch)?" in confirm
    assert LibraryGame.objects.exists()
    alice_client.post(f"/games/manual/{entry.pk}/delete/")
    assert not LibraryGame.objects.exists()


def test_another_users_manual_game_is_not_found(alice_client, alice, bob):
    _add(alice_client)
    entry = LibraryGame.objects.get()
    alice_client.force_login(bob)
    assert alice_client.get(f"/games/manual/{entry.pk}/edit/").status_code == 404
    assert alice_client.post(f"/games/manual/{entry.pk}/delete/").status_code == 404
    assert LibraryGame.objects.exists()


def test_it_suggests_titles_from_the_whole_catalogue(alice_client, alice):
    GameFactory(title="Metroid Prime")  # nobody owns it: the catalogue still knows it
    html = alice_client.get("/search/suggest/", {"q": "metroid", "for": "title"}).content.decode()
    assert '<option value="Metroid Prime">' in html


def test_the_admin_adds_a_manual_game_for_a_user(admin_client, alice):
    page = admin_client.get("/admin/libraries/library/").content.decode()
    assert "/admin/libraries/library/add-manual-game/" in page

    response = admin_client.post(
        "/admin/libraries/library/add-manual-game/",
        {"owner": alice.pk, "title": "Okami", "platform": "physical", "status": "backlog"},
    )

    assert response.status_code == 302
    entry = LibraryGame.objects.get(library__owner=alice)
    assert entry.release.game.title == "Okami"
