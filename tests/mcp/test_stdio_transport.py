"""`manage.py runmcp` over stdio, driven by the official client: every tool on a library synced
from the fake Steam server, with progress notifications; stdout carries nothing but the protocol."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator

import anyio
import pytest
from mcp import ClientSession
from mcp.client.stdio import stdio_client

from platforms.integrations.steam.fake_server import FakeSteam, SteamWorld, generate_world
from tests.mcp import live
from tests.mcp.test_tool_schemas import SEED_TOOLS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def steam_world() -> SteamWorld:
    return generate_world(30, seed=9)


@pytest.fixture
def fake_steam(steam_world) -> Iterator[FakeSteam]:
    with FakeSteam(steam_world) as fake:
        yield fake


def steam_env(fake: FakeSteam) -> dict[str, str]:
    return {
        "STEAM_API_URL": fake.url,
        "STEAM_STORE_URL": fake.url,
        "STEAM_API_RATE_LIMIT": "10000/1",
        "STEAM_STORE_RATE_LIMIT": "10000/1",
    }


def over_stdio(params, scenario):
    async def main():
        async with stdio_client(params) as (read, write), ClientSession(read, write) as client:
            await client.initialize()
            return await scenario(client)

    return anyio.run(main)


def test_it_serves_every_tool_on_a_library_it_synced_with_progress(alice, steam_world, fake_steam):
    progress: list[tuple[float, float | None, str | None]] = []

    async def record(value, total, message):
        progress.append((value, total, message))

    async def scenario(client: ClientSession):
        results = {}

        async def use(tool, arguments=None, **options):
            result = await client.call_tool(tool, arguments or {}, **options)
            assert not result.isError, f"{tool}: {result.content[0].text}"
            results[tool] = result.structuredContent
            return result.structuredContent

        assert len((await client.list_tools()).tools) == len(SEED_TOOLS)
        credentials = {"account": steam_world.steamid, "api_key": steam_world.api_key}
        library = await use(
            "add_platform_library", {"platform_code": "steam", "credentials": credentials}
        )
        await use(
            "sync_platform_library", {"library_id": library["library_id"]}, progress_callback=record
        )
        await use("get_supported_platforms")
        found = await use("search_games", {"limit": 5, "sort": "playtime"})
        await use("get_game_details", {"game_id": found["items"][0]["game_id"]})
        await use("analyze_gaming_patterns", {"time_period": "all"})
        await use("filter_by_content_rating", {"esrb_rating": "M", "include_unrated": True})
        await use("recommend_games", {"limit": 5})
        await use("get_cross_platform_games")
        await use("export_library_data", {"format": "csv"})
        await use("create_smart_collection", {"name": "Never played", "rules": {"played": False}})
        return results

    results = over_stdio(live.stdio_server(**steam_env(fake_steam)), scenario)

    owned = len(steam_world.player.owned)
    assert (
        results["sync_platform_library"]["status"],
        results["sync_platform_library"]["counts"]["added"],
    ) == (
        "succeeded",
        owned,
    )
    assert results["search_games"]["total"] == owned
    assert results["get_game_details"]["owned_on"][0]["platform"] == "steam"
    assert results["analyze_gaming_patterns"]["games"] == owned
    assert results["export_library_data"]["rows"] == owned
    never_played = sum(1 for game in steam_world.player.owned if not game.get("playtime_forever"))
    assert results["create_smart_collection"]["game_count"] == never_played
    values = [value for value, _, _ in progress]
    assert values == sorted(set(values)) and values[-1] == 3
    phases = [message.split(":")[0] for _, _, message in progress if "done" in message]
    assert phases == ["Owned games", "Store metadata", "Achievements"]


def test_it_serves_the_user_named_on_the_command_line(alice, bob, game_world):
    found = over_stdio(
        live.stdio_server("--user", "bob"), lambda client: client.call_tool("search_games", {})
    )
    assert [item["title"] for item in found.structuredContent["items"]] == ["Bob's Secret"]


def test_it_keeps_stdout_for_the_protocol_and_talks_on_stderr(alice):
    params = live.stdio_server()
    messages = [
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "t", "version": "1"},
            },
        },
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
        {
            "jsonrpc": "2.0",
            "id": 3,
            "method": "tools/call",
            "params": {"name": "search_games", "arguments": {"limit": 500}},
        },
    ]
    process = subprocess.Popen(
        [params.command, *params.args],
        cwd=params.cwd,
        env=params.env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for message in messages:
        process.stdin.write(json.dumps(message) + "\n")
        process.stdin.flush()
    lines = [process.stdout.readline() for _ in range(3)]  # the replies, then end of input:
    rest, stderr = process.communicate(timeout=30)
    replies = [json.loads(line) for line in [*lines, *rest.splitlines()] if line.strip()]
    assert [reply["id"] for reply in replies] == [1, 2, 3]
    assert all(reply["jsonrpc"] == "2.0" for reply in replies)
    assert replies[2]["result"]["isError"] is True
    assert "Game Djinn MCP on stdio, serving alice's library." in stderr


def test_it_refuses_to_start_when_there_is_no_admin(db):
    params = live.stdio_server()
    finished = subprocess.run(
        [params.command, *params.args],
        cwd=params.cwd,
        env=params.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 1
    assert finished.stdout == ""
    assert "There is no admin yet" in finished.stderr and "--user USERNAME" in finished.stderr
