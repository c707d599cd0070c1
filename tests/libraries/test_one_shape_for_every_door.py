"""A library and a sync run look the same through every door: the REST API, the MCP tools and the
WebSocket progress message give the same fields with the same values for the same row
(libraries/schemas.py). Before, each door built its own shape (id or library_id or run_id,
user_identifier or account_id, games or game_count, counts nested or flat)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from celery.signals import after_task_publish
from django.utils import timezone

from libraries.models import SyncRun
from libraries.progress import SyncProgress
from mcp_bridge.server import build_server
from tests.factories import LibraryFactory, LibraryGameFactory, SyncRunFactory
from tests.mcp.conftest import call

# The MCP server runs its ORM calls in threads of its own, so the rows must be committed.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MESSAGE_ONLY = {"type", "seq", "ts"}


def _same_instant(value: Any) -> Any:
    """Datetimes as values, not text: Django's JSON encoder keeps milliseconds and writes "Z",
    pydantic keeps microseconds; both name the same instant."""
    if isinstance(value, dict):
        return {key: _same_instant(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_same_instant(item) for item in value]
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        parsed = datetime.fromisoformat(value)
        return parsed.replace(microsecond=parsed.microsecond // 1000 * 1000)
    return value


@pytest.fixture
def library(alice):
    library = LibraryFactory(
        owner=alice,
        user_identifier="76561197960287930",
        credentials={"api_key": "A" * 28 + "1234"},
        last_synced_at=timezone.now() - timedelta(hours=3),
    )
    LibraryGameFactory.create_batch(2, library=library)
    LibraryGameFactory(library=library, hidden=True)  # not counted, by any door
    return library


def test_it_gives_the_same_library_through_rest_and_mcp(alice, alice_client, library):
    rest = alice_client.get(f"/api/libraries/{library.pk}").json()
    (listed,) = alice_client.get("/api/libraries/").json()
    platforms = call(build_server(user=alice), "get_supported_platforms").structuredContent
    (mcp,) = [item for platform in platforms["platforms"] for item in platform["libraries"]]

    assert _same_instant(rest) == _same_instant(listed) == _same_instant(mcp)
    assert (rest["library_id"], rest["account_id"], rest["game_count"]) == (
        library.pk,
        "76561197960287930",
        2,
    )
    assert rest["own_api_key"] == "••••1234"


def test_it_gives_the_same_run_through_rest_mcp_and_the_progress_message(
    alice, alice_client, library, settings
):
    settings.EMBEDDED_MODE = False  # the worker would take it: the run stays queued, untouched
    published: list[Any] = []
    record = lambda **kwargs: published.append(kwargs)  # noqa: E731
    after_task_publish.connect(record)
    try:
        mcp = call(
            build_server(user=alice),
            "sync_platform_library",
            {"library_id": library.pk, "wait": False},
        ).structuredContent
    finally:
        after_task_publish.disconnect(record)
    run = SyncRun.objects.get(pk=mcp["run_id"])
    rest = alice_client.get(f"/api/libraries/runs/{run.pk}").json()
    message = SyncProgress(run).message()

    assert published, "the run was handed to the worker"
    assert set(message) - set(rest) == MESSAGE_ONLY
    shown = {key: value for key, value in message.items() if key not in MESSAGE_ONLY}
    assert _same_instant(rest) == _same_instant(mcp) == _same_instant(shown)
    assert (rest["status"], rest["library_id"], rest["finished"]) == ("queued", library.pk, False)
    SyncRun.objects.filter(pk=run.pk).update(status=SyncRun.Status.CANCELLED)


def test_a_finished_run_has_the_same_counts_through_rest_and_the_progress_message(
    alice_client, library
):
    started = timezone.now() - timedelta(minutes=2)
    run = SyncRunFactory(
        library=library,
        status=SyncRun.Status.SUCCEEDED,
        phase=SyncRun.Phase.DONE,
        done=40,
        total=40,
        games_added=30,
        games_updated=5,
        games_unchanged=5,
        details_fetched=12,
        achievements_synced=9,
        errors=1,
        started_at=started,
        finished_at=started + timedelta(seconds=75),
    )
    rest = alice_client.get(f"/api/libraries/runs/{run.pk}").json()
    (history,) = alice_client.get(f"/api/libraries/{library.pk}/runs").json()
    message = SyncProgress(run).message()

    shown = {key: value for key, value in message.items() if key not in MESSAGE_ONLY}
    assert _same_instant(rest) == _same_instant(history) == _same_instant(shown)
    assert rest["counts"] == {
        "added": 30, "updated": 5, "unchanged": 5, "removed": 0, "details": 12, "achievements": 9,
        "errors": 1,
    }  # fmt: skip
    assert (rest["percent"], rest["duration_seconds"]) == (100, 75.0)
    assert [phase["state"] for phase in rest["phase_progress"]] == ["done", "done", "done"]
    assert rest["summary"].startswith("Sync finished in 75 s: 30 added")
