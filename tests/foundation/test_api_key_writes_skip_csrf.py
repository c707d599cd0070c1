"""A client with an API key can write through the REST API; a browser session still needs CSRF.

The test client normally skips CSRF checks, which once hid that every keyed write was refused with
"CSRF check Failed". These tests use a client that enforces them, as a real server does.
"""

from __future__ import annotations

import pytest
from django.test import Client

from libraries.models import Library
from mcp_bridge.keys import create_key
from tests.factories import LibraryFactory


@pytest.fixture
def strict_client() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def write_key(alice) -> str:
    return create_key(alice, "scripts", scope="write")[1]


def test_it_lets_a_bearer_key_patch_and_delete_a_library(strict_client, alice, write_key):
    library = LibraryFactory(owner=alice)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {write_key}"}

    patched = strict_client.patch(
        f"/api/libraries/{library.pk}",
        {"display_name": "Den"},
        content_type="application/json",
        **auth,
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["display_name"] == "Den"

    deleted = strict_client.delete(f"/api/libraries/{library.pk}", **auth)
    assert deleted.status_code == 204, deleted.content
    assert not Library.objects.filter(pk=library.pk).exists()


def test_it_lets_an_x_api_key_create_change_and_delete_a_collection(
    strict_client, alice, write_key
):
    auth = {"HTTP_X_API_KEY": write_key}

    created = strict_client.post(
        "/api/games/collections",
        {"name": "Short ones", "rules": {"playtime_max": 60}},
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201, created.content
    collection_id = created.json()["id"]
    changed = strict_client.patch(
        f"/api/games/collections/{collection_id}",
        {"name": "Shorter ones"},
        content_type="application/json",
        **auth,
    )
    assert changed.status_code == 200, changed.content
    deleted = strict_client.delete(f"/api/games/collections/{collection_id}", **auth)
    assert deleted.status_code == 204, deleted.content


def test_a_browser_session_without_a_csrf_token_is_still_refused(strict_client, alice):
    library = LibraryFactory(owner=alice, display_name="Alice on Steam")
    strict_client.force_login(alice)

    response = strict_client.patch(
        f"/api/libraries/{library.pk}", {"display_name": "Den"}, content_type="application/json"
    )

    assert response.status_code == 403
    library.refresh_from_db()
    assert library.display_name == "Alice on Steam"


def test_a_browser_session_with_its_csrf_token_may_write(strict_client, alice):
    library = LibraryFactory(owner=alice)
    strict_client.force_login(alice)
    strict_client.get("/")  # the page sets the CSRF cookie, as in a browser
    token = strict_client.cookies["csrftoken"].value

    response = strict_client.patch(
        f"/api/libraries/{library.pk}",
        {"display_name": "Den"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )

    assert response.status_code == 200, response.content


def test_the_openapi_document_is_readable_with_a_key(strict_client, alice, write_key):
    response = strict_client.get("/api/openapi.json", HTTP_AUTHORIZATION=f"Bearer {write_key}")

    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Game Djinn API"


def test_the_openapi_document_is_not_readable_without_a_key_or_session(strict_client, db):
    response = strict_client.get("/api/openapi.json", HTTP_AUTHORIZATION="Bearer gdj_wrong")

    assert response.status_code == 302  # to the sign-in page, as for the docs page
    assert "Game Djinn API" not in response.content.decode()
