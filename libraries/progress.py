"""Sync progress: the SyncRun row is the truth, the channel-layer messages are hints.

``SyncProgress`` is the only writer of a running run's row and the only sender of progress
messages. Writes are *fenced*: the claim stamps ``heartbeat_at`` and every later write requires
the stamp it last wrote, so a worker that was presumed dead and replaced (or whose run was
cancelled) finds its update matching no row and stops instead of overwriting the new owner's work.

While it holds a run, a heartbeat thread stamps ``alive_at`` every quarter of
SYNC_STALE_AFTER_SECONDS. Checkpoints come once per batch, and a batch may wait minutes for a rate
limiter, a retry or a slow answer; the thread beats through those waits, so only a dead worker
(or one past Celery's hard time limit) looks dead to the recovery sweep. Its writes are fenced by
the claim (``attempts`` counts claims), so a replaced worker's thread keeps nothing alive.

Messages go to the run owner's group (``sync.u<user_id>``, ids only, as Channels requires), at
most four a second per run (docs/sync.md, "Retries, rate limits and progress messages": a
``group_send`` costs a sync worker about 4 ms, so per-item messages would slow imports); the
final state is always sent.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, Self

from asgiref.sync import async_to_sync
from celery import current_task
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from libraries.models import SyncRun
from libraries.schemas import SyncProgressMessage, run_out

logger = logging.getLogger(__name__)

MIN_INTERVAL_SECONDS = 0.25  # at most 4 messages a second per run


class RunLost(Exception):
    """The run was cancelled or handed to another worker; this worker must stop writing."""


def group_for_user(user_id: int) -> str:
    """The channel group of one user's sync progress (ids only: no user-supplied text)."""
    return f"sync.u{int(user_id)}"


# What a checkpoint writes; the status-changing fields are written only by finish().
_PROGRESS_FIELDS = (
    "phase",
    "done",
    "total",
    "position",
    "phase_started_at",
    "games_added",
    "games_updated",
    "games_unchanged",
    "games_removed",
    "details_fetched",
    "achievements_synced",
    "errors",
    "error_code",
    "error_message",
)
_FINISH_FIELDS = (*_PROGRESS_FIELDS, "status", "retry_at", "finished_at")


class Heartbeat:
    """Stamps a claimed run's ``alive_at`` from a thread of its own until stopped.

    ``lifetime`` bounds a beat that would outlive its task: past Celery's hard time limit the
    task is dead whatever its thread says (a thread-pool worker cannot kill a stuck task).
    """

    def __init__(self, run_id: int, claim: int, *, interval: float, lifetime: float | None):
        self.run_id = run_id
        self.claim = claim
        self.interval = interval
        self.lifetime = lifetime
        self._stopped = threading.Event()
        self._thread = threading.Thread(
            target=self._beat, name=f"sync-heartbeat-{run_id}", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        # Not joined: a beat stuck behind the run's own open transaction finishes on its own.
        self._stopped.set()

    def _beat(self) -> None:
        ends = None if self.lifetime is None else time.monotonic() + self.lifetime
        try:
            while not self._stopped.wait(self.interval):
                if ends is not None and time.monotonic() > ends:
                    logger.warning("Sync run %s outlived its task; heartbeat stopped", self.run_id)
                    return
                try:
                    beaten = SyncRun.objects.filter(
                        pk=self.run_id, status=SyncRun.Status.RUNNING, attempts=self.claim
                    ).update(alive_at=timezone.now())
                except DatabaseError as exc:  # the next beat may get through
                    logger.warning("Could not beat for sync run %s: %s", self.run_id, exc)
                    continue
                if not beaten:  # finished, cancelled or taken over: nothing left to keep alive
                    return
        finally:
            connection.close()  # this thread's own connection


def heartbeat_for(run: SyncRun) -> Heartbeat:
    in_task = bool(current_task) and bool(current_task.request.id)  # a proxy: None outside
    return Heartbeat(
        run.pk,
        run.attempts,
        interval=settings.SYNC_STALE_AFTER_SECONDS / 4,
        lifetime=float(settings.CELERY_TASK_TIME_LIMIT) if in_task else None,
    )


class SyncProgress:
    """Records a claimed run's progress and tells its owner's browsers about it.

    Use as a context manager around the work: leaving it always sends the run's final state,
    even when the work raised. While inside, a Heartbeat keeps the run visibly alive.
    """

    def __init__(
        self,
        run: SyncRun,
        *,
        echo: Callable[[dict[str, Any]], None] | None = None,
        min_interval: float = MIN_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.run = run
        self._token: datetime | None = run.heartbeat_at  # set by the claim
        self._echo = echo
        self._min_interval = min_interval
        self._clock = clock
        self._last_sent: float | None = None
        self._seq = 0
        self._origin = (clock(), run.done)  # for the ETA: rate since this process took over

    def __enter__(self) -> Self:
        self._heartbeat = heartbeat_for(self.run)
        self._heartbeat.start()
        self.send()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._heartbeat.stop()
        try:
            self.run.refresh_from_db(fields=[*_FINISH_FIELDS, "heartbeat_at"])
        except Exception:  # the database may be what failed; the in-memory state will do
            logger.warning("Could not reload sync run %s for its final message", self.run.pk)
        self.send(final=True)

    # --- the row ---------------------------------------------------------------------------

    def start_phase(self, phase: str, *, total: int, done: int = 0, **changes: Any) -> None:
        """Enter ``phase`` (or resume it at ``done``) and record that at once."""
        self._origin = (self._clock(), done)
        self.checkpoint(
            phase=phase, total=total, done=done, phase_started_at=timezone.now(), **changes
        )

    def checkpoint(self, **changes: Any) -> None:
        """Save the run's progress fields (after applying ``changes``) and schedule a hint.

        Call it as the last statement of a batch's transaction: the position is then saved
        with exactly the rows it describes. Raises RunLost when the run is no longer ours.
        """
        self._write(SyncRun.Status.RUNNING, _PROGRESS_FIELDS, changes)
        transaction.on_commit(self.send)

    def finish(self, status: str, **changes: Any) -> None:
        """Leave the running state: succeeded, failed, parked (rate_limited) or re-queued."""
        if status in (SyncRun.Status.SUCCEEDED, SyncRun.Status.FAILED, SyncRun.Status.CANCELLED):
            changes.setdefault("finished_at", timezone.now())
        self._write(status, _FINISH_FIELDS, changes)

    def _write(self, status: str, fields: tuple[str, ...], changes: dict[str, Any]) -> None:
        run = self.run
        for name, value in changes.items():
            setattr(run, name, value)
        run.status = status
        run.total = max(run.total, run.done)  # the set can grow while a phase runs
        now = timezone.now()
        updated = SyncRun.objects.filter(
            pk=run.pk, status=SyncRun.Status.RUNNING, heartbeat_at=self._token
        ).update(heartbeat_at=now, **{name: getattr(run, name) for name in fields})
        if updated != 1:
            raise RunLost(f"Sync run {run.pk} was cancelled or taken over by another worker.")
        self._token = run.heartbeat_at = now

    # --- the hints -------------------------------------------------------------------------

    def tick(self, done: int) -> None:
        """In-memory progress inside a batch (not saved until the batch's checkpoint)."""
        self.run.done = done
        self.send()

    def send(self, *, final: bool = False) -> None:
        """Send the current state unless a message went out less than ``min_interval`` ago."""
        now = self._clock()
        if not final and self._last_sent is not None and now - self._last_sent < self._min_interval:
            return
        self._last_sent = now
        self._seq += 1
        message = self.message()
        if self._echo is not None:
            self._echo(message)
        layer = get_channel_layer()
        if layer is None:
            return
        try:
            async_to_sync(layer.group_send)(group_for_user(self.run.library.owner_id), message)
        except Exception:
            # The row already holds the truth; a missed hint must not fail the sync.
            logger.warning("Could not send progress of sync run %s", self.run.pk, exc_info=True)

    def message(self) -> dict[str, Any]:
        """The run as every door shows it (libraries.schemas.run_out), with this sender's ETA
        and order, as the JSON the browser receives."""
        run = run_out(self.run, eta_seconds=self._eta())
        return SyncProgressMessage(**dict(run), seq=self._seq, ts=timezone.now()).model_dump(
            mode="json"
        )

    def _eta(self) -> int | None:
        run = self.run
        if run.status != SyncRun.Status.RUNNING or not run.total:
            return None
        started, done_before = self._origin
        if run.done >= run.total:
            return 0
        if run.done <= done_before:
            return None
        elapsed = self._clock() - started
        return round(elapsed / (run.done - done_before) * (run.total - run.done))
