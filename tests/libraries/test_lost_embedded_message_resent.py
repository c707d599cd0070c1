"""Embedded mode: a queued run whose message never reached the in-process worker is sent again
within half a minute, by a real worker in this process; runs the worker may still take are not."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone

from gamedjinn.celery import app as celery_app
from gamedjinn.embedded import EmbeddedCelery
from libraries.models import SyncRun
from libraries.services.recovery import EMBEDDED_LOST_AFTER, resend_lost_runs
from libraries.services.sync import request_sync

Status = SyncRun.Status

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def worker() -> Iterator[EmbeddedCelery]:
    started = EmbeddedCelery(beat=False, queues=[celery_app.conf.task_default_queue])
    started.start()
    yield started
    started.stop()


def _queued_unsent(library, *, age: timedelta) -> SyncRun:
    run = request_sync(library, trigger=SyncRun.Trigger.MANUAL, enqueue=False)
    SyncRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - age)
    return run


def _status_after(run: SyncRun, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    while (status := SyncRun.objects.get(pk=run.pk).status) in (Status.QUEUED, Status.RUNNING):
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    return status


def test_it_sends_again_a_run_the_worker_never_received(library, worker, published):
    lost = _queued_unsent(library, age=EMBEDDED_LOST_AFTER + timedelta(seconds=5))

    assert resend_lost_runs(worker) == 1

    assert [p.args for p in published] == [[lost.pk]]
    assert _status_after(lost) == Status.SUCCEEDED
    assert resend_lost_runs(worker) == 0


def test_it_leaves_runs_the_worker_may_still_take(library, worker, published):
    just_queued = _queued_unsent(library, age=timedelta(seconds=2))
    assert resend_lost_runs(worker) == 0

    backing_off = SyncRun.objects.filter(pk=just_queued.pk)
    backing_off.update(
        created_at=timezone.now() - timedelta(minutes=5),
        retry_at=timezone.now() + timedelta(minutes=1),
    )
    assert resend_lost_runs(worker) == 0
    assert published == []


def test_it_leaves_a_run_whose_message_the_worker_holds(library, worker, published):
    from libraries.tasks import sync_library

    held = _queued_unsent(library, age=EMBEDDED_LOST_AFTER + timedelta(seconds=5))
    sync_library.apply_async((held.pk,), countdown=600)  # received, waiting for its countdown
    deadline = time.monotonic() + 30
    while (held.pk,) not in worker.held_arguments(sync_library.name):
        assert time.monotonic() < deadline, "the worker never received the message"
        time.sleep(0.05)  # polling the worker's books, not standing in for work

    assert resend_lost_runs(worker) == 0
    assert [p.args for p in published] == [[held.pk]]  # only the message sent above


def test_it_does_nothing_without_an_embedded_worker(library, published):
    _queued_unsent(library, age=timedelta(minutes=5))
    assert resend_lost_runs() == 0
    assert published == []


def test_a_stopped_worker_leaves_the_process_as_it_found_it():
    from celery._state import task_join_will_block

    started = EmbeddedCelery(beat=False, queues=[celery_app.conf.task_default_queue])
    started.start()
    started.stop()
    # Otherwise every later result.get() in this process refuses: "within a task".
    assert not task_join_will_block()
    assert not celery_app.use_fast_trace_task
