"""A second sync request says "already running" unless forced; forcing replaces the first."""

from __future__ import annotations

import pytest

from libraries.models import SyncRun
from libraries.progress import RunLost, SyncProgress
from libraries.services.sync import SyncAlreadyRunning, claim_run, request_sync


def test_it_refuses_a_second_sync_while_one_is_active(library):
    first = request_sync(library, trigger=SyncRun.Trigger.MANUAL, enqueue=False)

    with pytest.raises(SyncAlreadyRunning) as raised:
        request_sync(library, trigger=SyncRun.Trigger.API, enqueue=False)

    assert raised.value.run == first
    assert raised.value.message == (
        f"A sync of this library is already queued (run #{first.pk}); wait for it to finish, "
        "or force a new sync to replace it."
    )
    assert SyncRun.objects.filter(library=library).count() == 1


def test_forcing_cancels_the_active_run_and_its_worker_stops(library):
    first = request_sync(library, trigger=SyncRun.Trigger.MANUAL, enqueue=False)
    worker = SyncProgress(claim_run(first.pk, task_id="t1"))

    second = request_sync(library, trigger=SyncRun.Trigger.MANUAL, force=True, enqueue=False)

    first.refresh_from_db()
    assert first.status == SyncRun.Status.CANCELLED
    assert first.error_message == "Replaced by a forced sync."
    assert (second.status, second.force) == (SyncRun.Status.QUEUED, True)
    with pytest.raises(RunLost):
        worker.checkpoint(done=5)
    first.refresh_from_db()
    assert first.status == SyncRun.Status.CANCELLED


def test_it_enqueues_the_task_only_after_the_run_is_committed(
    library, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        run = request_sync(library, trigger=SyncRun.Trigger.API)
        assert published == []

    for callback in callbacks:
        callback()
    assert [(p.task, p.args) for p in published] == [("libraries.tasks.sync_library", [run.pk])]


def test_it_rejects_unknown_phases(library):
    with pytest.raises(ValueError, match="Unknown sync phase everything"):
        request_sync(library, trigger=SyncRun.Trigger.API, phases=["everything"], enqueue=False)
