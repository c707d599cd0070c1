"""Re-running any batch writes the same rows again, never a duplicate; stale workers are fenced."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from games.models import Achievement, Game, Release, UnlockedAchievement
from libraries.models import LibraryGame, PlaytimeSnapshot, SyncRun
from libraries.progress import RunLost, SyncProgress
from libraries.services.sync import claim_run, perform_run, request_sync
from tests.factories import SyncRunFactory
from tests.libraries.conftest import run_sync_now


def _row_counts() -> dict[str, int]:
    return {
        "games": Game.objects.count(),
        "releases": Release.objects.count(),
        "genre links": Game.genres.through.objects.count(),
        "category links": Game.categories.through.objects.count(),
        "entries": LibraryGame.objects.count(),
        "snapshots": PlaytimeSnapshot.objects.count(),
        "achievements": Achievement.objects.count(),
        "unlocks": UnlockedAchievement.objects.count(),
    }


def test_it_writes_no_duplicates_when_batches_run_again(library):
    run_sync_now(library, force=True)  # forced both times, so both read every schema
    before = _row_counts()

    # As if every saved position had been lost: each phase starts again from the beginning.
    run = run_sync_now(library, force=True)

    assert run.status == SyncRun.Status.SUCCEEDED
    assert _row_counts() == before


def test_it_replays_a_batch_whose_position_was_not_saved(library):
    first = run_sync_now(library, phases=["owned", "details"])
    before = _row_counts()
    releases = list(Release.objects.order_by("id").values_list("id", flat=True))
    # A run killed after committing batches 3-6 of the details phase but (in this made-up
    # history) with its position still at batch 2: batches 3-6 run a second time.
    run = SyncRunFactory(
        library=library,
        phases=["details"],
        phase=SyncRun.Phase.DETAILS,
        force=True,
        done=20,
        total=60,
        position={"after": releases[19]},
    )

    perform_run(run.pk)

    run.refresh_from_db()
    assert run.status == SyncRun.Status.SUCCEEDED
    assert (run.done, run.total, run.details_fetched) == (60, 60, 40)
    assert _row_counts() == before
    assert first.details_fetched == 60


def test_it_fences_out_a_worker_that_lost_its_run(library):
    run = request_sync(library, trigger=SyncRun.Trigger.MANUAL, enqueue=False)
    stale = SyncProgress(claim_run(run.pk, task_id="first"))
    # The first worker went quiet; recovery re-queued the run and a second worker claimed it.
    SyncRun.objects.filter(pk=run.pk).update(status=SyncRun.Status.QUEUED)
    current = SyncProgress(claim_run(run.pk, task_id="second"))

    with pytest.raises(RunLost):
        stale.checkpoint(done=0, total=99)
    current.checkpoint(done=1, total=60)

    run.refresh_from_db()
    assert (run.done, run.total) == (1, 60)


def test_it_lets_a_redelivered_task_take_its_own_run_back(library):
    run = request_sync(library, trigger=SyncRun.Trigger.MANUAL, enqueue=False)
    assert claim_run(run.pk, task_id="task-1") is not None

    assert claim_run(run.pk, task_id="task-2") is None  # someone else's running run
    assert claim_run(run.pk, task_id="task-1") is not None  # acks-late redelivery after a crash


def test_the_database_allows_one_active_run_per_library(library):
    SyncRunFactory(library=library, status=SyncRun.Status.RUNNING)

    with pytest.raises(IntegrityError), transaction.atomic():
        SyncRunFactory(library=library, status=SyncRun.Status.RATE_LIMITED)
    SyncRunFactory(library=library, status=SyncRun.Status.FAILED)
