"""Redis going away is an outage to wait out: a run it interrupts is parked with a clear state
and the worker's task returns normally; a run requested while it is down is marked the same way;
both go out again seconds after Redis is back (beat's resend_unsent_runs), and finish.

The tests start a redis-server of their own and kill it, so they run in both passes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
import redis
from django.conf import settings

from gamedjinn.celery import app as celery_app
from libraries.models import SyncRun
from libraries.services.recovery import resend_unsent_runs
from libraries.services.sync import request_sync
from libraries.tasks import sync_library
from tests.fakes.redis_server import PrivateRedis

pytestmark = pytest.mark.own_redis


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis().start()
    yield server
    server.stop()


@pytest.fixture
def limiter_on(private_redis: PrivateRedis, settings) -> PrivateRedis:
    """The Steam client's rate limiter keeps its log in the private Redis (as production's
    limiter keeps it in REDIS_URL's)."""
    settings.REDIS_URL = private_redis.url
    return private_redis


def _use_broker(url: str) -> None:
    celery_app.conf.broker_url = url
    # Celery keeps its connection and producer pools; new ones are built for the new URL.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_on(private_redis: PrivateRedis) -> Iterator[PrivateRedis]:
    """Celery publishes to the private Redis (production's broker is REDIS_URL)."""
    before = celery_app.conf.broker_url
    _use_broker(private_redis.url)
    yield private_redis
    _use_broker(before)


def _kill_when(server: PrivateRedis, steam, requests: int) -> threading.Thread:
    """Kill Redis once the fake Steam has answered REQUESTS requests, in the middle of the run."""

    def watch() -> None:
        deadline = time.monotonic() + 60
        while len(steam.requests) < requests and time.monotonic() < deadline:
            time.sleep(0.002)  # watching another thread's progress
        server.stop()

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    return watcher


def test_it_parks_a_run_redis_interrupts_and_finishes_it_when_redis_is_back(
    library, steam, limiter_on, published
):
    steam.latency_seconds = 0.005
    run = request_sync(library, trigger=SyncRun.Trigger.MANUAL, enqueue=False)
    watcher = _kill_when(limiter_on, steam, 20)

    sync_library(run.pk)  # the worker's task: it must return, not raise

    watcher.join()
    run.refresh_from_db()
    assert run.status == SyncRun.Status.QUEUED
    assert run.error_code == "cache_unavailable"
    assert "Redis" in run.error_message and "resumes when it is back" in run.error_message
    assert 0 < run.done < run.total or run.phase != SyncRun.Phase.OWNED  # stopped mid-run

    limiter_on.start()
    assert resend_unsent_runs() == 1  # what beat does every few seconds
    assert [p.args for p in published] == [[run.pk]]
    run.refresh_from_db()
    assert run.error_code == ""  # sent: the state is no longer "unreachable"

    sync_library(run.pk)  # the worker receiving that message

    run.refresh_from_db()
    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    assert run.attempts == 2


def test_a_run_requested_while_the_broker_is_down_goes_out_when_it_is_back(
    library, steam, broker_on, django_capture_on_commit_callbacks
):
    broker_on.stop()

    with django_capture_on_commit_callbacks(execute=True):
        run = request_sync(library, trigger=SyncRun.Trigger.MANUAL)

    run.refresh_from_db()
    assert run.status == SyncRun.Status.QUEUED
    assert run.error_code == "cache_unavailable"
    assert resend_unsent_runs() == 0  # still down: nothing sent, the mark stays
    run.refresh_from_db()
    assert run.error_code == "cache_unavailable"

    broker_on.start()
    assert resend_unsent_runs() == 1
    queue = celery_app.conf.task_default_queue
    assert redis.Redis.from_url(broker_on.url).llen(queue) == 1  # the message is in the broker
    run.refresh_from_db()
    assert run.error_code == ""


def test_beat_resends_unsent_runs_within_seconds_not_at_the_stale_sweep():
    entry = next(
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "libraries.tasks.resend_unsent_runs"
    )
    assert timedelta(seconds=entry["schedule"]) <= timedelta(seconds=30)
