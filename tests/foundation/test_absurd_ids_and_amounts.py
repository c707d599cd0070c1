"""Ids and amounts wider than the databases' 64-bit integers get a clear answer (404 for an id in
a URL, 422 naming the field for a parameter), never a server error."""

from __future__ import annotations

import pytest

ABSURD = str(10**20)


@pytest.mark.parametrize(
    "url",
    [
        f"/games/{ABSURD}/",
        f"/libraries/{ABSURD}/",
        f"/assistant/c/{ABSURD}/",
        f"/api/games/{ABSURD}",
        f"/api/libraries/{ABSURD}",
        f"/api/libraries/runs/{ABSURD}",
        f"/api/games/collections/{ABSURD}",
    ],
)
def test_it_answers_an_absurd_id_in_a_url_with_not_found(alice_client, url):
    assert alice_client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("url", "field"),
    [
        (f"/api/games/?library_id={ABSURD}", "library_id"),
        (f"/api/games/stats?library_id={ABSURD}", "library_id"),
        (f"/api/games/cross-platform?offset={ABSURD}", "offset"),
        (f"/api/games/export?playtime_min={ABSURD}", "playtime_min"),
    ],
)
def test_it_answers_an_absurd_parameter_naming_it(alice_client, url, field):
    response = alice_client.get(url)
    assert response.status_code == 422
    assert field in str(response.json())


def test_it_still_serves_the_largest_storable_id_as_an_unknown_one(alice_client):
    assert alice_client.get(f"/api/games/{2**63 - 1}").status_code == 404
    assert alice_client.get(f"/api/games/?library_id={2**63 - 1}").status_code == 200


def test_it_still_refuses_a_negative_offset(alice_client):
    assert alice_client.get("/api/games/cross-platform?offset=-1").status_code == 422
