"""The embedded mode's background work: a Celery worker and beat inside the web process.

With no REDIS_URL the broker is Kombu's in-memory transport, which only works inside one process, so
the worker and beat run here as threads. The SyncRun rows stay the truth: runs that were queued or
running when the process stopped are re-enqueued on the next start (libraries.services.recovery).
"""

from __future__ import annotations

import logging
import threading

from celery import signals
from celery._state import _set_task_join_will_block
from celery.app.trace import reset_worker_optimizations
from celery.beat import EmbeddedService
from celery.worker import WorkController
from celery.worker import state as worker_state

from gamedjinn.celery import app

logger = logging.getLogger(__name__)

_running: EmbeddedCelery | None = None
STARTUP_TIMEOUT = 30  # seconds; the worker is consuming within one here


class _ThreadWorker(WorkController):
    """A worker without the process-level parts of `celery worker` (signal handlers, banner)."""

    def __init__(self, **options) -> None:
        self.consuming = threading.Event()
        super().__init__(**options)

    def on_consumer_ready(self, consumer) -> None:
        self.consuming.set()
        signals.worker_ready.send(sender=consumer)


class EmbeddedCelery:
    def __init__(
        self, *, concurrency: int = 2, beat: bool = True, queues: list[str] | None = None
    ) -> None:
        self.concurrency = concurrency
        self.worker = _ThreadWorker(
            app=app,
            pool_cls="threads",
            concurrency=concurrency,
            queues=queues,
            hostname="embedded@localhost",
            without_heartbeat=True,
            without_mingle=True,
            without_gossip=True,
            quiet=True,
        )
        self.beat = (
            EmbeddedService(app, thread=True, scheduler_cls=app.conf.beat_scheduler)
            if beat
            else None
        )
        self._thread = threading.Thread(target=self.worker.start, name="celery-worker", daemon=True)

    def start(self) -> None:
        global _running
        _running = self
        self._thread.start()
        if self.beat is not None:
            self.beat.start()
        logger.info("Embedded Celery worker and beat started")

    def stop(self) -> None:
        global _running
        if _running is self:
            _running = None
        if self.beat is not None:
            self.beat.stop()
        # Stopped while still starting, the worker would finish starting afterwards.
        self.worker.consuming.wait(timeout=STARTUP_TIMEOUT)
        self.worker.stop(in_sighandler=False)
        self._thread.join(timeout=STARTUP_TIMEOUT)
        # A worker marks the whole process as "inside a task" (result.get() then refuses to
        # block) and patches the task tracer; a stopped one leaves the process as it found it,
        # as celery.contrib.testing's worker does.
        _set_task_join_will_block(False)
        reset_worker_optimizations(app)

    def has_free_slot(self) -> bool:
        """Whether a task sent now would start at once (the worker polls the broker every second)."""
        return len(worker_state.active_requests) < self.concurrency

    def held_arguments(self, task_name: str) -> list[tuple]:
        """The arguments of every TASK_NAME message this worker holds: waiting for a slot, for
        its countdown, or running."""
        return [
            tuple(request.args)
            for request in list(worker_state.requests.values())
            if request.name == task_name
        ]


def running() -> EmbeddedCelery | None:
    """The worker started in this process, if any (only `manage.py serve` in embedded mode)."""
    return _running
