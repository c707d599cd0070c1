"""Failures come back as isError results holding one clear sentence; bad arguments name the field."""

from __future__ import annotations

import pytest

import mcp_bridge.server
from tests.mcp.conftest import call, error_text


@pytest.mark.parametrize(
    ("tool", "arguments", "expected"),
    [
        (
            "search_games",
            {"limit": 500},
            "Invalid arguments for search_games: limit: Input should be less than or equal to 100.",
        ),
        (
            "search_games",
            {"offset": -1},
            "Invalid arguments for search_games: offset: Input should be greater than or equal to 0.",
        ),
        (
            "search_games",
            {"status_filter": "finished"},
            "Invalid arguments for search_games: status_filter: Input should be 'backlog', 'playing', 'completed', 'abandoned' or 'wishlist'.",
        ),
        (
            "search_games",
            {"platform": "steam"},
            "search_games has no argument platform; it takes: cursor, genre, limit, offset, platform_filter, query, rating_filter, sort, status_filter, time_to_beat_max.",
        ),
        (
            "search_games",
            {"cursor": "not-a-cursor"},
            "cursor is not valid; start again from the first page.",
        ),
        (
            "get_game_details",
            {},
            "Invalid arguments for get_game_details: game_id: Field required.",
        ),
        ("get_game_details", {"game_id": 999999}, "There is no game 999999 in your library."),
        (
            "get_game_details",
            {"game_id": 2**64},
            "Invalid arguments for get_game_details: game_id: Input should be at most 9223372036854775807.",
        ),
        (
            "get_game_details",
            {"game_id": -(2**70)},
            "Invalid arguments for get_game_details: game_id: Input should be at least -9223372036854775808.",
        ),
        (
            "search_games",
            {"offset": 10**20},
            "Invalid arguments for search_games: offset: Input should be at most 9223372036854775807.",
        ),
        (
            "search_games",
            {"query": "port\x00al"},
            "Invalid arguments for search_games: text must not contain NUL characters (\\0), which Game Djinn cannot store.",
        ),
        (
            "analyze_gaming_patterns",
            {"time_period": "decade"},
            "Invalid arguments for analyze_gaming_patterns: time_period: Input should be 'week', 'month', 'quarter', 'year' or 'all'.",
        ),
        ("analyze_gaming_patterns", {"library_id": 999999}, "You have no library 999999."),
        (
            "filter_by_content_rating",
            {"esrb_rating": "PG-13"},
            "Invalid arguments for filter_by_content_rating: esrb_rating: Input should be 'E', 'E10+', 'T', 'M' or 'AO'.",
        ),
        (
            "recommend_games",
            {"genre_preference": "Horror"},
            "genre_preference: you own no games in the genre 'Horror'.",
        ),
        (
            "export_library_data",
            {"format": "xml"},
            "Invalid arguments for export_library_data: format: Input should be 'json' or 'csv'.",
        ),
        (
            "export_library_data",
            {"filters": {"metacritic_min": 101}},
            "Invalid arguments for export_library_data: filters.metacritic_min: Input should be less than or equal to 100.",
        ),
        (
            "create_smart_collection",
            {"name": "X", "rules": {"metacritic_min": 101}},
            "Invalid arguments for create_smart_collection: rules.metacritic_min: Input should be less than or equal to 100.",
        ),
        (
            "create_smart_collection",
            {"name": "X", "rules": {"genre": "Horror"}},
            "rules.genre: there is no genre called 'Horror'.",
        ),
        (
            "create_smart_collection",
            {"name": "X", "rules": {}},
            "Invalid arguments for create_smart_collection: rules: give at least one rule",
        ),
        ("sync_platform_library", {"library_id": 999999}, "You have no library 999999."),
        ("no_such_tool", {}, "Unknown tool: no_such_tool"),
    ],
)
def test_it_fails_with_a_sentence_naming_the_problem(
    alice_server, game_world, tool, arguments, expected
):
    assert error_text(call(alice_server, tool, arguments)).startswith(expected)


def test_it_hides_internal_errors_behind_a_sentence_and_logs_them(
    alice_server, game_world, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("deadlock detected on relation games_game")

    monkeypatch.setattr(mcp_bridge.server, "cross_platform_games", broken)
    text = error_text(call(alice_server, "get_cross_platform_games"))
    assert text == (
        "get_cross_platform_games failed because of an error inside Game Djinn; "
        "the server log has the details."
    )
    assert "deadlock" not in text and "Traceback" not in text
    assert any(
        record.exc_info and "deadlock" in str(record.exc_info[1]) for record in caplog.records
    )


def test_it_never_echoes_a_credential_in_a_validation_error(alice_server, game_world):
    secret = "0123456789ABCDEF0123456789ABCDEF"
    text = error_text(
        call(
            alice_server,
            "add_platform_library",
            {"platform_code": "steam", "credentials": {"api_key": secret, "account": ""}},
        )
    )
    assert text == "Steam account is missing (the account field)."
    assert secret not in text


def test_it_refuses_a_duplicate_collection_name(alice_server, game_world):
    arguments = {"name": "Mine", "rules": {"played": False}}
    assert not call(alice_server, "create_smart_collection", arguments).isError
    assert error_text(call(alice_server, "create_smart_collection", arguments)) == (
        "name: you already have a collection called 'Mine'."
    )
