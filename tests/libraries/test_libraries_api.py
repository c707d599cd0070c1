"""/api/libraries/: your own libraries only, never a key in a response, read keys cannot write."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from libraries.models import Library, SyncRun
from mcp_bridge.keys import create_key
from platforms.integrations.steam.fake_server import PRIVATE_VANITY
from tests.factories import LibraryFactory, SyncRunFactory

API = "/api/libraries/"


@pytest.fixture
def read_key(alice) -> dict[str, str]:
    _, plaintext = create_key(alice, "dashboard", scope="read")
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


@pytest.fixture
def write_key(alice) -> dict[str, str]:
    _, plaintext = create_key(alice, "scripts", scope="write")
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def test_it_needs_a_session_or_a_key(client, db):
    assert client.get(API).status_code == 401
    assert client.generic("POST", f"{API}1/sync").status_code == 401


def test_it_lists_only_your_libraries_with_the_key_masked(
    alice_client, library, bob_library, world
):
    response = alice_client.get(API)

    assert response.status_code == 200
    (item,) = response.json()
    assert item["library_id"] == library.pk
    assert item["own_api_key"] == "••••" + world.api_key[-4:]
    assert item["platform"] == "steam" and item["game_count"] == 0
    assert world.api_key not in response.content.decode()


def test_it_adds_a_library_after_checking_it(alice_client, world, steam):
    response = alice_client.post(
        API,
        {"platform": "steam", "credentials": {"account": "demo", "api_key": world.api_key}},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["account_id"] == world.steamid
    assert body["display_name"] == world.player.personaname
    assert world.api_key not in response.content.decode()

    refused = alice_client.post(
        API,
        {"platform": "steam", "credentials": {"account": PRIVATE_VANITY, "api_key": world.api_key}},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "private" in refused.json()["detail"]


def test_other_peoples_libraries_and_runs_do_not_exist(alice_client, bob_library):
    run = SyncRunFactory(library=bob_library)

    assert alice_client.get(f"{API}{bob_library.pk}").status_code == 404
    assert (
        alice_client.patch(
            f"{API}{bob_library.pk}", {}, content_type="application/json"
        ).status_code
        == 404
    )
    assert alice_client.delete(f"{API}{bob_library.pk}").status_code == 404
    assert alice_client.generic("POST", f"{API}{bob_library.pk}/sync").status_code == 404
    assert alice_client.get(f"{API}{bob_library.pk}/runs").status_code == 404
    assert alice_client.get(f"{API}runs/{run.pk}").status_code == 404
    assert Library.objects.filter(pk=bob_library.pk).exists()


def test_it_changes_and_deletes_a_library(alice_client, library):
    response = alice_client.patch(
        f"{API}{library.pk}",
        {"display_name": "Living room", "sync_interval_hours": 12},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert (response.json()["display_name"], response.json()["sync_interval_hours"]) == (
        "Living room",
        12,
    )
    for hours in (0, 24 * 365 + 1, 10**20):  # the last once failed inside the database
        refused = alice_client.patch(
            f"{API}{library.pk}", {"sync_interval_hours": hours}, content_type="application/json"
        )
        assert refused.status_code == 422, hours
        assert "sync_interval_hours" in str(refused.json())
    library.refresh_from_db()
    assert library.sync_interval_hours == 12
    assert alice_client.delete(f"{API}{library.pk}").status_code == 204
    assert not Library.objects.filter(pk=library.pk).exists()


def test_it_starts_a_sync_once_and_reports_it(
    alice_client, library, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        started = alice_client.post(
            f"{API}{library.pk}/sync", {"phases": ["owned"]}, content_type="application/json"
        )

    assert started.status_code == 202
    run = started.json()
    assert (run["status"], run["phases"], run["trigger"]) == ("queued", ["owned"], "api")
    assert [(p.task, p.args) for p in published] == [
        ("libraries.tasks.sync_library", [run["run_id"]])
    ]

    again = alice_client.generic("POST", f"{API}{library.pk}/sync")  # no body: every phase
    assert again.status_code == 409
    assert again.json()["run_id"] == run["run_id"]
    assert "already queued" in again.json()["detail"]

    status = alice_client.get(f"{API}runs/{run['run_id']}").json()
    assert status["counts"] == {
        "added": 0, "updated": 0, "unchanged": 0, "removed": 0, "details": 0, "achievements": 0, "errors": 0,
    }  # fmt: skip
    history = alice_client.get(f"{API}{library.pk}/runs").json()
    assert [item["run_id"] for item in history] == [run["run_id"]]


def test_a_read_only_key_can_read_but_not_write(client, alice, library, read_key, write_key):
    assert client.get(API, **read_key).status_code == 200
    assert (
        client.get(
            f"{API}runs/{SyncRunFactory(library=library, status=SyncRun.Status.SUCCEEDED).pk}",
            **read_key,
        ).status_code
        == 200
    )
    for method, url in [
        ("post", API),
        ("patch", f"{API}{library.pk}"),
        ("delete", f"{API}{library.pk}"),
        ("post", f"{API}{library.pk}/sync"),
    ]:
        response = getattr(client, method)(
            url,
            {"platform": "steam", "credentials": {"account": "x"}},
            content_type="application/json",
            **read_key,
        )
        assert response.status_code == 403, (method, url)
    assert client.generic("POST", f"{API}{library.pk}/sync", **write_key).status_code == 202
    other = LibraryFactory(owner=alice)
    assert client.delete(f"{API}{other.pk}", **write_key).status_code == 204


def test_it_resumes_a_rate_limited_sync_at_once(
    alice_client, library, published, django_capture_on_commit_callbacks
):
    parked = SyncRunFactory(
        library=library,
        status="rate_limited",
        phase="details",
        retry_at=timezone.now() + timedelta(minutes=9),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(f"{API}{library.pk}/retry")

    assert response.status_code == 202, response.content
    assert response.json()["run_id"] == parked.pk
    assert [p.args for p in published if p.task.endswith("sync_library")] == [[parked.pk]]


def test_it_says_when_no_sync_is_waiting_to_be_retried(alice_client, library, published):
    SyncRunFactory(library=library, status="succeeded", phase="done")

    response = alice_client.post(f"{API}{library.pk}/retry")

    assert response.status_code == 409
    assert response.json() == {"detail": "No sync of this library is waiting on a rate limit."}
    assert published == []


def test_a_read_only_key_cannot_retry_a_sync(client, library, read_key):
    assert client.post(f"{API}{library.pk}/retry", **read_key).status_code == 403


def test_it_refuses_an_empty_list_of_phases_naming_the_field(alice_client, library):
    response = alice_client.post(
        f"{API}{library.pk}/sync", {"phases": []}, content_type="application/json"
    )

    assert response.status_code == 422
    assert "phases" in str(response.json())
    assert not SyncRun.objects.filter(library=library).exists()
