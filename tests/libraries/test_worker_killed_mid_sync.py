"""A real Celery worker is killed with SIGKILL in the middle of a sync; the sync resumes from its
saved position, with no duplicate rows and nothing lost.

Needs Redis (the broker that makes acks-late redelivery real); runs in the production pass. The
worker is a separate process, so the test uses a committed (transactional) test database and
gives the worker its URL. Its broker is a Redis database of its own (the suite clears the cache,
a FLUSHDB of REDIS_URL's database, around every test of every session) and a queue of its own.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from gamedjinn.celery import app
from games.models import Achievement, Game, Release, UnlockedAchievement
from libraries.models import LibraryGame, PlaytimeSnapshot, SyncRun
from libraries.services.phases.details import DETAILS_BATCH_SIZE
from libraries.services.sync import request_sync
from libraries.tasks import sync_library
from platforms.integrations.steam.fake_server import generate_world
from tests.libraries.conftest import subprocess_env

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

GAMES = 150
SWEEP = (
    "from datetime import timedelta; from gamedjinn.celery import app; "
    "from libraries.services.recovery import recover_stale_runs; "
    "app.conf.task_default_queue = '{queue}'; print(recover_stale_runs(stale_after=timedelta(0)))"
)


@pytest.fixture
def world():
    return generate_world(GAMES, seed=21)


BROKER_DB = 15


@pytest.fixture
def broker_url() -> str:
    return urlunsplit(urlsplit(os.environ["REDIS_URL"])._replace(path=f"/{BROKER_DB}"))


@pytest.fixture
def queue(broker_url: str) -> Iterator[str]:
    """A queue only this test's workers consume."""
    name = f"gd-test-{uuid.uuid4().hex[:10]}"
    yield name
    with app.connection_for_write(broker_url) as broker:
        broker.default_channel.queue_delete(name)


@pytest.fixture
def publish(broker_url: str, queue: str) -> Callable[[int], None]:
    def send(run_id: int) -> None:
        with app.connection_for_write(broker_url) as broker:
            sync_library.apply_async((run_id,), connection=broker, queue=queue)

    return send


@pytest.fixture
def start_worker(
    queue: str, broker_url: str, tmp_path: Path
) -> Iterator[Callable[[], subprocess.Popen]]:
    workers: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        log = (tmp_path / f"worker-{len(workers)}.log").open("w")
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "gamedjinn", "worker", "-Q", queue,
             "--pool", "prefork", "--concurrency", "1", "--loglevel", "info",
             "--without-mingle", "--without-gossip", "-n", f"{queue}-{len(workers)}@%h"],
            cwd=settings.BASE_DIR,
            env=subprocess_env(REDIS_URL=broker_url),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so it can be killed whole
        )  # fmt: skip
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)


def _wait_for(condition: Callable[[], bool], timeout: float, what: str, logs: Path) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            tails = "\n".join(
                f"--- {log.name}\n" + "\n".join(log.read_text().splitlines()[-25:])
                for log in sorted(logs.glob("worker-*.log"))
            )
            runs = list(
                SyncRun.objects.values("pk", "status", "phase", "done", "total", "attempts")
            )
            raise AssertionError(f"timed out waiting for {what}; runs {runs}\n{tails}")
        time.sleep(0.05)  # polling another process's progress, not standing in for work


def _run(run_id: int) -> SyncRun:
    return SyncRun.objects.get(pk=run_id)


def _halfway_through_details(run_id: int) -> bool:
    run = _run(run_id)
    return run.phase == SyncRun.Phase.DETAILS and run.done >= 40


def _pool_child(worker: subprocess.Popen) -> int:
    children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])


def _assert_complete_without_duplicates(library, world, steam, run: SyncRun) -> None:
    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    owned = {str(g["appid"]) for g in world.player.owned}
    assert (
        set(
            LibraryGame.objects.filter(library=library).values_list(
                "release__external_id", flat=True
            )
        )
        == owned
    )
    assert LibraryGame.objects.count() == PlaytimeSnapshot.objects.count() == GAMES
    assert Release.objects.count() == Game.objects.count()  # no game made twice
    assert not Game.objects.filter(metadata_status=Game.MetadataStatus.PENDING).exists()
    # Schemas are read for games with unlocks only (the others wait until they matter).
    schemas = [
        world.schemas[appid]["availableGameStats"]["achievements"]
        for appid, unlocks in world.player.unlocked.items()
        if unlocks
    ]
    assert Achievement.objects.count() == sum(len(s) for s in schemas)
    assert UnlockedAchievement.objects.count() == sum(
        len(u) for u in world.player.unlocked.values()
    )
    # Resumed, not restarted: at most the interrupted batch was asked for twice.
    lookups = steam.counts_by_endpoint("store")["api/appdetails"]
    assert GAMES <= lookups <= GAMES + DETAILS_BATCH_SIZE


def test_a_killed_pool_process_is_redelivered_and_resumes(
    library, world, steam, start_worker, publish, tmp_path
):
    steam.latency_seconds = 0.03  # keeps the details phase going for a few seconds
    worker = start_worker()
    run = request_sync(library, trigger=SyncRun.Trigger.MANUAL, enqueue=False)
    publish(run.pk)
    _wait_for(
        lambda: _halfway_through_details(run.pk), 60, "the details phase to be under way", tmp_path
    )

    os.kill(_pool_child(worker), signal.SIGKILL)

    # acks-late + reject-on-worker-lost: the same message comes back to the new pool process,
    # which reclaims its own run and continues from the saved position.
    _wait_for(
        lambda: _run(run.pk).status not in SyncRun.ACTIVE_STATUSES, 120, "the sync to end", tmp_path
    )
    run = _run(run.pk)
    assert run.attempts == 2
    _assert_complete_without_duplicates(library, world, steam, run)


def test_a_killed_worker_is_replaced_and_the_run_recovered(
    library, world, steam, start_worker, publish, queue, broker_url, tmp_path
):
    steam.latency_seconds = 0.03
    worker = start_worker()
    run = request_sync(library, trigger=SyncRun.Trigger.MANUAL, enqueue=False)
    publish(run.pk)
    _wait_for(
        lambda: _halfway_through_details(run.pk), 60, "the details phase to be under way", tmp_path
    )

    os.killpg(worker.pid, signal.SIGKILL)  # the whole worker, as an OOM kill or a pulled plug
    worker.wait(timeout=10)
    saved = _run(run.pk)
    assert saved.status == SyncRun.Status.RUNNING  # nobody left to say otherwise
    start_worker()
    # What beat's sweep does once the heartbeat is old (here at once: the worker is gone), run
    # as beat would, in a process of its own on the workers' broker.
    sweep = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SWEEP.format(queue=queue)],
        cwd=settings.BASE_DIR,
        env=subprocess_env(REDIS_URL=broker_url, LOG_LEVEL="error"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert sweep.stdout.strip().splitlines()[-1] == "1", sweep.stderr

    _wait_for(
        lambda: _run(run.pk).status not in SyncRun.ACTIVE_STATUSES, 120, "the sync to end", tmp_path
    )
    run = _run(run.pk)
    assert run.attempts == 2
    assert run.done == run.total
    _assert_complete_without_duplicates(library, world, steam, run)
