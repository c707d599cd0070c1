"""A child's account (Profile.esrb_cap) never sees a game above its cap, nor an unrated one, on
any page."""

from __future__ import annotations

import pytest

from tests.factories import LibraryFactory
from tests.web.conftest import own

HIDDEN_TITLES = ("Mature Shooter", "Unrated Mystery")


@pytest.fixture
def child_library(child):
    library = LibraryFactory(owner=child, display_name="Charlie's Steam")
    own(library, "Kids Kart", esrb_rating="E", playtime_minutes=120, genres=("Racing",))
    own(library, "Teen Quest", esrb_rating="T", playtime_minutes=60, genres=("RPG",))
    mature = own(
        library, "Mature Shooter", esrb_rating="M", playtime_minutes=900, genres=("Action",)
    )
    unrated = own(library, "Unrated Mystery", playtime_minutes=800, genres=("Horror",))
    return library, mature, unrated


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/library/",
        "/library/?sort=playtime&view=list",
        "/library/?esrb=AO",
        "/library/?hidden=1",
        "/search/suggest/?q=e",
        "/search/suggest/?q=Mature",
        "/analytics/?period=all",
        "/libraries/",
    ],
)
def test_no_page_shows_a_game_above_the_cap(client, child, child_library, url):
    client.force_login(child)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for title in HIDDEN_TITLES:
        assert title not in html, url
    for genre in ("Action", "Horror"):
        assert f">{genre}<" not in html, url


def test_the_pages_still_show_what_is_allowed(client, child, child_library):
    client.force_login(child)
    assert "Kids Kart" in client.get("/library/").content.decode()
    assert "Teen Quest" in client.get("/").content.decode()


def test_a_game_above_the_cap_has_no_page_and_cannot_be_edited(client, child, child_library):
    _, mature, unrated = child_library
    client.force_login(child)
    for entry in (mature, unrated):
        assert client.get(f"/games/{entry.release.game_id}/").status_code == 404
        response = client.post(
            f"/games/{entry.release.game_id}/ownership/", {"status": "completed"}
        )
        assert response.status_code == 404
        entry.refresh_from_db()
        assert entry.status == "backlog"


def test_the_library_list_counts_only_allowed_games(client, child, child_library):
    client.force_login(child)
    html = client.get("/libraries/").content.decode()
    assert "2 games" in html
    assert "4 games" not in html
