"""Lists of merged games cost the same number of queries for few or many games: the totals are
read with the rows, never per game."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from games.queries import LibraryFilters
from games.services.search import search_games
from tests.games.merged import merged_game

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_lists_of_merged_games_cost_constant_queries(
    alice, alice_client, alice_library, django_assert_max_num_queries
):
    def doors() -> list[int]:
        counts = []
        for run in (
            lambda: search_games(alice, LibraryFilters(sort="playtime"), limit=50),
            lambda: search_games(alice, LibraryFilters(q="knight", platform="steam")),
            lambda: alice_client.get("/api/games/", {"sort": "playtime", "played": "true"}),
            lambda: alice_client.get("/library/?q=knight", **HTMX),
            lambda: alice_client.get("/library/?view=list&sort=playtime"),
        ):
            with CaptureQueriesContext(connection) as captured:
                run()
            counts.append(len(captured))
        return counts

    for n in range(2):
        merged_game(alice, alice_library, f"Knight {n}")
    doors()  # the first visit creates the profile and caches it on the user
    few = doors()
    for n in range(2, 30):
        merged_game(alice, alice_library, f"Knight {n}")
    assert doors() == few
    assert search_games(alice, LibraryFilters(q="knight")).total == 30
