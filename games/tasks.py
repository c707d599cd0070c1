"""Celery tasks of the catalogue: ids in, services do the work."""

from __future__ import annotations

import time
from datetime import timedelta

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from games.services import enrichment, matching

# When a source stopped answering for a reason other than a rate limit (an outage), try again
# this much later; the next sync enqueues the task anyway.
RETRY_AFTER_OUTAGE = timedelta(minutes=30)


@shared_task(bind=True, ignore_result=True, acks_late=True, max_retries=5)
def enrich_metadata(self, library_id: int | None) -> None:
    """Look up a library's releases in the metadata sources for one time slice, then hand over
    to a fresh task (or to a later one, after a rate limit or an outage)."""
    from libraries.services.sync import task_time_slice

    result = enrichment.enrich_library(library_id, deadline=time.monotonic() + task_time_slice())
    if result.finished:
        return
    if not result.errors:
        enrich_metadata.apply_async((library_id,))
    elif self.request.retries < self.max_retries:
        eta = result.retry_at or timezone.now() + RETRY_AFTER_OUTAGE
        raise self.retry(eta=eta)


@shared_task(
    bind=True,
    ignore_result=True,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def match_new_releases(self, release_ids: list[int]) -> None:
    """Join the releases an import brought to the same game on other stores. Idempotent: a
    pair already joined, suggested or rejected is left as it is."""
    matching.match_releases(release_ids)
