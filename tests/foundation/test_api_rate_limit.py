"""One client over its request budget (API_RATE_LIMIT) gets 429 with Retry-After, through the
REST API and the MCP HTTP transport; other keys and users carry on."""

from __future__ import annotations

import httpx
import pytest

from gamedjinn.env import RateLimit
from mcp_bridge.keys import create_key
from tests.mcp import live

BUDGET = 3
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


@pytest.fixture
def small_budget(settings):
    settings.API_RATE_LIMIT = RateLimit(BUDGET, 3600)


def _over(response) -> int:
    assert response.status_code == 429, response.content
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= 3600
    return retry_after


def test_a_key_over_its_budget_gets_429_and_other_keys_do_not(client, alice, bob, small_budget):
    runaway = {"HTTP_AUTHORIZATION": f"Bearer {create_key(alice, 'loop')[1]}"}
    other = {"HTTP_X_API_KEY": create_key(alice, "dashboard")[1]}
    bobs = {"HTTP_AUTHORIZATION": f"Bearer {create_key(bob, 'phone')[1]}"}

    for _ in range(BUDGET):
        assert client.get("/api/libraries/", **runaway).status_code == 200
    refused = client.get("/api/libraries/", **runaway)

    _over(refused)
    assert "Too many requests" in refused.json()["detail"]
    assert client.get("/api/games/stats", **other).status_code == 200
    assert client.get("/api/libraries/", **bobs).status_code == 200
    _over(client.get("/api/games/stats", **runaway))  # the budget is the key's, not the path's


def test_a_signed_in_user_over_the_budget_gets_429_and_others_do_not(
    client, alice, bob, small_budget
):
    client.force_login(alice)
    for _ in range(BUDGET):
        assert client.get("/api/libraries/").status_code == 200

    _over(client.get("/api/libraries/"))

    client.force_login(bob)
    assert client.get("/api/libraries/").status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_mcp_http_transport_gives_429_per_key(alice, tmp_path):
    runaway, other = create_key(alice, "loop")[1], create_key(alice, "claude")[1]
    with live.http_server(tmp_path / "stderr.log", API_RATE_LIMIT=f"{BUDGET}/3600") as url:
        for _ in range(BUDGET):
            answer = httpx.post(url, headers={**PROTOCOL, "X-API-Key": runaway}, json=INITIALIZE)
            assert answer.status_code == 200, answer.text
        refused = httpx.post(url, headers={**PROTOCOL, "X-API-Key": runaway}, json=INITIALIZE)
        fine = httpx.post(
            url, headers={**PROTOCOL, "Authorization": f"Bearer {other}"}, json=INITIALIZE
        )

    _over(refused)
    assert refused.json()["error"] == "rate_limited"
    assert fine.status_code == 200, fine.text
