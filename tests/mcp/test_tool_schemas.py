"""tools/list: the eleven seed tools, add_game and the match-review tools, typed and described, read tools marked read-only."""

from __future__ import annotations

from tests.mcp.conftest import with_client

SEED_TOOLS = {
    "get_supported_platforms",
    "add_platform_library",
    "sync_platform_library",
    "search_games",
    "get_game_details",
    "analyze_gaming_patterns",
    "filter_by_content_rating",
    "recommend_games",
    "get_cross_platform_games",
    "export_library_data",
    "create_smart_collection",
    "add_game",
    "list_match_suggestions",
    "list_recent_curations",
    "accept_match",
    "reject_match",
    "merge_games",
    "split_release",
    "undo_change",
}
WRITE_TOOLS = {
    "add_platform_library",
    "sync_platform_library",
    "create_smart_collection",
    "add_game",
    "accept_match",
    "reject_match",
    "merge_games",
    "split_release",
    "undo_change",
}
SEED_ARGUMENTS = {
    "add_platform_library": {"platform_code", "credentials", "display_name"},
    "sync_platform_library": {"library_id", "wait"},
    "search_games": {
        "query",
        "platform_filter",
        "status_filter",
        "rating_filter",
        "genre",
        "limit",
        "offset",
    },
    "get_game_details": {"game_id", "library_id"},
    "analyze_gaming_patterns": {"library_id", "time_period"},
    "filter_by_content_rating": {"esrb_rating"},
    "recommend_games": {"criteria", "limit", "genre_preference"},
    "export_library_data": {"format", "filters"},
    "create_smart_collection": {"name", "rules"},
    "add_game": {"title", "platform", "store_id", "status", "user_rating", "notes"},
}


def tools(server) -> dict:
    return {
        tool.name: tool for tool in with_client(server, lambda client: client.list_tools()).tools
    }


def test_it_lists_exactly_the_seed_tools_with_their_arguments(alice_server):
    listed = tools(alice_server)
    assert set(listed) == SEED_TOOLS
    for name, arguments in SEED_ARGUMENTS.items():
        assert arguments <= set(listed[name].inputSchema["properties"]), name


def test_it_marks_read_tools_read_only_and_write_tools_not(alice_server):
    for name, tool in tools(alice_server).items():
        assert tool.annotations.readOnlyHint is (name not in WRITE_TOOLS), name


def test_it_describes_every_tool_argument_and_declares_structured_output(alice_server):
    for name, tool in tools(alice_server).items():
        assert tool.description and len(tool.description) > 40, name
        for argument, schema in tool.inputSchema["properties"].items():
            assert schema.get("description"), f"{name}.{argument}"
        assert tool.outputSchema and tool.outputSchema["type"] == "object", name


def test_it_caps_every_limit_at_one_hundred(alice_server):
    limits = [
        tool.inputSchema["properties"]["limit"]
        for tool in tools(alice_server).values()
        if "limit" in tool.inputSchema["properties"]
    ]
    assert len(limits) == 5
    assert all(limit["maximum"] == 100 and limit["minimum"] == 1 for limit in limits)


def test_it_types_enumerations_so_clients_can_offer_the_choices(alice_server):
    search = tools(alice_server)["search_games"].inputSchema["properties"]
    statuses = search["status_filter"]["anyOf"][0]["enum"]
    assert statuses == ["backlog", "playing", "completed", "abandoned", "wishlist"]
    assert search["rating_filter"]["anyOf"][0]["enum"] == ["E", "E10+", "T", "M", "AO"]
    credentials = tools(alice_server)["add_platform_library"].inputSchema["properties"]
    assert credentials["credentials"]["additionalProperties"]["writeOnly"] is True
