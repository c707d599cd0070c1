"""Beat's enqueue_due_syncs: scheduled syncs when due, parked runs when their time comes,
and runs whose worker went silent."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from gamedjinn.celery import app
from libraries.models import SyncRun
from libraries.tasks import enqueue_due_syncs
from tests.factories import LibraryFactory, SyncRunFactory

SYNC_TASK = "libraries.tasks.sync_library"


def _tick(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_due_syncs()


def test_beat_runs_it_every_few_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["enqueue-due-syncs"]
    assert entry["task"] == "libraries.tasks.enqueue_due_syncs"
    assert entry["task"] in app.tasks and SYNC_TASK in app.tasks


def test_it_starts_syncs_for_due_libraries_only(
    alice, published, django_capture_on_commit_callbacks
):
    now = timezone.now()
    never = LibraryFactory(owner=alice)
    overdue = LibraryFactory(owner=alice, last_synced_at=now - timedelta(hours=25))
    LibraryFactory(owner=alice, last_synced_at=now - timedelta(hours=2))  # not due yet
    LibraryFactory(owner=alice, sync_enabled=False)  # schedule switched off
    hourly = LibraryFactory(
        owner=alice, sync_interval_hours=1, last_synced_at=now - timedelta(hours=2)
    )
    failing = LibraryFactory(owner=alice)  # never succeeded, but tried an hour ago
    SyncRunFactory(library=failing, status=SyncRun.Status.FAILED, created_at=now)
    busy = LibraryFactory(owner=alice)
    SyncRunFactory(library=busy, status=SyncRun.Status.RUNNING, heartbeat_at=now)

    _tick(django_capture_on_commit_callbacks)

    started = SyncRun.objects.filter(trigger=SyncRun.Trigger.SCHEDULE)
    assert {run.library for run in started} == {never, overdue, hourly}
    assert sorted(p.args[0] for p in published if p.task == SYNC_TASK) == sorted(
        r.pk for r in started
    )


def test_it_resumes_a_parked_run_once_its_time_has_come(
    alice_library, published, django_capture_on_commit_callbacks
):
    now = timezone.now()
    due = SyncRunFactory(library=alice_library, status=SyncRun.Status.RATE_LIMITED, retry_at=now)
    later = SyncRunFactory(
        library=LibraryFactory(owner=alice_library.owner),
        status=SyncRun.Status.RATE_LIMITED,
        retry_at=now + timedelta(minutes=10),
    )

    _tick(django_capture_on_commit_callbacks)

    sent = [p.args[0] for p in published if p.task == SYNC_TASK]
    assert due.pk in sent and later.pk not in sent


def test_it_hands_a_silent_run_to_a_new_worker(
    alice_library, published, django_capture_on_commit_callbacks
):
    silent = SyncRunFactory(
        library=alice_library,
        status=SyncRun.Status.RUNNING,
        heartbeat_at=timezone.now() - timedelta(minutes=20),
        phase=SyncRun.Phase.DETAILS,
        position={"after": 123, "task": "dead-worker"},
    )
    fresh = SyncRunFactory(
        library=LibraryFactory(owner=alice_library.owner),
        status=SyncRun.Status.RUNNING,
        heartbeat_at=timezone.now(),
    )

    _tick(django_capture_on_commit_callbacks)

    silent.refresh_from_db()
    fresh.refresh_from_db()
    assert silent.status == SyncRun.Status.QUEUED
    assert silent.position["after"] == 123  # resumes from where it was
    assert fresh.status == SyncRun.Status.RUNNING
    sent = [p.args[0] for p in published if p.task == SYNC_TASK]
    assert silent.pk in sent and fresh.pk not in sent
