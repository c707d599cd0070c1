"""The REST API under /api/games/: thin over the services, authenticated, 404 for others' games."""

from __future__ import annotations

import csv
import io

import pytest

from mcp_bridge.keys import create_key


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client


def key_headers(user, scope="read") -> dict[str, str]:
    _, plaintext = create_key(user, "tests", scope)
    return {"Authorization": f"Bearer {plaintext}"}


def test_it_searches_with_the_library_filters_and_cursor_pages(alice_client, game_world):
    first = alice_client.get("/api/games/", {"genre": "rpg", "limit": 1, "sort": "title"}).json()
    assert [item["title"] for item in first["items"]] == ["Disco Elysium"]
    assert first["total"] == 2  # Stardew Valley is owned on Steam and GOG: one game
    second = alice_client.get(
        "/api/games/", {"genre": "rpg", "limit": 1, "cursor": first["next_cursor"]}
    ).json()
    assert [(i["title"], i["platform"]) for i in second["items"]] == [("Stardew Valley", "steam")]
    assert second["next_cursor"] == ""


def test_it_rejects_bad_filters(alice_client, game_world):
    assert alice_client.get("/api/games/", {"status": "finished"}).status_code == 422
    assert alice_client.get("/api/games/", {"limit": 101}).status_code == 422
    response = alice_client.get("/api/games/", {"cursor": "garbage"})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("cursor is not valid")


def test_it_answers_404_for_a_game_that_is_not_yours(alice_client, game_world):
    assert alice_client.get(f"/api/games/{game_world.id('Hades')}").json()["title"] == "Hades"
    bobs = game_world.id("Bob's Secret")
    response = alice_client.get(f"/api/games/{bobs}")
    assert response.status_code == 404
    assert response.json() == {"detail": f"There is no game {bobs} in your library."}


def test_it_answers_404_for_a_game_above_the_readers_cap(client, charlie, game_world):
    client.force_login(charlie)
    assert client.get(f"/api/games/{game_world.id('Gore Fest')}").status_code == 404
    assert client.get(f"/api/games/{game_world.id('Kids Kart')}").status_code == 200


def test_it_serves_stats_analytics_and_recommendations(alice_client, game_world):
    assert alice_client.get("/api/games/stats").json()["games"] == 6
    analytics = alice_client.get("/api/games/analytics", {"time_period": "week"}).json()
    assert analytics["trend"]["current_minutes"] == 400
    recommendations = alice_client.get("/api/games/recommendations", {"genre": "rpg"}).json()
    assert recommendations["items"][0]["title"] == "Disco Elysium"
    cross = alice_client.get("/api/games/cross-platform").json()
    assert [g["title"] for g in cross["items"]] == ["Stardew Valley"]


def test_it_exports_a_download(alice_client, game_world):
    response = alice_client.get("/api/games/export", {"format": "csv", "status": "completed"})
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="gamedjinn-library-')
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["title"] for row in rows] == ["Portal 2"]


def test_it_manages_collections_and_names_the_bad_rule(alice_client, game_world):
    bad = alice_client.post(
        "/api/games/collections",
        {"name": "Bad", "rules": {"genre": "Nope"}},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["detail"].startswith("rules.genre: there is no genre called 'Nope'")
    created = alice_client.post(
        "/api/games/collections",
        {"name": "Backlog RPGs", "rules": {"genre": "RPG", "status": "backlog"}},
        content_type="application/json",
    )
    assert created.status_code == 201
    collection_id = created.json()["id"]
    page = alice_client.get(f"/api/games/collections/{collection_id}").json()
    assert [g["title"] for g in page["games"]["items"]] == ["Disco Elysium"]
    changed = alice_client.patch(
        f"/api/games/collections/{collection_id}",
        {"rules": {"genre": "RPG"}},
        content_type="application/json",
    )
    assert changed.json()["game_count"] == 2
    assert [c["name"] for c in alice_client.get("/api/games/collections").json()] == [
        "Backlog RPGs"
    ]
    assert alice_client.delete(f"/api/games/collections/{collection_id}").status_code == 204


def test_it_keeps_collections_to_their_owner(alice, bob_client, game_world):
    from games.services.collections import create_collection

    theirs = create_collection(alice, "Alice's", {"metacritic_min": 90})
    assert bob_client.get(f"/api/games/collections/{theirs.id}").status_code == 404
    assert bob_client.delete(f"/api/games/collections/{theirs.id}").status_code == 404


def test_it_accepts_api_keys_and_refuses_writes_with_a_read_only_key(client, alice, game_world):
    read = key_headers(alice, "read")
    assert client.get("/api/games/", headers=read).json()["total"] == 6
    refused = client.post(
        "/api/games/collections",
        {"name": "X", "rules": {"played": False}},
        content_type="application/json",
        headers=read,
    )
    assert refused.status_code == 403
    allowed = client.post(
        "/api/games/collections",
        {"name": "X", "rules": {"played": False}},
        content_type="application/json",
        headers=key_headers(alice, "write"),
    )
    assert allowed.status_code == 201


def test_it_answers_401_without_credentials(client, game_world):
    assert client.get("/api/games/").status_code == 401


def test_it_documents_every_endpoint_in_the_openapi_schema(alice_client):
    paths = alice_client.get("/api/openapi.json").json()["paths"]
    games = {path for path in paths if path.startswith("/api/games/")}
    assert {
        "/api/games/",
        "/api/games/{game_id}",
        "/api/games/collections",
        "/api/games/analytics",
    } <= games
