"""A game owned on two stores and merged into one is one card with the total playtime, in every
door: the search service, REST, the library page, the dashboard and the MCP tools."""

from __future__ import annotations

import re

from games.queries import LibraryFilters, library_summary, most_played
from games.services.search import search_games
from mcp_bridge.server import build_server
from tests.games.merged import merged_game
from tests.mcp.conftest import call


def test_it_lists_a_merged_game_once_with_its_total_in_search_games(alice, alice_library):
    merged = merged_game(alice, alice_library)
    found = search_games(alice, LibraryFilters())
    assert [
        (r.game_id, r.playtime_minutes, r.playtime_hours, r.store_count) for r in found.items
    ] == [(merged.game.pk, 480, 8.0, 2)]
    assert found.total == 1
    assert found.items[0].platform == "gog"  # the most played copy stands for the game


def test_it_lists_a_merged_game_once_over_rest(alice_client, alice, alice_library):
    merged_game(alice, alice_library)
    body = alice_client.get("/api/games/", {"q": "hollow"}).json()
    assert [(i["title"], i["playtime_minutes"], i["store_count"]) for i in body["items"]] == [
        ("Hollow Knight", 480, 2)
    ]
    assert body["total"] == 1


def test_it_shows_one_card_on_the_library_page(alice_client, alice, alice_library):
    merged_game(alice, alice_library)
    for url in ("/library/", "/library/?view=list", "/library/?q=hollow"):
        html = alice_client.get(url).content.decode()
        assert len(re.findall(r">Hollow Knight<", html)) == 1 + ("view=list" not in url), url
        assert "8 h" in html and "on 2 stores" in html, url


def test_the_dashboard_counts_it_once_with_its_total(alice_client, alice, alice_library):
    merged_game(alice, alice_library)
    summary = library_summary(alice)
    assert (summary.games, summary.played, summary.playtime_minutes) == (1, 1, 480)
    assert [(e.release.game.title, e.game_playtime_minutes) for e in most_played(alice)] == [
        ("Hollow Knight", 480)
    ]
    assert "8 h" in alice_client.get("/").content.decode()


def test_an_mcp_tool_lists_it_once_with_its_total(alice, alice_library):
    merged_game(alice, alice_library)
    result = call(build_server(user=alice), "search_games", {"query": "hollow"})
    assert not result.isError, result.content[0].text
    items = result.structuredContent["items"]
    assert [(i["title"], i["playtime_minutes"], i["store_count"]) for i in items] == [
        ("Hollow Knight", 480, 2)
    ]
