"""Celery tasks: ids in, services do the work (libraries.services.sync)."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from libraries.services import recovery, sync


@shared_task(
    bind=True,
    ignore_result=True,
    # A worker killed mid-run leaves the message unacknowledged, so the run is redelivered and
    # resumes from its saved position; that is safe because every batch is idempotent.
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(sync.TransientSyncError, OperationalError, InterfaceError),
    max_retries=5,
    retry_backoff=30,
    retry_backoff_max=900,
    retry_jitter=True,
)
def sync_library(self, run_id: int) -> None:
    """Do (or continue) one sync run; returns quietly if it is gone, finished or claimed."""
    sync.perform_run(
        run_id,
        task_id=self.request.id or "",
        last_try=self.request.retries >= self.max_retries,
        time_slice=sync.task_time_slice(),
    )


@shared_task(ignore_result=True)
def recover_sync_runs() -> None:
    """Beat, every quarter of SYNC_STALE_AFTER_SECONDS: resume runs whose worker died."""
    recovery.recover_stale_runs()


@shared_task(ignore_result=True)
def enqueue_due_syncs() -> None:
    """Beat: resume stale, lost and due runs, then start the scheduled syncs that are due."""
    recovery.recover_stale_runs()
    sync.start_scheduled_syncs()


@shared_task(ignore_result=True)
def resend_unsent_runs() -> None:
    """Beat, every few seconds: send runs parked while Redis was unreachable, and (embedded)
    runs whose message never reached the in-process worker."""
    recovery.resend_unsent_runs()
    recovery.resend_lost_runs()
