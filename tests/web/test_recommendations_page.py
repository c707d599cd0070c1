""" "What should I play?": the recommend_games service (the MCP tool's) as a page, its options a
small form in the URL, the rating cap applied, and a constant number of queries."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

from games.forms import CRITERIA_CHOICES
from games.services.recommendations import POOLS_BY_CRITERIA
from tests.web.conftest import own


def picks(html: str) -> list[str]:
    return re.findall(r'<h2><a href="/games/\d+/">([^<]*)</a></h2>', html)


def test_it_shows_each_recommendation_with_its_reason(alice_client, alice_library):
    own(alice_library, "Outer Wilds", genres=("Adventure",), metacritic_score=85)
    own(alice_library, "Finished", metacritic_score=95, status="completed")
    html = alice_client.get("/recommendations/").content.decode()
    assert picks(html) == ["Outer Wilds"]
    assert "You own it but have never played it, and critics scored it 85 on Metacritic." in html


def test_it_takes_the_services_options_from_the_url(alice_client, alice_library):
    long_ago = timezone.now() - timedelta(days=90)
    own(alice_library, "Half done", genres=("RPG",), playtime_minutes=300, last_played_at=long_ago)
    own(alice_library, "Never started", genres=("Puzzle",), metacritic_score=90)
    assert picks(alice_client.get("/recommendations/?criteria=unfinished").content.decode()) == [
        "Half done"
    ]
    html = alice_client.get("/recommendations/?genre=puzzle&limit=5").content.decode()
    assert picks(html) == ["Never started"]
    assert '<option value="Puzzle" selected>' in html and '<option value="5" selected>' in html


def test_it_offers_every_criterion_the_service_knows(alice_client, alice_library):
    assert {value for value, _ in CRITERIA_CHOICES} == set(POOLS_BY_CRITERIA)


def test_an_unknown_genre_is_one_sentence_and_the_rest_still_shows(alice_client, alice_library):
    own(alice_library, "Outer Wilds", genres=("Adventure",), metacritic_score=85)
    html = alice_client.get("/recommendations/?genre=Horror&criteria=nonsense").content.decode()
    assert "genre_preference: you own no games in the genre &#x27;Horror&#x27;." in html
    assert "criteria: Select a valid choice." in html
    assert picks(html) == ["Outer Wilds"]


def test_it_respects_the_rating_cap(client, child, library_of):
    library = library_of(owner=child)
    own(library, "Kids Kart", metacritic_score=80, esrb_rating="E")
    own(library, "Grown-up Shooter", metacritic_score=95, esrb_rating="M")
    client.force_login(child)
    assert picks(client.get("/recommendations/").content.decode()) == ["Kids Kart"]


def test_it_explains_an_empty_list(client, charlie):
    client.force_login(charlie)
    assert "Nothing fits" in client.get("/recommendations/").content.decode()


def test_it_costs_the_same_queries_for_few_or_many_games(
    alice_client, alice_library, shelf, django_assert_max_num_queries
):
    shelf(5)
    alice_client.get("/recommendations/")
    with django_assert_max_num_queries(25) as few:
        alice_client.get("/recommendations/?genre=Action")
    shelf(60)
    with django_assert_max_num_queries(len(few)):
        html = alice_client.get("/recommendations/?genre=Action").content.decode()
    assert len(picks(html)) == 10
