"""The embedded server's start re-queues what the previous process left unfinished."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from games.models import Game
from libraries.models import SyncRun
from libraries.services.recovery import resume_interrupted_runs
from libraries.tasks import sync_library
from tests.factories import LibraryFactory, SyncRunFactory
from tests.libraries.conftest import run_sync_now


def test_it_requeues_queued_running_and_parked_runs(alice, published):
    later = timezone.now() + timedelta(minutes=5)
    running = SyncRunFactory(library=LibraryFactory(owner=alice), status=SyncRun.Status.RUNNING)
    queued = SyncRunFactory(library=LibraryFactory(owner=alice))
    parked = SyncRunFactory(
        library=LibraryFactory(owner=alice), status=SyncRun.Status.RATE_LIMITED, retry_at=later
    )
    SyncRunFactory(library=LibraryFactory(owner=alice), status=SyncRun.Status.SUCCEEDED)

    assert resume_interrupted_runs() == 3

    running.refresh_from_db()
    assert running.status == SyncRun.Status.QUEUED
    etas = {p.args[0]: p.eta for p in published}
    assert set(etas) == {running.pk, queued.pk, parked.pk}
    assert datetime.fromisoformat(etas[parked.pk]) == later
    assert etas[running.pk] is None


def test_a_requeued_run_continues_from_its_saved_position(library, steam):
    run_sync_now(library, phases=["owned"])
    Game.objects.filter(pk__in=Game.objects.order_by("id").values("pk")[:30]).update(
        metadata_status=Game.MetadataStatus.FETCHED, metadata_updated_at=timezone.now()
    )
    # Killed in the middle of the details phase: 30 of 60 games were done.
    first_30 = Game.objects.order_by("id")[29].releases.get().pk
    interrupted = SyncRunFactory(
        library=library,
        phases=["details"],
        phase=SyncRun.Phase.DETAILS,
        status=SyncRun.Status.RUNNING,
        done=30,
        total=60,
        position={"after": first_30, "task": "gone"},
    )
    resume_interrupted_runs()
    steam.reset_log()

    sync_library.apply((interrupted.pk,))

    interrupted.refresh_from_db()
    assert interrupted.status == SyncRun.Status.SUCCEEDED
    assert (interrupted.done, interrupted.total) == (60, 60)
    assert steam.counts_by_endpoint("store")["api/appdetails"] == 30
