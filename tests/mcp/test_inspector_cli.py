"""A client nobody here wrote: the MCP Inspector CLI lists the tools and calls search_games over
both transports.

The Inspector is pinned: 0.21.2 is the newest release whose CLI has --header (needed for the API
key) and that still runs on Node 20 (npm warns that it asks for Node 22; it works). npx fetches
it from the npm registry on first use and caches it.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from mcp_bridge.keys import create_key
from tests.mcp import live
from tests.mcp.test_tool_schemas import SEED_TOOLS

INSPECTOR = "@modelcontextprotocol/inspector@0.21.2"

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        shutil.which("npx") is None,
        reason="The MCP Inspector proof needs npx (Node.js 20+); install Node.js to run it.",
    ),
]


def inspector(*arguments: str) -> dict:
    finished = subprocess.run(
        ["npx", "-y", INSPECTOR, "--cli", *arguments],
        cwd=live.ROOT,
        env=live.server_env(),  # a stdio server started by the Inspector inherits it
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stdout[-2000:] + finished.stderr[-2000:]
    return json.loads(finished.stdout)


def search_hades(*target: str) -> list[str]:
    result = inspector(
        *target,
        "--method",
        "tools/call",
        "--tool-name",
        "search_games",
        "--tool-arg",
        "query=Hades",
        "--tool-arg",
        "limit=5",
    )
    assert result["isError"] is False
    return [item["title"] for item in result["structuredContent"]["items"]]


def test_the_inspector_lists_and_calls_tools_over_stdio(alice, game_world):
    stdio = (*live.MANAGE, "runmcp")
    listed = inspector(*stdio, "--method", "tools/list")
    assert len(listed["tools"]) == len(SEED_TOOLS)
    assert search_hades(*stdio) == ["Hades"]


def test_the_inspector_lists_and_calls_tools_over_http(alice, game_world, tmp_path):
    _, key = create_key(alice, "MCP Inspector")
    with live.http_server(tmp_path / "runmcp.log") as url:
        http = (url, "--transport", "http", "--header", f"Authorization: Bearer {key}")
        listed = inspector(*http, "--method", "tools/list")
        assert {tool["name"] for tool in listed["tools"]} >= {
            "search_games",
            "sync_platform_library",
        }
        assert search_hades(*http) == ["Hades"]
