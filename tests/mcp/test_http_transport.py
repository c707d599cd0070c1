"""`runmcp --transport http` as a real server: the official client, then the HTTP rules (keys,
Host/Origin, sessions) checked request by request."""

from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import httpx
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from mcp_bridge.keys import create_key, revoke_key
from mcp_bridge.models import ApiKey
from tests.mcp import live
from tests.mcp.test_tool_schemas import SEED_TOOLS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ADMIN_KEY = "gdj_env_" + secrets.token_urlsafe(24)
PROTOCOL = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "tests", "version": "1"},
    },
}
TOOLS_LIST = {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}


@pytest.fixture(scope="module")
def server_log(tmp_path_factory):
    return tmp_path_factory.mktemp("runmcp-http") / "stderr.log"


@pytest.fixture(scope="module")
def mcp_url(django_db_setup, server_log):
    with live.http_server(server_log, MCP_API_KEY=ADMIN_KEY) as url:
        yield url


def over_http(
    url: str, headers: dict[str, str], scenario: Callable[[ClientSession], Awaitable[Any]]
):
    async def main():
        async with (
            create_mcp_http_client(headers=headers) as http,
            streamable_http_client(url, http_client=http) as (read, write, _),
            ClientSession(read, write) as client,
        ):
            await client.initialize()
            return await scenario(client)

    return anyio.run(main)


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def open_session(url: str, key: str) -> str:
    response = httpx.post(url, headers={**PROTOCOL, "X-API-Key": key}, json=INITIALIZE)
    assert response.status_code == 200, response.text
    return response.headers["mcp-session-id"]


def test_it_lists_tools_and_searches_for_the_keys_owner(mcp_url, alice, game_world):
    _, key = create_key(alice, "Open-WebUI")

    async def scenario(client: ClientSession):
        tools = await client.list_tools()
        found = await client.call_tool("search_games", {"query": "Hades"})
        return {tool.name for tool in tools.tools}, found

    names, found = over_http(mcp_url, bearer(key), scenario)
    assert len(names) == len(SEED_TOOLS) and "search_games" in names
    assert [item["title"] for item in found.structuredContent["items"]] == ["Hades"]
    assert ApiKey.objects.get(user=alice).last_used_at is not None


def test_it_accepts_the_key_as_x_api_key_and_mcp_api_key_as_the_admin(mcp_url, alice, game_world):
    total = over_http(
        mcp_url,
        {"X-API-Key": ADMIN_KEY},
        lambda client: client.call_tool("search_games", {}),
    ).structuredContent["total"]
    assert total == 6  # Alice is the first admin (6 games; Stardew Valley is on two stores)


def test_it_serves_each_request_as_its_keys_owner(mcp_url, alice, bob, game_world):
    _, alices = create_key(alice, "laptop")
    _, bobs = create_key(bob, "phone")
    search = lambda client: client.call_tool("search_games", {})  # noqa: E731
    assert over_http(mcp_url, bearer(alices), search).structuredContent["total"] == 6
    bob_sees = over_http(mcp_url, bearer(bobs), search).structuredContent
    assert [item["title"] for item in bob_sees["items"]] == ["Bob's Secret"]


def test_it_answers_401_in_json_without_a_key_or_with_a_wrong_one(mcp_url, alice, game_world):
    for headers in (
        {},
        bearer("gdj_not-a-key"),
        {"X-API-Key": "nope"},
        {"Authorization": "Basic eDp5"},
    ):
        response = httpx.post(mcp_url, headers={**PROTOCOL, **headers}, json=INITIALIZE)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/json"
        assert response.json()["error"] == "unauthorized"


def test_it_refuses_a_foreign_origin_with_403_and_a_foreign_host_with_421(
    mcp_url, alice, game_world
):
    key = {"X-API-Key": ADMIN_KEY}
    foreign_origin = httpx.post(
        mcp_url, headers={**PROTOCOL, **key, "Origin": "http://evil.example"}, json=INITIALIZE
    )
    assert foreign_origin.status_code == 403
    no_key_either = httpx.post(
        mcp_url, headers={**PROTOCOL, "Origin": "http://evil.example"}, json=INITIALIZE
    )
    assert no_key_either.status_code == 403
    foreign_host = httpx.post(
        mcp_url, headers={**PROTOCOL, **key, "Host": "evil.example"}, json=INITIALIZE
    )
    assert foreign_host.status_code == 421
    for origin in ("http://localhost:8000", "http://127.0.0.1:5173"):  # PUBLIC_URL's and loopback
        allowed = httpx.post(
            mcp_url, headers={**PROTOCOL, **key, "Origin": origin}, json=INITIALIZE
        )
        assert allowed.status_code == 200, origin


def test_it_follows_the_session_rules(mcp_url, alice, game_world):
    key = {"X-API-Key": ADMIN_KEY}
    missing = httpx.post(mcp_url, headers={**PROTOCOL, **key}, json=TOOLS_LIST)
    assert missing.status_code == 400
    unknown = httpx.post(
        mcp_url, headers={**PROTOCOL, **key, "Mcp-Session-Id": "f" * 32}, json=TOOLS_LIST
    )
    assert unknown.status_code == 404
    session = open_session(mcp_url, ADMIN_KEY)
    ended = httpx.delete(mcp_url, headers={**key, "Mcp-Session-Id": session})
    assert ended.status_code == 200
    after = httpx.post(
        mcp_url, headers={**PROTOCOL, **key, "Mcp-Session-Id": session}, json=TOOLS_LIST
    )
    assert after.status_code == 404


def test_it_checks_the_key_on_every_request_not_the_session(mcp_url, alice, game_world):
    key_row, key = create_key(alice, "soon revoked")
    session = open_session(mcp_url, key)
    revoke_key(alice, key_row.pk)
    response = httpx.post(
        mcp_url, headers={**PROTOCOL, "X-API-Key": key, "Mcp-Session-Id": session}, json=TOOLS_LIST
    )
    assert response.status_code == 401


def test_it_keeps_a_session_to_the_user_who_opened_it(mcp_url, alice, bob, game_world):
    _, bobs = create_key(bob, "phone")
    session = open_session(mcp_url, ADMIN_KEY)
    response = httpx.post(
        mcp_url, headers={**PROTOCOL, "X-API-Key": bobs, "Mcp-Session-Id": session}, json=TOOLS_LIST
    )
    assert response.status_code == 404


def test_it_refuses_write_tools_to_a_read_only_key(mcp_url, alice, game_world):
    _, read_only = create_key(alice, "read only", ApiKey.Scope.READ)
    _, read_write = create_key(alice, "read write", ApiKey.Scope.WRITE)
    arguments = {"name": "Backlog", "rules": {"status": "backlog"}}
    create = lambda client: client.call_tool("create_smart_collection", arguments)  # noqa: E731
    refused = over_http(mcp_url, bearer(read_only), create)
    assert refused.isError
    assert refused.content[0].text == (
        "This API key is read-only; create_smart_collection needs a read-write key."
    )
    assert not over_http(mcp_url, bearer(read_write), create).isError


def test_it_never_writes_a_key_to_its_log(mcp_url, server_log, alice, game_world):
    _, key = create_key(alice, "secret")
    over_http(mcp_url, bearer(key), lambda client: client.call_tool("search_games", {}))
    httpx.post(mcp_url, headers={**PROTOCOL, **bearer(key + "x")}, json=INITIALIZE)
    log = server_log.read_text()
    assert "MCP request without a valid key" in log
    assert key not in log and ADMIN_KEY not in log
    assert json.dumps(key)[1:-1] not in log
