"""A NUL character in any request is refused with a clear 400 before it reaches the database
(PostgreSQL cannot store NUL in text: it used to be a server error there, and only there)."""

from __future__ import annotations

from django.urls import reverse

from gamedjinn.nul_characters import REFUSAL
from games.models import Collection
from mcp_bridge.models import ApiKey


def test_it_refuses_a_nul_in_a_rest_query_with_a_json_error(alice_client):
    response = alice_client.get("/api/games/", {"q": "port\x00al"})
    assert response.status_code == 400
    assert response.json() == {"detail": REFUSAL}


def test_it_refuses_a_nul_in_a_json_body_and_creates_nothing(alice_client):
    response = alice_client.post(
        "/api/games/collections",
        {"name": "Back\x00log", "rules": {"status": "backlog"}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"detail": REFUSAL}
    assert not Collection.objects.exists()


def test_it_refuses_a_nul_in_a_page_query(alice_client):
    response = alice_client.get(reverse("games:suggest"), {"q": "\x00"})
    assert response.status_code == 400
    assert response.content.decode() == REFUSAL


def test_it_refuses_a_nul_in_a_form_field_and_creates_nothing(alice_client):
    response = alice_client.post(
        reverse("mcp_bridge:add_key"), {"name": "Claude\x00", "scope": "read"}
    )
    assert response.status_code == 400
    assert not ApiKey.objects.exists()


def test_it_lets_the_same_requests_through_without_the_nul(alice_client):
    assert alice_client.get("/api/games/", {"q": "portal"}).status_code == 200
    assert alice_client.get(reverse("games:suggest"), {"q": "portal"}).status_code == 200
    created = alice_client.post(
        "/api/games/collections",
        {"name": "Backlog", "rules": {"status": "backlog"}},
        content_type="application/json",
    )
    assert created.status_code == 201
