"""A 429 parks the run with a retry time and its position; it resumes where it stopped."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from games.models import Game
from libraries.models import SyncRun
from libraries.services.sync import perform_run, request_sync, retry_now
from libraries.tasks import sync_library
from tests.conftest import forget_rate_limits


def test_it_parks_on_a_429_and_resumes_from_its_position(
    library, steam, published, django_capture_on_commit_callbacks
):
    steam.set_rate_limit("store", (25, 3600))  # the store stops answering after 25 lookups
    steam.retry_after = 120
    run = request_sync(library, trigger=SyncRun.Trigger.MANUAL, enqueue=False)

    with django_capture_on_commit_callbacks(execute=True):
        perform_run(run.pk)

    run.refresh_from_db()
    assert run.status == SyncRun.Status.RATE_LIMITED
    assert run.phase == SyncRun.Phase.DETAILS
    assert run.error_code == "rate_limited"
    assert (
        timezone.now() + timedelta(seconds=110)
        < run.retry_at
        < timezone.now() + timedelta(seconds=160)
    )
    assert (run.done, run.total) == (25, 60)  # the lookups made before the 429 are kept
    assert Game.objects.filter(metadata_status=Game.MetadataStatus.PENDING).count() == 35
    # Re-enqueued for the retry time, automatically (besides the matcher, for the new games).
    (task,) = [p for p in published if p.task != "games.tasks.match_new_releases"]
    assert (task.task, task.args) == ("libraries.tasks.sync_library", [run.pk])
    assert datetime.fromisoformat(task.eta) == run.retry_at

    steam.set_rate_limit("store", None)
    steam.reset_log()
    forget_rate_limits()  # the task runs at retry_at, when the store's pause is over
    sync_library.apply((run.pk,))

    run.refresh_from_db()
    assert run.status == SyncRun.Status.SUCCEEDED
    assert steam.counts_by_endpoint("store")["api/appdetails"] == 35  # nothing fetched twice
    assert not Game.objects.filter(metadata_status=Game.MetadataStatus.PENDING).exists()
    assert (run.retry_at, run.error_code) == (None, "")


def test_it_parks_when_the_web_api_limits_the_owned_list(library, steam):
    steam.set_rate_limit("api", (0, 60))
    run = request_sync(library, trigger=SyncRun.Trigger.MANUAL, enqueue=False)

    perform_run(run.pk)

    run.refresh_from_db()
    assert run.status == SyncRun.Status.RATE_LIMITED
    assert run.phase == SyncRun.Phase.OWNED
    assert run.retry_at is not None
    assert "Steam is limiting" in run.error_message


def test_a_parked_run_can_be_retried_at_once(
    library, steam, published, django_capture_on_commit_callbacks
):
    steam.set_rate_limit("api", (0, 60))
    steam.retry_after = 600
    run = request_sync(library, trigger=SyncRun.Trigger.MANUAL, enqueue=False)
    perform_run(run.pk)
    steam.set_rate_limit("api", None)
    forget_rate_limits()  # Steam's window passed: the retry is worth making

    with django_capture_on_commit_callbacks(execute=True):
        assert retry_now(library) == run

    assert [(p.args, p.eta) for p in published] == [([run.pk], None)]  # now, not in 10 minutes
    sync_library.apply((run.pk,))
    run.refresh_from_db()
    assert run.status == SyncRun.Status.SUCCEEDED
    assert retry_now(library) is None  # nothing parked any more
