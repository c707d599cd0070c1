"""The admin: schedules are editable, keys are masked, runs are read-only, "Sync now" works."""

from __future__ import annotations

from libraries.models import SyncRun
from tests.factories import LibraryGameFactory, SyncRunFactory


def test_every_page_opens(alice_client, library):
    entry = LibraryGameFactory(library=library)
    entry.snapshots.create(taken_on="2026-11-01", playtime_minutes=5)
    SyncRunFactory(library=library, status=SyncRun.Status.FAILED, error_code="private_profile")

    for model in ("library", "syncrun", "librarygame", "playtimesnapshot"):
        response = alice_client.get(f"/admin/libraries/{model}/")
        assert response.status_code == 200, model
    page = alice_client.get(f"/admin/libraries/library/{library.pk}/change/").content.decode()
    assert "••••" + library.credentials["api_key"][-4:] in page
    assert library.credentials["api_key"] not in page
    assert alice_client.get("/admin/libraries/library/add/").status_code == 403
    filtered = alice_client.get("/admin/libraries/syncrun/?status__exact=failed&phase__exact=owned")
    assert filtered.status_code == 200


def test_sync_now_starts_a_sync_and_says_when_one_is_running(alice_client, library, bob_library):
    SyncRunFactory(library=bob_library, status=SyncRun.Status.RUNNING)

    response = alice_client.post(
        "/admin/libraries/library/",
        {"action": "sync_now", "_selected_action": [library.pk, bob_library.pk]},
        follow=True,
    )

    assert library.sync_runs.get().trigger == SyncRun.Trigger.MANUAL
    text = response.content.decode()
    assert "Started 1 sync(s)." in text
    assert "already running" in text
