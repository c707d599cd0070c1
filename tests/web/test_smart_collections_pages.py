"""Smart collections in the pages: save the library's filters as a collection, list, open as a
library view, edit and delete; all through games.services.collections, one user's own only."""

from __future__ import annotations

import re
from datetime import date

import pytest

from games.models import Collection
from games.services.collections import create_collection
from tests.web.conftest import own

HTMX = {"HTTP_HX_REQUEST": "true"}


def titles(html: str) -> list[str]:
    return re.findall(r'class="card-title">([^<]*)<', html)


@pytest.fixture
def games(alice_library):
    own(
        alice_library,
        "Unplayed RPG",
        genres=("RPG",),
        metacritic_score=90,
        release_date=date(2019, 10, 15),
        esrb_rating="M",
    )
    own(alice_library, "Played RPG", genres=("RPG",), metacritic_score=88, playtime_minutes=600)
    own(alice_library, "Unplayed puzzle", genres=("Puzzle",), metacritic_score=95, esrb_rating="E")
    own(alice_library, "Weak RPG", genres=("RPG",), metacritic_score=60)


def test_the_library_offers_to_save_its_current_filters(alice_client, games):
    html = alice_client.get(
        "/library/?genre=RPG&played=no&mc_min=80&sort=playtime"
    ).content.decode()
    assert 'href="/collections/new/?genre=RPG&amp;played=no&amp;mc_min=80"' in html
    fragment = alice_client.get("/library/?genre=RPG", **HTMX).content.decode()
    assert 'href="/collections/new/?genre=RPG"' in fragment  # follows the filters as they change
    assert "Save as collection" not in alice_client.get("/library/?sort=playtime").content.decode()


def test_it_saves_the_filters_as_a_collection_and_opens_it(alice_client, alice, games):
    form = alice_client.get(
        "/collections/new/?genre=RPG&played=no&mc_min=80&q=unp"
    ).content.decode()
    assert '<option value="RPG" selected>' in form
    assert '<option value="no" selected>' in form
    assert (
        'name="mc_min" min="0" max="100" inputmode="numeric" placeholder="0" aria-label="Metacritic from" value="80"'
        in form
    )
    assert "the title search is not part of it" in form

    response = alice_client.post(
        "/collections/new/",
        {"name": "Acclaimed backlog", "genre": "RPG", "played": "no", "mc_min": "80"},
    )
    collection = Collection.objects.get(owner=alice)
    assert response.status_code == 302
    assert response["Location"] == f"/collections/{collection.pk}/"
    assert collection.rules == {"genre": "RPG", "played": False, "metacritic_min": 80}

    page = alice_client.get(response["Location"]).content.decode()
    assert "<h1>Acclaimed backlog</h1>" in page
    assert titles(page) == ["Unplayed RPG"]
    assert "Saved the collection “Acclaimed backlog”." in page
    assert '<span class="chip">Genre: RPG</span>' in page


def test_the_collection_view_searches_sorts_and_pages_within_its_rules(alice_client, alice, games):
    collection = create_collection(alice, "RPGs", {"genre": "RPG"})
    url = f"/collections/{collection.id}/"
    assert titles(alice_client.get(f"{url}?sort=metacritic").content.decode()) == [
        "Unplayed RPG",
        "Played RPG",
        "Weak RPG",
    ]
    fragment = alice_client.get(f"{url}?q=weak", **HTMX).content.decode()
    assert fragment.lstrip().startswith('<div id="results">')
    assert titles(fragment) == ["Weak RPG"]
    page = alice_client.get(url).content.decode()
    assert f'action="{url}"' in page and f'hx-get="{url}"' in page
    assert "A smart collection of 3 games" in page


def test_it_lists_collections_with_counts_through_the_rating_cap(client, child, library_of):
    library = library_of(owner=child)
    own(library, "Kids Kart", genres=("Racing",), esrb_rating="E")
    own(library, "Grown-up Racer", genres=("Racing",), esrb_rating="M")
    create_collection(child, "Racing", {"genre": "Racing"})
    client.force_login(child)
    html = client.get("/collections/").content.decode()
    assert ">1 game</span>" in html  # the M-rated game is above the cap
    assert (
        "Grown-up Racer"
        not in client.get(f"/collections/{Collection.objects.get().pk}/").content.decode()
    )


def test_it_keeps_the_list_at_a_constant_number_of_queries(
    alice_client, alice, games, django_assert_max_num_queries
):
    create_collection(alice, "RPGs", {"genre": "RPG"})
    alice_client.get("/collections/")
    with django_assert_max_num_queries(12) as one:
        alice_client.get("/collections/")
    for n in range(5):
        create_collection(alice, f"Score {n}", {"metacritic_min": 60 + n * 5, "played": False})
    with django_assert_max_num_queries(len(one)):
        html = alice_client.get("/collections/").content.decode()
    assert html.count('data-testid="collection"') == 6


def test_the_collection_view_costs_the_same_for_few_or_many_games(
    alice_client, alice, shelf, django_assert_max_num_queries
):
    shelf(5)
    collection = create_collection(alice, "Action", {"genre": "Action"})
    alice_client.get(f"/collections/{collection.id}/")
    with django_assert_max_num_queries(20) as few:
        alice_client.get(f"/collections/{collection.id}/")
    shelf(60)
    with django_assert_max_num_queries(len(few)):
        alice_client.get(f"/collections/{collection.id}/")


def test_it_edits_name_and_rules_with_the_same_filter_form(alice_client, alice, games):
    # Rules from the API need not be whole hours or library-page values: they show and save back.
    collection = create_collection(
        alice, "Short", {"playtime_max": 90, "released_after": "2019-01-01", "genre": "RPG"}
    )
    form = alice_client.get(f"/collections/{collection.id}/edit/").content.decode()
    assert 'value="Short"' in form
    assert 'aria-label="Hours to" value="1.5"' in form
    assert 'aria-label="Released from" value="2019-01-01"' in form
    response = alice_client.post(
        f"/collections/{collection.id}/edit/",
        {"name": "Short RPGs", "genre": "RPG", "hours_max": "1.5", "released_from": "2019-01-01"},
    )
    assert response.status_code == 302
    stored = Collection.objects.get(pk=collection.id)
    assert stored.name == "Short RPGs"
    assert stored.rules == {"genre": "RPG", "playtime_max": 90, "released_after": "2019-01-01"}
    assert titles(alice_client.get(response["Location"]).content.decode()) == ["Unplayed RPG"]


@pytest.mark.parametrize(
    ("data", "sentence", "kept"),
    [
        ({"name": "Nothing"}, "Choose at least one filter", 'value="Nothing"'),
        (
            {"name": "Taken", "mc_min": "70"},
            "name: you already have a collection called",
            'aria-label="Metacritic from" value="70"',
        ),
        (
            {"name": "Horror", "genre": "Horror"},
            "rules.genre: there is no genre called",
            '<option value="Horror" selected>',
        ),
        (
            {"name": "", "hours_max": "2.5"},
            "This field is required.",
            'aria-label="Hours to" value="2.5"',
        ),
    ],
)
def test_it_refuses_a_bad_collection_with_one_sentence_and_keeps_the_input(
    alice_client, alice, games, data, sentence, kept
):
    create_collection(alice, "taken", {"played": True})
    response = alice_client.post("/collections/new/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert sentence in html
    assert kept in html  # nothing the user typed is lost
    assert Collection.objects.count() == 1


def test_it_deletes_after_confirmation(alice_client, alice, games):
    collection = create_collection(alice, "Doomed", {"genre": "RPG"})
    confirm = alice_client.get(f"/collections/{collection.id}/delete/").content.decode()
    assert "Delete “Doomed”?" in confirm and 'method="post"' in confirm
    assert Collection.objects.filter(pk=collection.id).exists()  # a GET deletes nothing
    response = alice_client.post(f"/collections/{collection.id}/delete/")
    assert response["Location"] == "/collections/"
    assert not Collection.objects.filter(pk=collection.id).exists()
    assert "Deleted the collection “Doomed”." in alice_client.get("/collections/").content.decode()


def test_a_user_never_sees_or_touches_another_users_collection(bob_client, alice, games):
    collection = create_collection(alice, "Alice's", {"genre": "RPG"})
    base = f"/collections/{collection.id}"
    for url in (f"{base}/", f"{base}/edit/", f"{base}/delete/"):
        assert bob_client.get(url).status_code == 404, url
    assert bob_client.post(f"{base}/edit/", {"name": "Mine", "genre": "RPG"}).status_code == 404
    assert bob_client.post(f"{base}/delete/").status_code == 404
    assert Collection.objects.get(pk=collection.id).name == "Alice's"
    assert "Alice's" not in bob_client.get("/collections/").content.decode()


def test_the_sidebar_leads_to_collections_and_marks_the_section(alice_client, alice, games):
    html = alice_client.get("/collections/").content.decode()
    assert '<a href="/collections/" aria-current="page">' in html
    assert 'href="/recommendations/"' in html
