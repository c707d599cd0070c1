"""A JSON body that is not an object (an array, a number) is a 422 naming the problem, and
changes nothing."""

from __future__ import annotations

import json

import pytest

from libraries.models import Library
from tests.factories import LibraryFactory

NOT_OBJECTS = ["[]", "[1]", '[{"display_name": "Den"}]', "7", '"Den"', "null"]


@pytest.mark.parametrize("body", NOT_OBJECTS)
def test_it_refuses_a_library_patch_that_is_not_an_object(alice_client, alice, body):
    library = LibraryFactory(owner=alice, display_name="Alice on Steam")

    response = alice_client.patch(
        f"/api/libraries/{library.pk}", body, content_type="application/json"
    )

    assert response.status_code == 422, response.content
    assert "JSON object" in json.dumps(response.json())
    assert Library.objects.get(pk=library.pk).display_name == "Alice on Steam"


@pytest.mark.parametrize("body", NOT_OBJECTS)
def test_it_refuses_a_collection_patch_that_is_not_an_object(alice_client, body):
    created = alice_client.post(
        "/api/games/collections",
        {"name": "Short ones", "rules": {"playtime_max": 60}},
        content_type="application/json",
    ).json()

    response = alice_client.patch(
        f"/api/games/collections/{created['id']}", body, content_type="application/json"
    )

    assert response.status_code == 422, response.content
    assert "JSON object" in json.dumps(response.json())
