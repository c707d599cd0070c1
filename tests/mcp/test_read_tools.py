"""Every read tool over the SDK's in-memory client, on Alice's known library."""

from __future__ import annotations

import csv
import io
import json

from tests.mcp.conftest import call, with_client


def data(result) -> dict:
    assert not result.isError, result.content[0].text
    assert json.loads(result.content[0].text) == result.structuredContent  # same data, compact
    return result.structuredContent


def test_it_searches_with_the_seed_filters_and_offset_pages(alice_server, game_world):
    found = data(call(alice_server, "search_games", {"query": "ades"}))
    assert [(i["title"], i["game_id"]) for i in found["items"]] == [
        ("Hades", game_world.id("Hades"))
    ]
    page = data(
        call(
            alice_server,
            "search_games",
            {
                "platform_filter": "steam",
                "status_filter": "playing",
                "rating_filter": "T",
                "limit": 1,
            },
        )
    )
    assert (page["total"], page["next_offset"]) == (2, 1)
    rest = data(
        call(
            alice_server,
            "search_games",
            {
                "platform_filter": "steam",
                "status_filter": "playing",
                "rating_filter": "T",
                "limit": 1,
                "offset": 1,
            },
        )
    )
    assert [i["title"] for i in page["items"] + rest["items"]] == ["Hades", "Stardew Valley"]
    assert rest["next_offset"] is None
    assert data(call(alice_server, "search_games", {"genre": "roguelike"}))["total"] == 1


def test_it_details_a_game_with_playtime_per_platform(alice_server, game_world):
    detail = data(
        call(alice_server, "get_game_details", {"game_id": game_world.id("Stardew Valley")})
    )
    assert {(c["platform_name"], c["playtime_hours"]) for c in detail["owned_on"]} == {
        ("Steam", 100.0),
        ("GOG", 5.0),
    }
    hades = data(call(alice_server, "get_game_details", {"game_id": game_world.id("Hades")}))
    assert (hades["achievements"]["unlocked"], hades["achievements"]["total"]) == (4, 6)


def test_it_analyzes_patterns_over_a_period(alice_server, game_world):
    patterns = data(call(alice_server, "analyze_gaming_patterns", {"time_period": "week"}))
    assert patterns["trend"]["direction"] == "down"
    assert patterns["playtime_by_platform"][0]["name"] == "Steam"
    assert patterns["backlog"] == 2


def test_it_filters_by_content_rating_with_unrated_counted(alice_server, game_world):
    result = data(call(alice_server, "filter_by_content_rating", {"esrb_rating": "E"}))
    # Owned on Steam and GOG, Stardew Valley is one game with its total playtime.
    assert [(i["title"], i["playtime_minutes"]) for i in result["items"]] == [
        ("Stardew Valley", 6300)
    ]
    assert result["unrated_count"] == 1 and "left out" in result["note"]


def test_it_recommends_with_reasons(alice_server, game_world):
    result = data(call(alice_server, "recommend_games", {"criteria": "unplayed", "limit": 3}))
    assert result["items"][0]["title"] == "Disco Elysium"
    assert "never played" in result["items"][0]["reason"]


def test_it_lists_cross_platform_games(alice_server, game_world):
    result = data(call(alice_server, "get_cross_platform_games"))
    assert [(g["title"], g["most_played_on"]) for g in result["items"]] == [
        ("Stardew Valley", "Steam")
    ]


def test_it_exports_filtered_csv_and_json(alice_server, game_world):
    exported = data(
        call(alice_server, "export_library_data", {"format": "csv", "filters": {"genre": "Puzzle"}})
    )
    rows = list(csv.DictReader(io.StringIO(exported["content"])))
    assert sorted(row["title"] for row in rows) == ["Portal 2", "Tiny Unrated"]
    whole = data(call(alice_server, "export_library_data"))
    assert json.loads(whole["content"])["count"] == 7


def test_it_creates_a_smart_collection_that_the_web_ui_lists(alice, alice_server, game_world):
    from games.services.collections import list_collections

    created = data(
        call(
            alice_server,
            "create_smart_collection",
            {"name": "Acclaimed backlog", "rules": {"status": "backlog", "metacritic_min": 90}},
        )
    )
    assert created["game_count"] == 1
    assert [c.name for c in list_collections(alice)] == ["Acclaimed backlog"]


def test_it_lists_platforms_with_your_libraries(alice_server, game_world, settings):
    settings.STEAM_API_KEY = ""
    platforms = {
        p["code"]: p for p in data(call(alice_server, "get_supported_platforms"))["platforms"]
    }
    assert (
        platforms["steam"]["sync_supported"] and platforms["steam"]["configured"]
    )  # Alice has a library
    assert [lib["display_name"] for lib in platforms["steam"]["libraries"]] == ["Alice on Steam"]
    # Epic signs in with a code anyone can get: ready without a library or a server key.
    assert platforms["epic"]["sync_supported"] and platforms["epic"]["configured"]
    assert [field["name"] for field in platforms["epic"]["credential_fields"]] == ["code"]
    # A store with no connection of its own only receives releases through another source.
    assert platforms["ubisoft"]["kind"] == "store" and not platforms["ubisoft"]["sync_supported"]
    assert platforms["galaxy"]["kind"] == "file" and platforms["galaxy"]["credential_fields"] == []
    assert game_world.alice_steam.credentials["api_key"] not in json.dumps(platforms)


def test_it_serves_a_game_resource_and_a_what_to_play_prompt(alice_server, game_world):
    async def scenario(client):
        resource = await client.read_resource(f"game://{game_world.id('Hades')}")
        prompt = await client.get_prompt(
            "what_to_play_tonight", {"minutes": "45", "mood": "relaxed"}
        )
        return resource, prompt

    resource, prompt = with_client(alice_server, scenario)
    assert json.loads(resource.contents[0].text)["title"] == "Hades"
    assert (
        "45 minutes" in prompt.messages[0].content.text
        and "recommend_games" in prompt.messages[0].content.text
    )
