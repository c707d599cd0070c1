"""Permanent failures stop a run with a reason; transient ones are retried; data stays."""

from __future__ import annotations

from games.models import Game
from libraries.models import LibraryGame, SyncRun
from libraries.services.sync import request_sync
from libraries.tasks import sync_library
from tests.libraries.conftest import run_sync_now


def _run_task(library, **options) -> SyncRun:
    """Through the Celery task (eagerly, in this process), declared retries included."""
    run = request_sync(library, trigger=SyncRun.Trigger.MANUAL, enqueue=False, **options)
    sync_library.apply((run.pk,))
    run.refresh_from_db()
    return run


def test_it_fails_a_bad_key_at_once_with_a_clear_message(library, steam, published):
    steam.invalid_key = True

    run = _run_task(library)

    assert run.status == SyncRun.Status.FAILED
    assert run.error_code == "invalid_credentials"
    assert "rejected the Web API key" in run.error_message
    assert steam.counts_by_endpoint("api")["IPlayerService/GetOwnedGames"] == 2  # one re-check
    assert run.attempts == 1
    assert published == []


def test_it_fails_an_unreadable_owned_list(library, steam):
    steam.malformed("GetOwnedGames")

    run = run_sync_now(library)

    assert run.status == SyncRun.Status.FAILED
    assert run.error_code == "malformed_response"
    assert "GetOwnedGames" in run.error_message


def test_it_rides_out_a_burst_of_server_errors(library, steam):
    steam.fail_next(2, 503, "api")
    steam.fail_next(2, 502, "store")

    run = run_sync_now(library)

    assert run.status == SyncRun.Status.SUCCEEDED
    assert steam.counts_by_status()[503] == 2 and steam.counts_by_status()[502] == 2
    assert run.details_fetched == 60


def test_it_retries_the_task_through_a_longer_outage(library, steam):
    steam.fail_next(7, 503, "api")  # more than one task attempt's worth of HTTP retries

    run = _run_task(library)

    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    assert run.attempts == 3
    assert (run.error_code, run.error_message) == ("", "")


def test_it_gives_up_after_the_last_retry_and_keeps_what_it_had(library, steam):
    run_sync_now(library, phases=["owned"])
    steam.fail_next(1000, 500, "api")

    run = _run_task(library)

    assert run.status == SyncRun.Status.FAILED
    assert run.error_code == "unavailable"
    assert "not answering" in run.error_message
    assert run.attempts == 1 + sync_library.max_retries
    assert LibraryGame.objects.filter(library=library, removed_at=None).count() == 60


def test_one_broken_store_page_does_not_stop_the_sync(library, steam):
    steam.fail_next(1, 404, "store")

    run = run_sync_now(library)

    assert run.status == SyncRun.Status.SUCCEEDED
    assert run.errors == 1
    # The broken one stays pending, so the next sync asks again.
    assert Game.objects.filter(metadata_status=Game.MetadataStatus.PENDING).count() == 1
