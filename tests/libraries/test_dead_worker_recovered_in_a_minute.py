"""A run whose worker died resumes about a minute later; a live run waiting on a rate limiter does not
look dead, however long it waits."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from libraries.models import SyncRun
from libraries.progress import Heartbeat
from libraries.services.recovery import recover_stale_runs
from platforms.integrations.steam.fake_server import generate_world
from tests.factories import LibraryFactory, SyncRunFactory
from tests.libraries.conftest import subprocess_env

Status = SyncRun.Status


def _wait_for(condition, what: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)
    return found


def test_it_hands_a_run_silent_for_a_minute_to_a_new_worker(alice):
    now = timezone.now()
    dead = SyncRunFactory(
        library=LibraryFactory(owner=alice),
        status=Status.RUNNING,
        attempts=1,
        heartbeat_at=now - timedelta(seconds=70),
        alive_at=now - timedelta(seconds=65),
    )
    waiting = SyncRunFactory(  # no checkpoint for minutes, but its worker still beats
        library=LibraryFactory(owner=alice),
        status=Status.RUNNING,
        attempts=1,
        heartbeat_at=now - timedelta(minutes=5),
        alive_at=now - timedelta(seconds=5),
    )
    checkpointed = SyncRunFactory(
        library=LibraryFactory(owner=alice),
        status=Status.RUNNING,
        attempts=1,
        heartbeat_at=now - timedelta(seconds=20),
    )

    assert recover_stale_runs() == 1

    assert SyncRun.objects.get(pk=dead.pk).status == Status.QUEUED
    assert SyncRun.objects.get(pk=waiting.pk).status == Status.RUNNING
    assert SyncRun.objects.get(pk=checkpointed.pk).status == Status.RUNNING


def test_it_sweeps_often_enough_to_resume_within_about_a_minute():
    sweep = settings.CELERY_BEAT_SCHEDULE["recover-sync-runs"]
    assert sweep["task"] == "libraries.tasks.recover_sync_runs"
    assert settings.SYNC_STALE_AFTER_SECONDS == 60
    # The worst case: the window after the last beat, plus one sweep interval.
    assert settings.SYNC_STALE_AFTER_SECONDS + sweep["schedule"] <= 75


def test_it_does_not_resend_a_queued_run_that_only_waits_for_a_busy_worker(alice):
    waiting = SyncRunFactory(library=LibraryFactory(owner=alice), status=Status.QUEUED)
    SyncRun.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    assert recover_stale_runs() == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_stops_beating_once_another_worker_claims_the_run(alice):
    run = SyncRunFactory(library=LibraryFactory(owner=alice), status=Status.RUNNING, attempts=1)
    heartbeat = Heartbeat(run.pk, claim=1, interval=0.05, lifetime=None)
    heartbeat.start()
    try:
        _wait_for(lambda: SyncRun.objects.get(pk=run.pk).alive_at, "a first beat")
        SyncRun.objects.filter(pk=run.pk).update(attempts=2, alive_at=None)  # a new claim
        heartbeat._thread.join(timeout=10)
        assert not heartbeat._thread.is_alive()
        assert SyncRun.objects.get(pk=run.pk).alive_at is None
    finally:
        heartbeat.stop()


@pytest.fixture
def world():
    return generate_world(3, seed=5)  # three store pages: two waits for the store limiter


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_keeps_a_run_alive_while_the_rate_limiter_holds_it(library, steam):
    stale_after = 1  # second; the limiter below holds each store request for about 4
    settings.SYNC_STALE_AFTER_SECONDS = stale_after
    sync = subprocess.Popen(
        [sys.executable, "manage.py", "synclibrary", str(library.pk)],
        cwd=settings.BASE_DIR,
        env=subprocess_env(
            SYNC_STALE_AFTER_SECONDS=str(stale_after),
            STEAM_STORE_RATE_LIMIT="1/4",
            LOG_LEVEL="error",
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(lambda: steam.counts_by_endpoint("store").total() == 1, "the first store page")
        time.sleep(2 * stale_after)  # real time must pass for a run to become stale
        assert steam.counts_by_endpoint("store").total() == 1, "the limiter let a request out"
        run = SyncRun.objects.get(library=library)
        assert (run.status, run.phase) == (Status.RUNNING, "details")
        # No checkpoint in the window (the old heartbeat) ...
        assert timezone.now() - run.heartbeat_at > timedelta(seconds=stale_after)
        # ... but the worker's heartbeat thread kept beating.
        assert timezone.now() - run.alive_at < timedelta(seconds=stale_after)
        assert recover_stale_runs() == 0
        assert SyncRun.objects.get(pk=run.pk).status == Status.RUNNING

        _, errors = sync.communicate(timeout=120)
        assert sync.returncode == 0, errors
    finally:
        if sync.poll() is None:
            sync.kill()
            sync.wait()
    run.refresh_from_db()
    assert run.status == Status.SUCCEEDED
    assert run.attempts == 1  # never handed to anyone else
