"""Getting interrupted runs going again.

Three ways a run can be left behind, and who notices:

* The embedded process stopped (its in-memory broker lost every queued message and eta): on the
  next start ``resume_interrupted_runs`` re-queues whatever was queued, running or parked.
* A worker died mid-run without its message coming back (the whole worker was killed; the Redis
  broker only redelivers after its visibility timeout): the run stops beating (``alive_at``, kept
  fresh by the holder's heartbeat thread every quarter of SYNC_STALE_AFTER_SECONDS, however long
  the sync waits for a rate limiter or a slow answer), and ``recover_stale_runs`` (run by beat
  every quarter of that window) hands it to a new task: about a minute after the worker died.
* A message was lost for a queued or parked run: the same sweep sends it again, once the run has
  waited LOST_AFTER (a busy worker may leave a queued run waiting that long; resending sooner
  would fill the queue with duplicates).
* In embedded mode the broker and the worker live in this process, so a lost message needs no
  guess: ``resend_lost_runs`` (beat, every few seconds) sends again a run queued for
  EMBEDDED_LOST_AFTER that the worker neither holds nor runs while it has a free slot.
* Redis (broker, cache, rate-limit log) was unreachable when a run was requested or while it
  ran: the run is marked ``cache_unavailable``, and ``resend_unsent_runs`` (beat, every few
  seconds) sends it as soon as the broker takes messages again.

Sending a run twice is harmless: a task first *claims* its run, and only one claim succeeds.
The resumed task continues from the position saved after the last committed batch.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from libraries.models import SyncRun
from libraries.services.sync import CACHE_UNAVAILABLE, enqueue_run

if TYPE_CHECKING:
    from gamedjinn.embedded import EmbeddedCelery

logger = logging.getLogger(__name__)

Status = SyncRun.Status

# How long a queued run may wait for a worker before its message is presumed lost.
LOST_AFTER = timedelta(minutes=15)
# The embedded worker polls its in-memory broker every second: a run it has not taken this long
# after being queued, with a slot free, is one whose message never arrived.
EMBEDDED_LOST_AFTER = timedelta(seconds=20)


def stale_window() -> timedelta:
    """How long a running run may go without a beat before it is presumed dead."""
    return timedelta(seconds=settings.SYNC_STALE_AFTER_SECONDS)


def resume_interrupted_runs() -> int:
    """At the embedded server's start: re-queue every run a previous process left unfinished.

    Nothing else runs syncs in embedded mode, so a run still marked running belongs to a process
    that is gone. Returns how many runs were sent to the worker.
    """
    now = timezone.now()
    SyncRun.objects.filter(status=Status.RUNNING).update(status=Status.QUEUED)
    runs = list(
        SyncRun.objects.filter(status__in=[Status.QUEUED, Status.RATE_LIMITED]).values_list(
            "pk", "status", "retry_at"
        )
    )
    for run_id, status, retry_at in runs:
        parked = status == Status.RATE_LIMITED and retry_at is not None and retry_at > now
        enqueue_run(run_id, eta=retry_at if parked else None)
    if runs:
        logger.info("Resumed %d interrupted sync run(s)", len(runs))
    return len(runs)


def recover_stale_runs(
    *, stale_after: timedelta | None = None, lost_after: timedelta | None = None
) -> int:
    """Hand runs whose worker went silent to a new task, and re-send lost or due messages.

    ``stale_after`` defaults to SYNC_STALE_AFTER_SECONDS, ``lost_after`` to LOST_AFTER (or to
    ``stale_after`` when only that is given). Returns how many runs were sent.
    """
    now = timezone.now()
    if lost_after is None:
        lost_after = LOST_AFTER if stale_after is None else stale_after
    cutoff = now - (stale_after if stale_after is not None else stale_window())
    runs = SyncRun.objects.alias(seen=Coalesce("heartbeat_at", "created_at"))
    # Read before re-queueing the stale ones, so a run is sent once per sweep.
    lost_or_due = list(
        runs.filter(
            Q(status=Status.QUEUED, seen__lt=now - lost_after)
            & (Q(retry_at__isnull=True) | Q(retry_at__lte=now))
            | Q(status=Status.RATE_LIMITED, retry_at__lte=now)
        ).values_list("pk", flat=True)
    )
    silent = Q(status=Status.RUNNING, seen__lt=cutoff) & (
        Q(alive_at__isnull=True) | Q(alive_at__lt=cutoff)
    )
    stale = list(runs.filter(silent).values_list("pk", "heartbeat_at"))
    for run_id, heartbeat in stale:
        # Conditional on what we saw: a worker that checkpoints or beats meanwhile keeps its run.
        if runs.filter(silent, pk=run_id, heartbeat_at=heartbeat).update(status=Status.QUEUED):
            logger.warning("Sync run %s stopped reporting progress; resuming it", run_id)
            lost_or_due.append(run_id)
    for run_id in lost_or_due:
        enqueue_run(run_id)
    return len(lost_or_due)


def resend_lost_runs(worker: EmbeddedCelery | None = None) -> int:
    """Embedded mode: send again every queued run the in-process worker never received. Returns
    how many runs were sent; nothing outside embedded mode, where the sweep above covers it."""
    from gamedjinn import embedded  # Celery's worker modules: only where a worker runs

    worker = worker or embedded.running()
    if worker is None or not worker.has_free_slot():
        return 0
    from libraries.tasks import sync_library  # the tasks module imports this one

    held = {args[0] for args in worker.held_arguments(sync_library.name) if args}
    now = timezone.now()
    lost = [
        run_id
        for run_id in SyncRun.objects.filter(
            Q(retry_at__isnull=True) | Q(retry_at__lte=now),
            status=Status.QUEUED,
            created_at__lt=now - EMBEDDED_LOST_AFTER,
        )
        .exclude(error_code=CACHE_UNAVAILABLE)  # resend_unsent_runs sends those
        .values_list("pk", flat=True)
        if run_id not in held
    ]
    for run_id in lost:
        logger.warning("Sync run %s never reached the embedded worker; sending it again", run_id)
        enqueue_run(run_id)
    return len(lost)


def resend_unsent_runs() -> int:
    """Send the runs parked because Redis was unreachable (see ``enqueue_run`` and the sync's
    failure policy), and clear the mark of each one the broker took. Cheap enough for beat to
    call every few seconds; returns how many runs were sent."""
    now = timezone.now()
    waiting = list(
        SyncRun.objects.filter(
            Q(retry_at__isnull=True) | Q(retry_at__lte=now),
            status__in=[Status.QUEUED, Status.RATE_LIMITED],
            error_code=CACHE_UNAVAILABLE,
        ).values_list("pk", flat=True)
    )
    sent = 0
    for run_id in waiting:
        if not enqueue_run(run_id):
            break  # the broker is still away; the next tick tries again
        SyncRun.objects.filter(
            pk=run_id, status__in=[Status.QUEUED, Status.RATE_LIMITED], error_code=CACHE_UNAVAILABLE
        ).update(error_code="", error_message="")
        sent += 1
    if sent:
        logger.info("Re-sent %d sync run(s) parked while Redis was unreachable", sent)
    return sent
