"""Phase 2: the store's metadata for releases that lack it or whose copy is stale.

A batch at a time under the store's rate limit; every batch is kept, even one a rate limit or an
outage interrupted, since store lookups are the scarce budget. What the store says is kept as its
own SourceMetadata row, and the games' columns are resolved from all their sources.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet

from games.models import Release, SourceMetadata
from games.services.catalogue import parent_games, resolve_metadata, stale_before, store_metadata
from libraries.models import SyncRun
from libraries.services.phases import Job, PhaseSteps, Track, drain, is_item_error
from platforms.errors import PlatformError
from platforms.records import GameDetails

logger = logging.getLogger(__name__)
Phase = SyncRun.Phase

# Store lookups per saved position. Small enough that a killed worker repeats little of a
# rate-limited phase, large enough that a checkpoint is not a write per request.
DETAILS_BATCH_SIZE = 10


class _Skipped(enum.Enum):
    FAILED = "failed"  # this game's lookup failed; it stays pending for the next sync


_Lookup = GameDetails | _Skipped | None  # None: the store no longer lists the release


def details_queryset(job: Job) -> QuerySet[Release]:
    """The library's releases on its own store whose metadata from that store is missing or
    stale (all of them when the run is forced)."""
    source = job.spec.code
    releases = Release.objects.filter(
        ownerships__library=job.library,
        ownerships__removed_at__isnull=True,
        platform__code=job.spec.release_store,
    )
    if not job.run.force:
        fresh = SourceMetadata.objects.filter(
            release_id=OuterRef("pk"), source=source, fetched_at__gte=stale_before()
        )
        releases = releases.exclude(Exists(fresh))
    return releases.order_by("id")


def phase_details(job: Job) -> None:
    drain(details_steps(job, Track(job, Phase.DETAILS)))


def details_steps(job: Job, track: Track) -> PhaseSteps:
    """The phase, yielding before each store request (see phases.PhaseSteps)."""
    pending = details_queryset(job)
    cursor, done = track.start(pending, "id")
    while batch := list(
        pending.filter(id__gt=cursor).values_list("id", "external_id")[:DETAILS_BATCH_SIZE]
    ):
        job.check_deadline()
        fetched: list[tuple[int, _Lookup]] = []
        try:
            for release_id, external_id in batch:
                yield
                fetched.append((release_id, _fetch_details(job, external_id)))
                track.tick(done + len(fetched))
        finally:
            # Also when the phase is stopped at a yield (the other phase failed): every lookup
            # made is kept.
            if fetched:
                with transaction.atomic():
                    _store_details(job, fetched)
                    cursor, done = fetched[-1][0], done + len(fetched)
                    track.save(done, cursor)
    track.end()


def _fetch_details(job: Job, external_id: str) -> _Lookup:
    try:
        return job.client.get_app_details(external_id)
    except PlatformError as exc:
        if not is_item_error(exc):
            raise
        logger.warning("Store metadata for %s skipped: %s", external_id, exc.message)
        job.run.errors += 1
        return _Skipped.FAILED


def _store_details(job: Job, fetched: Sequence[tuple[int, _Lookup]]) -> None:
    releases = {
        release.pk: release
        for release in Release.objects.filter(pk__in=[release_id for release_id, _ in fetched])
    }
    found = [
        (releases[release_id], details)
        for release_id, details in fetched
        if release_id in releases and isinstance(details, GameDetails)
    ]
    unavailable = [
        releases[release_id]
        for release_id, details in fetched
        if release_id in releases and details is None
    ]
    parents = parent_games(job.platform, [details for _, details in found])
    games = store_metadata(job.spec.code, found, unavailable, parents=parents)
    resolve_metadata(games)
    job.run.details_fetched += len(games)
