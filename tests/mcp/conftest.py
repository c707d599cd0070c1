"""MCP test helpers: the SDK's in-memory client for the fast tier, driven from sync tests so that
the tools' ORM calls run on the test's thread and see its transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest
from asgiref.sync import async_to_sync
from mcp import ClientSession
from mcp.shared.memory import create_connected_server_and_client_session
from mcp.types import CallToolResult

from mcp_bridge.server import build_server
from tests.games.world import game_world  # noqa: F401

T = TypeVar("T")


def with_client(server, scenario: Callable[[ClientSession], Awaitable[T]]) -> T:
    async def main() -> T:
        async with create_connected_server_and_client_session(server) as client:
            return await scenario(client)

    return async_to_sync(main)()


def call(server, tool: str, arguments: dict[str, Any] | None = None) -> CallToolResult:
    return with_client(server, lambda client: client.call_tool(tool, arguments or {}))


def error_text(result: CallToolResult) -> str:
    assert result.isError, result.structuredContent
    return result.content[0].text


@pytest.fixture
def alice_server(alice):
    return build_server(user=alice)
