"""/health reports when the beat last ticked and how many tasks wait for the worker."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import pytest
import redis
from celery.utils.imports import symbol_by_name
from django.conf import settings
from django.core.cache import cache
from django.core.management import CommandError, call_command

from gamedjinn import health
from gamedjinn.celery import app


@pytest.fixture
def worker_alive():
    health.record_worker_heartbeat()


def test_it_reports_the_beats_last_tick_to_signed_in_users(alice_client, worker_alive):
    health.record_beat_tick()
    response = alice_client.get("/health")
    assert response.status_code == 200
    beat = response.json()["checks"]["beat"]
    assert beat["status"] == "ok"
    last_tick = datetime.fromisoformat(beat["last_tick"])
    assert abs((datetime.now(UTC) - last_tick).total_seconds()) < 5


def test_it_answers_503_when_the_beat_never_ticked(alice_client, worker_alive):
    response = alice_client.get("/health")
    assert response.status_code == 503
    assert response.json()["checks"]["beat"] == {
        "status": "error",
        "detail": "no beat tick yet; is beat running?",
    }


def test_it_answers_503_when_the_beats_last_tick_is_stale(alice_client, worker_alive):
    cache.set(health.BEAT_TICK_KEY, time.time() - health.BEAT_STALE_AFTER_SECONDS - 30)
    response = alice_client.get("/health")
    assert response.status_code == 503
    beat = response.json()["checks"]["beat"]
    assert beat["status"] == "error"
    assert beat["detail"].startswith("last beat tick 1")  # 120 s, give or take the test's own time


# Transactional: the scheduler closes connections it finds inside a transaction, as beat's loop may.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_records_a_tick_each_time_the_configured_scheduler_ticks():
    # The scheduler celery beat is configured with, on the test database (no periodic tasks in it,
    # so ticking publishes nothing).
    scheduler = symbol_by_name(app.conf.beat_scheduler)(app=app, lazy=True)
    assert health.beat_tick() is None
    scheduler.tick()
    first = health.beat_tick()
    assert first is not None and abs(time.time() - first) < 5
    scheduler.tick()  # within BEAT_RECORD_EVERY_SECONDS: no second write
    assert health.beat_tick() == first


def test_it_probes_the_beat_from_the_command_line(db, capsys):
    with pytest.raises(CommandError, match="no beat tick yet"):
        call_command("checkbeat")
    health.record_beat_tick()
    call_command("checkbeat")
    assert capsys.readouterr().out.startswith("Celery beat is healthy: ok (")
    cache.set(health.BEAT_TICK_KEY, time.time() - health.BEAT_STALE_AFTER_SECONDS - 30)
    with pytest.raises(CommandError, match=r"last beat tick \d+ s ago"):
        call_command("checkbeat")


def test_it_says_the_queue_is_in_process_in_embedded_mode(alice_client, worker_alive, settings):
    settings.EMBEDDED_MODE = True
    health.record_beat_tick()
    queue = alice_client.get("/health").json()["checks"]["queue"]
    assert queue["status"] == "ok"
    assert queue["depth"] is None
    assert queue["detail"].startswith("in-process (embedded mode)")


@pytest.mark.redis
def test_it_reports_the_celery_queues_depth_from_redis(alice_client, worker_alive):
    # A queue of this test's own, so tasks other tests left in the default one do not count.
    queue, default_queue = f"health-test-{uuid.uuid4().hex}", app.conf.task_default_queue
    app.conf.task_default_queue = queue
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        health.record_beat_tick()
        assert alice_client.get("/health").json()["checks"]["queue"]["depth"] == 0
        for _ in range(3):
            app.send_task("gamedjinn.tasks.heartbeat", queue=queue)
        queue_check = alice_client.get("/health").json()["checks"]["queue"]
        assert queue_check == {
            "status": "ok",
            "detail": f"3 task(s) waiting in the '{queue}' queue",
            "depth": 3,
        }
    finally:
        app.conf.task_default_queue = default_queue
        broker.delete(queue)
        broker.close()
