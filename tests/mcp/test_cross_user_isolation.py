"""The fixed user of a server sees only their own libraries, through every tool."""

from __future__ import annotations

import json

from mcp_bridge.server import build_server
from tests.mcp.conftest import call, error_text

ALICE_TITLES = (
    "Hades",
    "Stardew Valley",
    "Portal 2",
    "Disco Elysium",
    "Doom Eternal",
    "Tiny Unrated",
)


def test_it_shows_bob_only_his_own_games_in_every_read_tool(bob, game_world):
    server = build_server(user=bob)
    for tool, arguments in [
        ("search_games", {}),
        ("filter_by_content_rating", {"esrb_rating": "AO", "include_unrated": True}),
        ("analyze_gaming_patterns", {"time_period": "all"}),
        ("recommend_games", {"limit": 100}),
        ("get_cross_platform_games", {}),
        ("export_library_data", {}),
        ("get_supported_platforms", {}),
    ]:
        result = call(server, tool, arguments)
        text = json.dumps(result.structuredContent)
        assert not [title for title in ALICE_TITLES if title in text], tool
        assert "Alice on" not in text, tool
    assert call(server, "search_games", {}).structuredContent["total"] == 1


def test_it_answers_not_found_for_another_users_game_and_library(bob, game_world):
    server = build_server(user=bob)
    hades = game_world.id("Hades")
    assert error_text(call(server, "get_game_details", {"game_id": hades})) == (
        f"There is no game {hades} in your library."
    )
    alices = game_world.alice_steam.pk
    assert error_text(call(server, "analyze_gaming_patterns", {"library_id": alices})) == (
        f"You have no library {alices}."
    )
    assert error_text(call(server, "sync_platform_library", {"library_id": alices})) == (
        f"You have no library {alices}."
    )


def test_it_keeps_a_collection_to_the_user_who_made_it(alice, bob, game_world):
    from games.services.collections import list_collections

    call(
        build_server(user=bob),
        "create_smart_collection",
        {"name": "Bob's", "rules": {"played": True}},
    )
    assert list_collections(alice) == []
    assert [c.game_count for c in list_collections(bob)] == [1]
