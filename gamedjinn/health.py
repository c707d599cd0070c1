"""Dependency checks behind /health: the database, the cache, the broker, the worker and its
queue, the beat, migrations.

The beat records its own tick (gamedjinn.beat.Scheduler) and the worker its heartbeat (a task the
beat schedules every minute), both in the cache: the web, `manage.py checkbeat` and the worker's
probe read them from any process in production (Redis), and from the one process in embedded mode.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

WORKER_HEARTBEAT_KEY = "health:worker-heartbeat"
WORKER_STALE_AFTER_SECONDS = 180


BEAT_TICK_KEY = "health:beat-tick"
# The scheduler loop wakes at least every 5 s (django-celery-beat's longest sleep) and records a
# tick at most every BEAT_RECORD_EVERY_SECONDS; a minute and a half without one means it is stuck.
BEAT_RECORD_EVERY_SECONDS = 10
BEAT_STALE_AFTER_SECONDS = 90


def record_worker_heartbeat() -> None:
    cache.set(WORKER_HEARTBEAT_KEY, time.time(), timeout=WORKER_STALE_AFTER_SECONDS * 2)


def record_beat_tick() -> None:
    # Kept without expiry: "last tick 20 min ago" says more about a dead beat than "none".
    cache.set(BEAT_TICK_KEY, time.time(), timeout=None)


def beat_tick() -> float | None:
    """When the beat last ticked (a Unix time), if it ever did."""
    tick = cache.get(BEAT_TICK_KEY)
    return None if tick is None else float(tick)


def check_database() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def check_cache() -> str:
    cache.set("health:probe", "1", timeout=10)
    if cache.get("health:probe") != "1":
        raise RuntimeError("cache did not return what was written")
    return "ok"


def check_broker() -> str:
    if settings.EMBEDDED_MODE:
        return "ok (in-process)"
    from gamedjinn.celery import app

    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, timeout=2)
    return "ok"


def check_worker() -> str:
    beat = cache.get(WORKER_HEARTBEAT_KEY)
    if beat is None:
        raise RuntimeError("no worker heartbeat yet; is the worker running?")
    age = time.time() - float(beat)
    if age > WORKER_STALE_AFTER_SECONDS:
        raise RuntimeError(f"last worker heartbeat {int(age)} s ago")
    return f"ok ({int(age)} s ago)"


def check_beat() -> dict[str, Any]:
    tick = beat_tick()
    if tick is None:
        raise RuntimeError("no beat tick yet; is beat running?")
    age = time.time() - tick
    if age > BEAT_STALE_AFTER_SECONDS:
        raise RuntimeError(f"last beat tick {int(age)} s ago")
    return {
        "detail": f"ok ({int(age)} s ago)",
        "last_tick": datetime.fromtimestamp(tick, UTC).isoformat(timespec="seconds"),
    }


def check_queue() -> dict[str, Any]:
    """How many tasks wait for a worker: the length of the Celery queue's Redis list."""
    if settings.EMBEDDED_MODE:
        return {
            "detail": "in-process (embedded mode): tasks go straight to the worker thread, "
            "there is no broker queue to measure",
            "depth": None,
        }
    import redis

    from gamedjinn.celery import app

    queue = app.conf.task_default_queue
    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_timeout=2, socket_connect_timeout=2
    )
    try:
        depth = int(client.llen(queue))
    finally:
        client.close()
    return {"detail": f"{depth} task(s) waiting in the '{queue}' queue", "depth": depth}


def check_migrations() -> str:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise RuntimeError(f"{len(pending)} migration(s) not applied; run manage.py migrate")
    return "ok"


def check_ollama() -> str:
    # Imported here: LangChain is heavy, and only this check needs it.
    from assistant.llm import probe

    status = probe(with_models=False, timeout=1.0)  # the container probe gives /health 4 s
    if not status.reachable:
        raise RuntimeError(f"{status.url}: {status.error}; only the assistant is affected")
    advice = ", update to 0.9+" if status.outdated else ""
    return f"ok (Ollama {status.version} at {status.url}{advice})"


def check_libraries() -> str:
    """Libraries a store signed out: the server is fine, but their owners must reconnect them."""
    from libraries.models import Library

    waiting = list(
        Library.objects.filter(reconnect_since__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)[:20]
    )
    if waiting:
        ids = ", ".join(f"#{pk}" for pk in waiting)
        raise RuntimeError(f"{len(waiting)} library(ies) need reconnecting: {ids}")
    return "ok (every library is connected)"


CHECKS: dict[str, Callable[[], str | dict[str, Any]]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "worker": check_worker,
    "queue": check_queue,
    "beat": check_beat,
    "migrations": check_migrations,
    "ollama": check_ollama,
    "libraries": check_libraries,
}
# Reported, but never a reason for 503: without Ollama only the assistant is unavailable, and an
# orchestrator must not restart a working web app because the LLM server is down.
# The same for libraries that need reconnecting: only their owners can fix that.
OPTIONAL_CHECKS = frozenset({"ollama", "libraries"})


def run_checks(
    names: Collection[str] | None = None,
) -> tuple[bool, dict[str, dict[str, Any]]]:
    """Run every check (or those named); never raise.

    Returns (all_ok, {name: {"status": ..., "detail": ..., and a check's own fields}}).
    """
    results: dict[str, dict[str, Any]] = {}
    healthy = True
    for name, check in CHECKS.items():
        if names is not None and name not in names:
            continue
        try:
            outcome = check()
            fields = outcome if isinstance(outcome, dict) else {"detail": outcome}
            results[name] = {"status": "ok", **fields}
        except Exception as exc:  # a health check must report, not crash
            optional = name in OPTIONAL_CHECKS
            healthy = healthy and optional
            results[name] = {
                "status": "unavailable" if optional else "error",
                "detail": str(exc)[:200],
            }
    return healthy, results
