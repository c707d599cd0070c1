"""A capped account (Charlie, ESRB T) never meets a game above the cap, nor an unrated one,
through any read tool or the export."""

from __future__ import annotations

import json

import pytest

from mcp_bridge.server import build_server
from tests.mcp.conftest import call, error_text

HIDDEN = ("Gore Fest", "Mystery Box")
READS = [
    ("search_games", {}),
    ("search_games", {"query": "Gore"}),
    ("search_games", {"rating_filter": "AO"}),
    ("filter_by_content_rating", {"esrb_rating": "AO", "include_unrated": True}),
    ("analyze_gaming_patterns", {"time_period": "all"}),
    ("recommend_games", {"limit": 100}),
    ("recommend_games", {"criteria": "unplayed", "limit": 100}),
    ("get_cross_platform_games", {}),
    ("export_library_data", {"format": "json"}),
    ("export_library_data", {"format": "csv"}),
]


@pytest.mark.parametrize(("tool", "arguments"), READS)
def test_it_shows_nothing_above_the_cap(charlie, game_world, tool, arguments):
    result = call(build_server(user=charlie), tool, arguments)
    assert not result.isError, result.content[0].text
    everything = json.dumps(result.structuredContent) + result.content[0].text
    assert not [title for title in HIDDEN if title in everything]


def test_it_answers_not_found_for_a_game_above_the_cap(charlie, game_world):
    server = build_server(user=charlie)
    for title in HIDDEN:
        game_id = game_world.id(title)
        assert error_text(call(server, "get_game_details", {"game_id": game_id})) == (
            f"There is no game {game_id} in your library."
        )
    assert not call(server, "get_game_details", {"game_id": game_world.id("Kids Kart")}).isError


def test_it_keeps_the_cap_in_a_smart_collection(charlie, game_world):
    result = call(
        build_server(user=charlie),
        "create_smart_collection",
        {"name": "All action", "rules": {"genre": "Action"}},
    )
    assert result.structuredContent["game_count"] == 1
