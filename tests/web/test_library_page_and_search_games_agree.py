"""The library page and search_games (REST, MCP) are one search: for the same filters they list
the same games in the same order, one per game, whichever door asks."""

from __future__ import annotations

import re

import pytest

from games.queries import LibraryFilters
from games.services.search import search_games
from tests.web.conftest import own


@pytest.mark.parametrize(
    "query, filters",
    [
        ("", LibraryFilters()),
        ("?sort=playtime", LibraryFilters(sort="playtime")),
        ("?q=souls", LibraryFilters(q="souls")),
        ("?genre=RPG&sort=playtime", LibraryFilters(genre="RPG", sort="playtime")),
        ("?played=no", LibraryFilters(played=False)),
    ],
)
def test_it_lists_the_same_games_in_the_same_order(
    alice, alice_client, alice_library, query, filters
):
    own(alice_library, "Dark Souls", genres=("RPG",), playtime_minutes=600)
    own(alice_library, "Demon's Souls", genres=("RPG",), playtime_minutes=90)
    own(alice_library, "Celeste", genres=("Platformer",), playtime_minutes=1200)
    own(alice_library, "Hades", genres=("RPG",))

    html = alice_client.get(f"/library/{query}", headers={"HX-Request": "true"}).content.decode()
    on_page = [int(game_id) for game_id in re.findall(r'href="/games/(\d+)/"', html)]
    through_service = [row.game_id for row in search_games(alice, filters).items]

    assert on_page == through_service
    assert on_page  # every case lists something
