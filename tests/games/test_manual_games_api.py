"""REST for games added by hand: POST, GET, PATCH and DELETE /api/games/manual, read-write only."""

from __future__ import annotations

import pytest

from mcp_bridge.keys import create_key

pytestmark = pytest.mark.django_db


def test_it_adds_edits_and_deletes_a_manual_game(alice_client):
    created = alice_client.post(
        "/api/games/manual",
        {"title": "Metroid Dread", "platform": "Nintendo Switch", "user_rating": 9},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    game = created.json()
    assert (game["platform"], game["status"], game["user_rating"]) == (
        "Nintendo Switch",
        "backlog",
        9,
    )

    patched = alice_client.patch(
        f"/api/games/manual/{game['entry_id']}",
        {"status": "completed", "user_rating": None},
        content_type="application/json",
    )
    assert patched.status_code == 200, patched.content
    assert (patched.json()["status"], patched.json()["user_rating"]) == ("completed", None)

    assert alice_client.delete(f"/api/games/manual/{game['entry_id']}").status_code == 204
    assert alice_client.get(f"/api/games/manual/{game['entry_id']}").status_code == 404


def test_it_says_what_is_wrong_and_refuses_read_only_keys(client, alice):
    bad = client.post(
        "/api/games/manual",
        {"title": "X", "status": "finished"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {create_key(alice, 'ro', 'read')[1]}"},
    )
    assert bad.status_code == 403
    client.force_login(alice)
    bad = client.post(
        "/api/games/manual",
        {"title": "X", "status": "finished"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "status must be one of" in bad.json()["detail"]
