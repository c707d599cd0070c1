"""A long sync works in slices: when a task's slice is used up it hands over to a fresh task,
which continues from the saved position."""

from __future__ import annotations

from libraries.models import SyncRun
from libraries.services.sync import perform_run, request_sync
from libraries.tasks import sync_library


def test_a_spent_slice_hands_over_to_a_new_task(
    library, steam, published, django_capture_on_commit_callbacks
):
    steam.latency_seconds = 0.01
    run = request_sync(library, trigger=SyncRun.Trigger.MANUAL, enqueue=False)

    with django_capture_on_commit_callbacks(execute=True):
        perform_run(run.pk, time_slice=0.3)  # a few batches' worth of store lookups

    run.refresh_from_db()
    assert run.status == SyncRun.Status.QUEUED
    assert run.phase == SyncRun.Phase.DETAILS
    assert run.done < run.total == 60
    assert (run.error_code, run.retry_at) == ("", None)  # not a failure, nothing to wait for
    assert [(p.task, p.args, p.eta) for p in published] == [
        (
            "games.tasks.match_new_releases",
            [sorted(run.library.entries.values_list("release_id", flat=True))],
            None,
        ),
        ("libraries.tasks.sync_library", [run.pk], None),
    ]
    done_before = run.done
    steam.reset_log()

    sync_library.apply((run.pk,))

    run.refresh_from_db()
    assert run.status == SyncRun.Status.SUCCEEDED
    assert steam.counts_by_endpoint("store")["api/appdetails"] == 60 - done_before
