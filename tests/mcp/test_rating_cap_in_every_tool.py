"""A capped account (Charlie, ESRB T) never meets a game above the cap, nor an unrated one,
through any read tool or the export."""

from __future__ import annotations

import json

import pytest

from mcp_bridge.orm import orm
from mcp_bridge.server import build_server
from tests.mcp.conftest import call, error_text, with_client

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


def test_it_applies_a_cap_set_while_the_server_runs(alice, game_world):
    from gamedjinn.models import Profile

    server = build_server(user=alice)  # a long-lived server, as under Claude Desktop

    def cap_alice_at_teen() -> None:  # as a parent would, in the admin, meanwhile
        Profile.objects.update_or_create(user_id=alice.pk, defaults={"esrb_cap": "T"})

    async def scenario(client):
        before = await client.call_tool("search_games", {"query": "Doom"})
        await orm(cap_alice_at_teen)
        after = await client.call_tool("search_games", {"query": "Doom"})
        return before.structuredContent["total"], after.structuredContent["total"]

    assert with_client(server, scenario) == (1, 0)
