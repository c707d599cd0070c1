"""The library page: grid and list, instant search, filters and sort carried in the URL, keyset
"Load more", empty states, and a constant number of queries."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import own

HTMX = {"HTTP_HX_REQUEST": "true"}


def titles(html: str) -> list[str]:
    return re.findall(r'class="card-title">([^<]*)<', html) or re.findall(
        r'class="entry-title">([^<]*)<', html
    )


def test_it_renders_the_grid_with_covers_in_fixed_boxes_and_lazy_images(
    alice_client, alice_library
):
    own(alice_library, "Portal 2", cover_url="https://cdn.example/portal2.jpg", playtime_minutes=90)
    html = alice_client.get("/library/").content.decode()
    assert titles(html) == ["Portal 2"]
    assert 'class="cover"' in html
    assert '<img src="https://cdn.example/portal2.jpg" alt="" loading="lazy"' in html
    assert "1 h 30 min" in html


def test_it_renders_the_list_view(alice_client, alice_library):
    own(alice_library, "Portal 2", metacritic_score=95)
    html = alice_client.get("/library/?view=list").content.decode()
    assert 'class="entry-row"' in html
    assert 'class="score good">95<' in html
    assert 'value="list" checked' in html


def test_search_as_you_type_answers_with_the_results_fragment_only(alice_client, alice_library):
    own(alice_library, "Portal 2")
    own(alice_library, "Half-Life: Alyx")
    response = alice_client.get("/library/?q=ortal", **HTMX)
    html = response.content.decode()
    assert response["Vary"] == "HX-Request, Cookie" or "HX-Request" in response["Vary"]
    assert html.lstrip().startswith('<div id="results">')
    assert "<html" not in html
    assert titles(html) == ["Portal 2"]


def test_a_history_restore_gets_the_whole_page(alice_client, alice_library):
    own(alice_library, "Portal 2")
    html = alice_client.get(
        "/library/?q=portal", HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX
    ).content.decode()
    assert "<html" in html
    assert 'value="portal"' in html  # the search box shows the URL's state


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("genre=Action", ["Shooter"]),
        ("status=playing", ["Shooter"]),
        ("played=no", ["Puzzle"]),
        ("hours_min=1", ["Shooter"]),
        ("hours_max=0", ["Puzzle"]),
        ("mc_min=80", ["Shooter"]),
        ("mc_max=79", ["Puzzle"]),
        ("esrb=T", ["Puzzle"]),
        ("platform=steam", ["Puzzle", "Shooter"]),
        ("platform=gog", []),
    ],
)
def test_it_filters(alice_client, alice_library, query, expected):
    own(
        alice_library,
        "Shooter",
        genres=("Action",),
        playtime_minutes=90,
        status="playing",
        metacritic_score=88,
        esrb_rating="M",
    )
    own(alice_library, "Puzzle", genres=("Puzzle",), metacritic_score=70, esrb_rating="E")
    assert titles(alice_client.get(f"/library/?{query}", **HTMX).content.decode()) == expected


def test_it_filters_by_library(alice_client, alice_library, library_of):
    other = library_of(display_name="Second")
    own(alice_library, "First game")
    own(other, "Second game")
    assert titles(alice_client.get(f"/library/?library={other.pk}").content.decode()) == [
        "Second game"
    ]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("title", ["Alpha", "Beta", "Gamma"]),
        ("playtime", ["Gamma", "Alpha", "Beta"]),
        ("metacritic", ["Beta", "Gamma", "Alpha"]),
    ],
)
def test_it_sorts(alice_client, alice_library, sort, expected):
    own(alice_library, "Beta", playtime_minutes=5, metacritic_score=90)
    own(alice_library, "Alpha", playtime_minutes=50)
    own(alice_library, "Gamma", playtime_minutes=500, metacritic_score=60)
    html = alice_client.get(f"/library/?sort={sort}").content.decode()
    assert titles(html) == expected
    assert f'<option value="{sort}" selected' in html


def test_it_hides_hidden_games_unless_asked(alice_client, alice_library):
    own(alice_library, "Shown")
    own(alice_library, "Tucked away", hidden=True)
    assert titles(alice_client.get("/library/").content.decode()) == ["Shown"]
    assert titles(alice_client.get("/library/?hidden=1").content.decode()) == [
        "Shown",
        "Tucked away",
    ]


def test_load_more_walks_every_game_once_with_keyset_cursors(alice_client, alice_library, shelf):
    shelf(120)
    seen: list[str] = []
    html = alice_client.get("/library/?sort=playtime").content.decode()
    while True:
        seen += titles(html)
        match = re.search(r'hx-get="\?([^"]*cursor=[^"]+)"', html)
        if not match:
            break
        url = "/library/?" + match.group(1).replace("&amp;", "&")
        assert "sort=playtime" in url  # the state travels with the cursor
        html = alice_client.get(url, **HTMX).content.decode()
        assert "<html" not in html and 'id="results"' not in html  # just more cards
    assert len(seen) == len(set(seen)) == 120
    assert seen[0] == "Game 119"  # most played first


def test_bad_filter_values_are_reported_not_fatal(alice_client, alice_library):
    own(alice_library, "Portal 2")
    response = alice_client.get("/library/?mc_min=500&sort=price&cursor=garbage")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Some filters were ignored" in html
    assert titles(html) == ["Portal 2"]


def test_it_says_what_to_do_when_the_library_is_empty(client, charlie):
    client.force_login(charlie)
    html = client.get("/library/").content.decode()
    assert "Your library is empty" in html
    assert 'href="/libraries/add/"' in html


def test_it_says_when_nothing_matches_and_offers_to_clear(alice_client, alice_library):
    own(alice_library, "Portal 2")
    html = alice_client.get("/library/?q=zelda", **HTMX).content.decode()
    assert "No games match" in html
    assert "Nothing in your library has “zelda” in its title" in html
    assert "Clear search and filters" in html


def test_the_page_costs_the_same_number_of_queries_for_10_or_150_games(
    alice_client, alice_library, shelf, django_assert_max_num_queries
):
    shelf(10)
    alice_client.get("/library/")  # the first visit creates the profile
    with django_assert_max_num_queries(8) as page_10:
        alice_client.get("/library/?view=list&genre=Action")
    with django_assert_max_num_queries(4) as fragment_10:
        alice_client.get("/library/?q=game", **HTMX)
    shelf(140)
    with django_assert_max_num_queries(len(page_10)):
        alice_client.get("/library/?view=list&genre=Action")
    with django_assert_max_num_queries(len(fragment_10)):
        alice_client.get("/library/?q=game", **HTMX)


def test_quick_search_suggests_a_few_titles(
    alice_client, alice_library, shelf, django_assert_max_num_queries
):
    shelf(30)
    alice_client.get("/search/suggest/?q=game")  # the first visit creates the profile
    with django_assert_max_num_queries(4):
        html = alice_client.get("/search/suggest/?q=game 01").content.decode()
    assert re.findall(r'class="suggestion-title">([^<]*)<', html) == [
        f"Game 01{n}" for n in range(6)
    ]
    assert 'href="/library/?q=game%2001"' in html
    assert alice_client.get("/search/suggest/?q=").content.strip() == b""
    assert (
        "No game has “zzz” in its title"
        in alice_client.get("/search/suggest/?q=zzz").content.decode()
    )


def test_every_sort_of_the_read_path_has_a_label():
    from games.forms import SORT_CHOICES
    from games.queries import SORTS

    assert [value for value, _ in SORT_CHOICES] == list(SORTS)
