"""The sync algorithm: the only place it lives. Tasks, commands, endpoints and MCP tools call in.

A run does its phases in order, each resumable from the position saved after every batch:

1. ``owned``: the platform's owned list lands in one transaction (new Game/Release/LibraryGame
   rows in bulk inserts, changed ones in bulk upserts), so the library is browsable within
   seconds. Rows are compared in Python first and unchanged ones are not written at all;
   playtime snapshots are written for new entries and for entries whose playtime changed;
   entries that left the list get ``removed_at`` (never deleted).
2. ``details``: store metadata for games that lack it or are older than METADATA_STALE_DAYS
   (all of them with ``force``), a batch at a time under the store's rate limit.
3. ``achievements``: schema, global percentages and the player's unlocks for releases with stats
   that are new or were played since the last successful achievements pass (all with ``force``).

Failure policy: a rate limit parks the run as ``rate_limited`` with ``retry_at`` and re-enqueues
it for then; a permanent error (bad key, private profile, unreadable answer) fails it with an
``error_code`` and a message for the user; other transient errors put it back in the queue and
let Celery's declared retries take it. Whatever the outcome, rows already written stay, and
re-running any batch writes the same rows again (upserts on natural keys), never duplicates.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, NamedTuple, TypeVar

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from games.models import Achievement, Category, Game, Genre, Release, UnlockedAchievement
from games.ratings import ESRB_CHOICES, PEGI_CHOICES
from games.search import refresh_search_index
from games.titles import normalize_title, sort_title
from libraries.models import Library, LibraryGame, PlaytimeSnapshot, SyncRun
from libraries.progress import RunLost, SyncProgress, SyncProgressMessage
from libraries.services import bulk
from libraries.services.libraries import (
    PLATFORM_CLIENTS,
    LibraryError,
    PlatformClient,
    platform_client_for,
)
from platforms.errors import (
    InvalidCredentials,
    InvalidIdentifier,
    MalformedResponse,
    PlatformError,
    PrivateProfile,
    RateLimited,
    UnknownUser,
)
from platforms.models import Platform
from platforms.records import AchievementDefinition, GameDetails, OwnedGame, PlayerAchievements

logger = logging.getLogger(__name__)

Status = SyncRun.Status
Phase = SyncRun.Phase
ALL_PHASES: tuple[str, ...] = (Phase.OWNED, Phase.DETAILS, Phase.ACHIEVEMENTS)

# Store lookups per saved position. Small enough that a killed worker repeats little of a
# rate-limited phase, large enough that a checkpoint is not a write per request.
DETAILS_BATCH_SIZE = 10
ACHIEVEMENTS_BATCH_SIZE = 5  # each game costs two or three Web API requests
# IN lists stay under SQLite's default limit of 999 parameters a statement (Django already
# splits bulk_create's batches to fit it; BULK_BATCH_SIZE bounds them on PostgreSQL).
IN_CHUNK = 900
BULK_BATCH_SIZE = 1000

_ESRB_VALUES = frozenset(value for value, _ in ESRB_CHOICES)
_PEGI_VALUES = frozenset(value for value, _ in PEGI_CHOICES)


class SyncAlreadyRunning(Exception):
    """A library already has a queued, running or rate-limited run."""

    def __init__(self, run: SyncRun | None) -> None:
        self.run = run
        if run is None:
            message = "A sync of this library is already running."
        else:
            states: dict[str, str] = {
                Status.QUEUED: "queued",
                Status.RUNNING: "running",
                Status.RATE_LIMITED: "waiting for the platform's rate limit",
            }
            state = states.get(run.status, run.status)
            message = (
                f"A sync of this library is already {state} (run #{run.pk}); wait for it to "
                "finish, or force a new sync to replace it."
            )
        super().__init__(message)
        self.message = message


class TransientSyncError(Exception):
    """The run stopped for a reason that may pass (platform down, database hiccup); it is back
    in the queue and the task's declared retries will pick it up."""


class _SliceExhausted(Exception):
    """The task used its time slice; the run continues in a fresh task (see task_time_slice)."""


# --- requesting and claiming runs -------------------------------------------------------------


def normalize_phases(phases: Iterable[str] | str | None) -> list[str]:
    """``None``/``"all"`` → every phase; otherwise the named phases in their natural order."""
    if phases is None or phases == "all":
        return list(ALL_PHASES)
    names = {phases} if isinstance(phases, str) else set(phases)
    if "all" in names:
        return list(ALL_PHASES)
    unknown = names - set(ALL_PHASES)
    if unknown or not names:
        raise ValueError(
            f"Unknown sync phase {', '.join(sorted(unknown)) or '(none)'}; "
            f"use {', '.join(ALL_PHASES)} or all."
        )
    return [phase for phase in ALL_PHASES if phase in names]


def request_sync(
    library: Library,
    *,
    trigger: str,
    phases: Iterable[str] | str | None = None,
    force: bool = False,
    enqueue: bool = True,
) -> SyncRun:
    """Create a run for ``library`` and enqueue its task once the transaction commits.

    One run per library may be active (the database enforces it). A second request raises
    SyncAlreadyRunning, unless ``force``: then the active run is cancelled (its worker stops at
    its next checkpoint) and the new run also refetches metadata and achievements that are
    still fresh. ``enqueue=False`` is for callers that run it in the foreground (the CLI).
    """
    selected = normalize_phases(phases)
    with transaction.atomic():
        active = (
            SyncRun.objects.select_for_update()
            .filter(library=library, status__in=SyncRun.ACTIVE_STATUSES)
            .first()
        )
        if active is not None:
            if not force:
                raise SyncAlreadyRunning(active)
            SyncRun.objects.filter(pk=active.pk).update(
                status=Status.CANCELLED,
                finished_at=timezone.now(),
                error_message="Replaced by a forced sync.",
            )
        try:
            with transaction.atomic():
                run = SyncRun.objects.create(
                    library=library,
                    trigger=trigger,
                    phases=selected,
                    phase=selected[0],
                    force=force,
                )
        except IntegrityError:
            # Another request created a run between our check and our insert.
            raise SyncAlreadyRunning(
                SyncRun.objects.filter(library=library, status__in=SyncRun.ACTIVE_STATUSES).first()
            ) from None
        if enqueue:
            transaction.on_commit(partial(enqueue_run, run.pk))
    logger.info(
        "Requested sync run %s of library %s (%s, phases %s%s)",
        run.pk,
        library.pk,
        trigger,
        ",".join(selected),
        ", forced" if force else "",
    )
    return run


def retry_now(library: Library) -> SyncRun | None:
    """Resume the library's run parked by a rate limit at once instead of at its retry time
    (the manual retry); None when no run is parked. The task already scheduled for later then
    finds the run claimed or finished and skips it."""
    run = SyncRun.objects.filter(library=library, status=Status.RATE_LIMITED).first()
    if run is not None:
        transaction.on_commit(partial(enqueue_run, run.pk))
    return run


def enqueue_run(run_id: int, *, eta: datetime | None = None) -> None:
    """Send the task for a run; a lost message is recovered by the scheduler, so a broker
    outage here is logged rather than failing the request that created the run."""
    from libraries.tasks import sync_library  # the tasks module imports this one

    try:
        sync_library.apply_async((run_id,), eta=eta)
    except Exception:
        logger.warning(
            "Could not enqueue sync run %s; the scheduler will retry it", run_id, exc_info=True
        )


def claim_run(run_id: int, *, task_id: str = "") -> SyncRun | None:
    """Take a run for this worker, or None when it is gone, finished or someone else's.

    A queued or parked run may be claimed by anyone. A *running* run may be claimed only by a
    redelivery of the task that was running it (same Celery task id): with acks-late and
    reject-on-worker-lost, that redelivery is how a run continues after its worker process was
    killed. The claim stamps ``heartbeat_at``, which fences out any previous holder.
    """
    claimable = Q(status__in=[Status.QUEUED, Status.RATE_LIMITED])
    if task_id:
        claimable |= Q(status=Status.RUNNING, position__task=task_id)
    now = timezone.now()
    with transaction.atomic():
        run = (
            SyncRun.objects.select_for_update()
            .select_related("library__platform")
            .filter(claimable, pk=run_id)
            .first()
        )
        if run is None:
            return None
        run.status = Status.RUNNING
        run.position = {**(run.position or {}), "task": task_id}
        run.heartbeat_at = now
        run.started_at = run.started_at or now
        run.retry_at = None
        run.error_code = run.error_message = ""  # a resumed run starts with a clean slate
        run.attempts += 1
        run.save(
            update_fields=[
                "status",
                "position",
                "heartbeat_at",
                "started_at",
                "retry_at",
                "error_code",
                "error_message",
                "attempts",
            ]
        )
    return run


def task_time_slice() -> float:
    """How long one task may work on a run before handing over to a fresh task.

    A large library's metadata takes hours under the store's limit; one task must stay well
    inside Celery's time limit (and the broker's visibility timeout), and a single batch can
    wait several minutes for the rate limiter, hence half the soft limit.
    """
    limit = settings.CELERY_TASK_SOFT_TIME_LIMIT or settings.CELERY_TASK_TIME_LIMIT
    return max(30.0, limit / 2)


def perform_run(
    run_id: int,
    *,
    task_id: str = "",
    last_try: bool = True,
    time_slice: float | None = None,
    echo: Callable[[SyncProgressMessage], None] | None = None,
) -> SyncRun | None:
    """Claim the run and do it, reporting progress; None when there was nothing to do.

    ``last_try=False`` (a Celery attempt with retries left) turns transient failures into
    TransientSyncError after re-queueing the run; otherwise they fail the run.
    """
    run = claim_run(run_id, task_id=task_id)
    if run is None:
        logger.info("Sync run %s is gone, finished or running elsewhere; skipped", run_id)
        return None
    deadline = time.monotonic() + time_slice if time_slice else None
    with SyncProgress(run, echo=echo) as progress:
        run_sync(run.pk, progress, deadline=deadline, last_try=last_try)
    return progress.run


# --- the run ------------------------------------------------------------------------------------


@dataclass
class _Job:
    run: SyncRun
    library: Library
    client: PlatformClient
    progress: SyncProgress
    deadline: float | None

    @property
    def platform(self) -> Platform:
        return self.library.platform

    def check_deadline(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise _SliceExhausted

    def position(self, **values: Any) -> dict[str, Any]:
        """A new saved position, keeping the claim's task id."""
        return {"task": (self.run.position or {}).get("task", ""), **values}

    def resuming(self, phase: str) -> int | None:
        """The cursor to resume ``phase`` from, when this run was interrupted inside it."""
        if self.run.phase == phase and "after" in (self.run.position or {}):
            return int(self.run.position["after"])
        return None


def run_sync(
    run_id: int, progress: SyncProgress, *, deadline: float | None = None, last_try: bool = True
) -> None:
    """Do (or resume) the claimed run held by ``progress``, then record how it ended."""
    run = progress.run
    if run.pk != run_id:
        raise ValueError(f"progress tracks run {run.pk}, not {run_id}")
    library = run.library
    try:
        with platform_client_for(library) as client:
            job = _Job(run, library, client, progress, deadline)
            for phase in _remaining_phases(run):
                _PHASES[phase](job)
        with transaction.atomic():
            progress.finish(Status.SUCCEEDED, phase=Phase.DONE, position={})
            Library.objects.filter(pk=library.pk).update(last_synced_at=run.finished_at)
        logger.info("Sync run %s of library %s succeeded", run.pk, library.pk)
    except RunLost:
        logger.info("Sync run %s was cancelled or taken over; this worker stopped", run.pk)
    except (_SliceExhausted, SoftTimeLimitExceeded):
        # Not a failure: the next slice continues from the saved position in a fresh task.
        _end(progress, Status.QUEUED, on_commit=partial(enqueue_run, run.pk))
    except RateLimited as exc:
        logger.info("Sync run %s parked until %s: %s", run.pk, exc.retry_at, exc.message)
        _end(
            progress,
            Status.RATE_LIMITED,
            retry_at=exc.retry_at,
            error_code="rate_limited",
            error_message=exc.message,
            on_commit=partial(enqueue_run, run.pk, eta=exc.retry_at),
        )
    except PlatformError as exc:
        if exc.permanent:
            logger.warning("Sync run %s failed: %s", run.pk, exc.message)
            _end(progress, Status.FAILED, error_code=_error_code(exc), error_message=exc.message)
        else:
            _transient(progress, exc, exc.message, last_try, getattr(exc, "retry_at", None))
    except (OperationalError, InterfaceError) as exc:
        _transient(progress, exc, "The database was unavailable during the sync.", last_try, None)
    except LibraryError as exc:
        _end(progress, Status.FAILED, error_code="unsupported_platform", error_message=exc.message)
    except Exception:
        logger.exception("Sync run %s failed unexpectedly", run.pk)
        _end(
            progress,
            Status.FAILED,
            error_code="internal_error",
            error_message="An unexpected error stopped the sync; the server log has the details.",
        )


def _transient(
    progress: SyncProgress,
    exc: Exception,
    message: str,
    last_try: bool,
    retry_at: datetime | None,
) -> None:
    run = progress.run
    if last_try:
        logger.warning("Sync run %s failed after its last attempt: %s", run.pk, message)
        _end(progress, Status.FAILED, error_code="unavailable", error_message=message)
        return
    logger.info("Sync run %s will be retried: %s", run.pk, message)
    _end(
        progress, Status.QUEUED, retry_at=retry_at, error_code="unavailable", error_message=message
    )
    raise TransientSyncError(message) from exc


def _end(
    progress: SyncProgress,
    status: str,
    *,
    on_commit: Callable[[], None] | None = None,
    **changes: Any,
) -> None:
    try:
        with transaction.atomic():
            progress.finish(status, **changes)
            if on_commit is not None:
                transaction.on_commit(on_commit)
    except RunLost:
        logger.info(
            "Sync run %s changed hands before it could be marked %s", progress.run.pk, status
        )


def _error_code(exc: PlatformError) -> str:
    for kind, code in (
        (InvalidCredentials, "invalid_credentials"),
        (PrivateProfile, "private_profile"),
        (UnknownUser, "unknown_user"),
        (MalformedResponse, "malformed_response"),
        (InvalidIdentifier, "invalid_identifier"),
    ):
        if isinstance(exc, kind):
            return code
    return "platform_error"


def _remaining_phases(run: SyncRun) -> list[str]:
    phases = [phase for phase in ALL_PHASES if phase in (run.phases or ALL_PHASES)]
    if run.phase in phases:
        return phases[phases.index(run.phase) :]
    return phases


def _is_item_error(exc: PlatformError) -> bool:
    """A failure of one game's lookup that should not stop the whole run."""
    return exc.permanent and not isinstance(exc, InvalidCredentials | PrivateProfile | UnknownUser)


# --- phase 1: the owned list --------------------------------------------------------------------


@dataclass
class OwnedCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0


def _phase_owned(job: _Job) -> None:
    job.progress.start_phase(Phase.OWNED, total=0, position=job.position())
    owned = job.client.get_owned_games(job.library.user_identifier)
    with transaction.atomic():
        counts = import_owned_games(job.library, owned)
        seen = counts.added + counts.updated + counts.unchanged
        job.progress.checkpoint(
            done=seen,
            total=seen,
            games_added=counts.added,
            games_updated=counts.updated,
            games_unchanged=counts.unchanged,
            games_removed=counts.removed,
        )
    if counts.added:
        refresh_search_index()


class _ReleaseRow(NamedTuple):
    release_id: int
    game_id: int
    icon_url: str
    has_stats: bool


_ENTRY_UPDATE_FIELDS = [
    "playtime_minutes",
    "playtime_2weeks_minutes",
    "last_played_at",
    "removed_at",
    "updated_at",
]


def import_owned_games(library: Library, owned: Iterable[OwnedGame]) -> OwnedCounts:
    """Make ``library``'s entries match the platform's owned list, in one transaction.

    Everything is compared in Python first, so an unchanged library costs one read and no
    writes. Rows that change go out as bulk upserts (never per-row saves, never bulk_update,
    whose CASE statements grow super-linearly); rows that are new go through the engine's bulk
    insert path (libraries.services.bulk). Safe to repeat: a second pass finds nothing to do.
    """
    platform = library.platform
    now = timezone.now()
    today = timezone.localdate(now)
    incoming = {game.external_id: game for game in owned}  # also drops duplicate ids
    counts = OwnedCounts()
    changed: list[LibraryGame] = []
    release_updates: list[Release] = []
    played: set[int] = set()  # release ids whose total playtime moved: they get a snapshot

    with transaction.atomic():
        current = {
            row[2]: row
            for row in LibraryGame.objects.filter(library=library).values_list(
                "id",
                "release_id",
                "release__external_id",
                "release__game_id",
                "release__icon_url",
                "release__has_stats",
                "playtime_minutes",
                "playtime_2weeks_minutes",
                "last_played_at",
                "removed_at",
            )
        }
        newcomers: list[OwnedGame] = []
        for external_id, game in incoming.items():
            row = current.get(external_id)
            if row is None:
                newcomers.append(game)
                continue
            _, release_id, _, game_id, icon_url, has_stats, playtime, two_weeks, last, gone = row
            icon = _url(game.icon_url)
            release_changed = icon_url != icon or has_stats != game.has_stats
            playtime_changed = playtime != _minutes(game.playtime_minutes)
            entry_changed = (
                playtime_changed
                or two_weeks != _optional_minutes(game.playtime_2weeks_minutes)
                or last != game.last_played
                or gone is not None  # it came back
            )
            if release_changed:
                release_updates.append(
                    _release(platform, external_id, game_id, icon, game.has_stats)
                )
            if entry_changed:
                changed.append(_entry(library, release_id, game, now))
                if playtime_changed:
                    played.add(release_id)
            if release_changed or entry_changed:
                counts.updated += 1
            else:
                counts.unchanged += 1

        if newcomers:
            known = _releases_for(platform, newcomers)
            for game in newcomers:
                release = known[game.external_id]
                icon = _url(game.icon_url)
                if (release.icon_url, release.has_stats) != (icon, game.has_stats):
                    release_updates.append(
                        _release(platform, game.external_id, release.game_id, icon, game.has_stats)
                    )
            _insert_entries(library, [(known[g.external_id].release_id, g) for g in newcomers], now)
            counts.added = len(newcomers)

        if release_updates:
            Release.objects.bulk_create(
                release_updates,
                update_conflicts=True,
                unique_fields=["platform", "external_id"],
                update_fields=["icon_url", "has_stats"],
                batch_size=BULK_BATCH_SIZE,
            )
        if changed:
            # update_conflicts also makes the database return each row's id.
            LibraryGame.objects.bulk_create(
                changed,
                update_conflicts=True,
                unique_fields=["library", "release"],
                update_fields=_ENTRY_UPDATE_FIELDS,
                batch_size=BULK_BATCH_SIZE,
            )
            # One snapshot per entry and day: a second sync on the same day corrects it.
            PlaytimeSnapshot.objects.bulk_create(
                [
                    PlaytimeSnapshot(
                        entry_id=entry.pk, taken_on=today, playtime_minutes=entry.playtime_minutes
                    )
                    for entry in changed
                    if entry.release_id in played
                ],
                update_conflicts=True,
                unique_fields=["entry", "taken_on"],
                update_fields=["playtime_minutes"],
                batch_size=BULK_BATCH_SIZE,
            )
        left = [row[0] for key, row in current.items() if key not in incoming and row[9] is None]
        for chunk in _chunks(left):
            LibraryGame.objects.filter(pk__in=chunk).update(removed_at=now, updated_at=now)
        counts.removed = len(left)
    return counts


def _insert_entries(
    library: Library, newcomers: Sequence[tuple[int, OwnedGame]], now: datetime
) -> None:
    """Entries (and their first playtime snapshot) for releases new to this library.

    Nothing else writes entries of a library while its run holds the one active slot, so these
    rows cannot exist yet and take the bulk insert path.
    """
    ids = bulk.reserve_ids(LibraryGame, len(newcomers))
    bulk.insert_rows(
        LibraryGame,
        ["id", "release_id", "playtime_minutes", "playtime_2weeks_minutes", "last_played_at"],
        (
            (
                entry_id,
                release_id,
                _minutes(game.playtime_minutes),
                _optional_minutes(game.playtime_2weeks_minutes),
                game.last_played,
            )
            for entry_id, (release_id, game) in zip(ids, newcomers, strict=True)
        ),
        shared={"library_id": library.pk, "added_at": now, "updated_at": now},
    )
    bulk.insert_rows(
        PlaytimeSnapshot,
        ["entry_id", "playtime_minutes"],
        (
            (entry_id, _minutes(game.playtime_minutes))
            for entry_id, (_, game) in zip(ids, newcomers, strict=True)
        ),
        shared={"taken_on": timezone.localdate(now)},
    )


def _entry(library: Library, release_id: int, game: OwnedGame, now: datetime) -> LibraryGame:
    return LibraryGame(
        library=library,
        release_id=release_id,
        playtime_minutes=_minutes(game.playtime_minutes),
        playtime_2weeks_minutes=_optional_minutes(game.playtime_2weeks_minutes),
        last_played_at=game.last_played,
        removed_at=None,
        added_at=now,
        updated_at=now,
    )


def _release(
    platform: Platform, external_id: str, game_id: int, icon_url: str, has_stats: bool
) -> Release:
    # Only icon_url/has_stats are updated on conflict; the other values satisfy NOT NULL.
    return Release(
        platform=platform,
        external_id=external_id,
        game_id=game_id,
        icon_url=icon_url,
        has_stats=has_stats,
    )


def _releases_for(platform: Platform, games: Sequence[OwnedGame]) -> dict[str, _ReleaseRow]:
    known = _existing_releases(platform, [game.external_id for game in games])
    missing = [game for game in games if game.external_id not in known]
    if missing:
        known.update(
            _create_releases(
                platform,
                [
                    _NewRelease(g.external_id, g.name, _url(g.icon_url), g.has_stats)
                    for g in missing
                ],
            )
        )
    return known


def _existing_releases(platform: Platform, external_ids: Sequence[str]) -> dict[str, _ReleaseRow]:
    wanted = set(external_ids)
    releases = Release.objects.filter(platform=platform)
    # Thousands of ids (a first import) cost more to send as IN lists than reading the
    # platform's releases once; a handful (a usual re-sync) is a short indexed lookup.
    queries = (
        [releases.filter(external_id__in=chunk) for chunk in _chunks(list(wanted))]
        if len(wanted) <= IN_CHUNK
        else [releases]
    )
    found: dict[str, _ReleaseRow] = {}
    for query in queries:
        for release_id, external_id, game_id, icon_url, has_stats in query.values_list(
            "id", "external_id", "game_id", "icon_url", "has_stats"
        ):
            if external_id in wanted:
                found[external_id] = _ReleaseRow(release_id, game_id, icon_url, has_stats)
    return found


class _NewRelease(NamedTuple):
    external_id: str
    title: str
    icon_url: str = ""
    has_stats: bool = False


def _create_releases(platform: Platform, specs: Sequence[_NewRelease]) -> dict[str, _ReleaseRow]:
    """Create a Game and its Release for each spec whose release does not exist yet."""
    # Two libraries importing the same new app at once would each create it, and the second
    # insert would fail; locking the platform row serialises creators on PostgreSQL (SQLite's
    # IMMEDIATE transactions already do). Then look again: the other one may have made them.
    list(Platform.objects.select_for_update().filter(pk=platform.pk).values_list("pk"))
    found = _existing_releases(platform, [spec.external_id for spec in specs])
    todo = [spec for spec in specs if spec.external_id not in found]
    if not todo:
        return found
    now = timezone.now()
    game_ids = bulk.reserve_ids(Game, len(todo))
    titles = [
        spec.title.strip()[:300] or f"{platform.name} app {spec.external_id}" for spec in todo
    ]
    bulk.insert_rows(
        Game,
        ["id", "title", "normalized_title", "sort_title"],
        (
            (game_id, title, normalize_title(title)[:300], sort_title(title))
            for game_id, title in zip(game_ids, titles, strict=True)
        ),
        shared={"created_at": now, "updated_at": now},
    )
    release_ids = bulk.reserve_ids(Release, len(todo))
    bulk.insert_rows(
        Release,
        ["id", "external_id", "game_id", "icon_url", "has_stats"],
        (
            (release_id, spec.external_id, game_id, spec.icon_url, spec.has_stats)
            for release_id, game_id, spec in zip(release_ids, game_ids, todo, strict=True)
        ),
        shared={"platform_id": platform.pk, "created_at": now},
    )
    for release_id, game_id, spec in zip(release_ids, game_ids, todo, strict=True):
        found[spec.external_id] = _ReleaseRow(release_id, game_id, spec.icon_url, spec.has_stats)
    return found


# --- phase 2: store metadata --------------------------------------------------------------------

_GAME_METADATA_FIELDS = [
    "game_type",
    "parent",
    "description",
    "developers",
    "publishers",
    "release_date",
    "release_date_text",
    "esrb_rating",
    "esrb_descriptors",
    "pegi_rating",
    "required_age",
    "content_descriptor_ids",
    "content_descriptor_notes",
    "metacritic_score",
    "metacritic_url",
    "cover_url",
    "header_url",
    "capsule_url",
    "background_url",
    "screenshots",
    "os_platforms",
    "is_free",
    "website",
    "metadata_status",
    "metadata_updated_at",
    "updated_at",
]


class _Skipped(enum.Enum):
    FAILED = "failed"  # this game's lookup failed; it stays pending for the next sync


_Lookup = GameDetails | _Skipped | None  # None: the store no longer lists the app


def _details_queryset(job: _Job) -> QuerySet[Release]:
    releases = Release.objects.filter(
        ownerships__library=job.library, ownerships__removed_at__isnull=True
    )
    if not job.run.force:
        stale_before = timezone.now() - timedelta(days=settings.METADATA_STALE_DAYS)
        releases = releases.filter(
            Q(game__metadata_status=Game.MetadataStatus.PENDING)
            | Q(game__metadata_updated_at__isnull=True)
            | Q(game__metadata_updated_at__lt=stale_before)
        )
    return releases.order_by("id")


def _start_resumable_phase(job: _Job, phase: str, rows, cursor_field: str) -> tuple[int, int]:
    """Start PHASE over ROWS, walked in CURSOR_FIELD order; on a resumed run, continue after the
    saved position with the count done so far. Returns (cursor to continue from, done so far)."""
    cursor = job.resuming(phase)
    done = job.run.done if cursor is not None else 0
    cursor = cursor or 0
    job.progress.start_phase(
        phase,
        done=done,
        total=done + rows.filter(**{f"{cursor_field}__gt": cursor}).count(),
        position=job.position(after=cursor),
    )
    return cursor, done


def _phase_details(job: _Job) -> None:
    pending = _details_queryset(job)
    cursor, done = _start_resumable_phase(job, Phase.DETAILS, pending, "id")
    while batch := list(
        pending.filter(id__gt=cursor).values_list("id", "external_id")[:DETAILS_BATCH_SIZE]
    ):
        job.check_deadline()
        fetched: list[tuple[int, _Lookup]] = []
        try:
            for release_id, external_id in batch:
                fetched.append((release_id, _fetch_details(job, external_id)))
                job.progress.tick(done + len(fetched))
        finally:
            # Keep what a rate limit or outage interrupted: store lookups are the scarce budget.
            if fetched:
                with transaction.atomic():
                    _store_details(job, fetched)
                    cursor, done = fetched[-1][0], done + len(fetched)
                    job.progress.checkpoint(done=done, position=job.position(after=cursor))


def _fetch_details(job: _Job, external_id: str) -> _Lookup:
    try:
        return job.client.get_app_details(external_id)
    except PlatformError as exc:
        if not _is_item_error(exc):
            raise
        logger.warning("Store metadata for app %s skipped: %s", external_id, exc.message)
        job.run.errors += 1
        return _Skipped.FAILED


def _store_details(job: _Job, fetched: Sequence[tuple[int, _Lookup]]) -> None:
    now = timezone.now()
    releases = {
        release.pk: release
        for release in Release.objects.select_related("game").filter(
            pk__in=[release_id for release_id, _ in fetched]
        )
    }
    found = [
        (releases[release_id], details)
        for release_id, details in fetched
        if release_id in releases and isinstance(details, GameDetails)
    ]
    parents = _parent_games(job.platform, [details for _, details in found])
    # Keyed by id: two releases of one game in a batch must not upsert the same row twice.
    games: dict[int, Game] = {}
    for release_id, details in fetched:
        release = releases.get(release_id)
        if release is None or details is not None:
            continue
        # The store no longer lists it: say so, and keep the game in the library.
        release.game.metadata_status = Game.MetadataStatus.UNAVAILABLE
        release.game.metadata_updated_at = now
        games[release.game_id] = release.game
    for release, details in found:
        parent_id = parents.get(details.parent_external_id or "")
        _apply_details(
            release.game, details, None if parent_id == release.game_id else parent_id, now
        )
        release.store_name = details.store_name.strip()[:300]
        release.raw = details.raw
        games[release.game_id] = release.game
    # Upserts on the primary key: one statement per batch instead of a save() per game.
    Game.objects.bulk_create(
        list(games.values()),
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=_GAME_METADATA_FIELDS,
    )
    Release.objects.bulk_create(
        [release for release, _ in found],
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=["store_name", "raw"],
    )
    _replace_tags(Game.genres.through, "genre", Genre, {r.game_id: d.genres for r, d in found})
    _replace_tags(
        Game.categories.through, "category", Category, {r.game_id: d.categories for r, d in found}
    )
    job.run.details_fetched += len(games)


def _apply_details(game: Game, details: GameDetails, parent_id: int | None, now: datetime) -> None:
    """Copy store metadata onto the game. The title stays the owned list's name (the store's
    name is kept on the release), and ratings come only from the store's rating boards."""
    game.game_type = (
        details.type
        if details.type in Game.Type.values
        else (Game.Type.GAME if not details.type else Game.Type.OTHER)
    )
    game.parent_id = parent_id
    game.description = details.description
    game.developers = details.developers[:20]
    game.publishers = details.publishers[:20]
    game.release_date = details.release_date
    game.release_date_text = details.release_date_text[:64]
    game.esrb_rating = details.esrb_rating if details.esrb_rating in _ESRB_VALUES else ""
    game.esrb_descriptors = details.esrb_descriptors
    game.pegi_rating = details.pegi_rating if details.pegi_rating in _PEGI_VALUES else ""
    game.required_age = min(max(details.required_age, 0), 99)
    game.content_descriptor_ids = details.content_descriptor_ids
    game.content_descriptor_notes = details.content_descriptor_notes
    score = details.metacritic_score
    game.metacritic_score = score if score is not None and 0 <= score <= 100 else None
    game.metacritic_url = _url(details.metacritic_url)
    game.cover_url = _url(details.library_image)
    game.header_url = _url(details.header_image)
    game.capsule_url = _url(details.capsule_image)
    game.background_url = _url(details.background_image)
    game.screenshots = [url for url in details.screenshots if _url(url)]
    game.os_platforms = details.platforms
    game.is_free = details.is_free
    game.website = _url(details.website)
    game.metadata_status = Game.MetadataStatus.FETCHED
    game.metadata_updated_at = now


def _parent_games(platform: Platform, found: Sequence[GameDetails]) -> dict[str, int]:
    """Game ids of the base games these DLC/demos point at, creating the ones not yet known."""
    titles: dict[str, str] = {}
    for details in found:
        parent = details.parent_external_id
        if parent and parent != details.external_id:
            fullgame = details.raw.get("fullgame") if isinstance(details.raw, dict) else None
            name = fullgame.get("name") if isinstance(fullgame, dict) else None
            titles[parent] = name if isinstance(name, str) else ""
    if not titles:
        return {}
    known = _existing_releases(platform, list(titles))
    missing = [
        _NewRelease(external_id, title)
        for external_id, title in titles.items()
        if external_id not in known
    ]
    if missing:
        known.update(_create_releases(platform, missing))
    return {external_id: row.game_id for external_id, row in known.items()}


Tag = TypeVar("Tag", Genre, Category)


def _replace_tags(through: Any, target: str, model: type[Tag], tags: dict[int, list[str]]) -> None:
    """Set each game's genres (or categories) to exactly the given names."""
    if not tags:
        return
    names = {name.strip()[:64] for values in tags.values() for name in values if name.strip()}
    if names:
        model.objects.bulk_create([model(name=name) for name in names], ignore_conflicts=True)
    ids = dict(model.objects.filter(name__in=names).values_list("name", "id")) if names else {}
    through.objects.filter(game_id__in=list(tags)).delete()
    through.objects.bulk_create(
        [
            through(game_id=game_id, **{f"{target}_id": ids[name]})
            for game_id, values in tags.items()
            for name in {value.strip()[:64] for value in values}
            if name in ids
        ],
        ignore_conflicts=True,
    )


# --- phase 3: achievements ----------------------------------------------------------------------


def _achievements_queryset(job: _Job) -> QuerySet[LibraryGame]:
    entries = LibraryGame.objects.filter(
        library=job.library, removed_at__isnull=True, release__has_stats=True
    )
    previous = None if job.run.force else _last_achievements_pass(job)
    if previous is not None:
        # Unlocks only change when a game is played, so a game is read again only if it was
        # played after the last pass began; entries that pass did not see are read too.
        started, finished = previous
        entries = entries.filter(Q(last_played_at__gte=started) | Q(added_at__gt=finished))
    return entries.order_by("release_id")


def _last_achievements_pass(job: _Job) -> tuple[datetime, datetime] | None:
    """Start and end of the last successful run that read achievements, if any."""
    previous = (
        SyncRun.objects.filter(library=job.library, status=Status.SUCCEEDED)
        .exclude(pk=job.run.pk)
        .values_list("started_at", "finished_at", "phases")[:20]
    )
    for started_at, finished_at, phases in previous:
        if Phase.ACHIEVEMENTS in (phases or ()) and started_at and finished_at:
            return started_at, finished_at
    return None


@dataclass
class _AchievementResult:
    release_id: int
    definitions: list[AchievementDefinition] | None  # None: the stored schema is still good
    player: PlayerAchievements


def _phase_achievements(job: _Job) -> None:
    entries = _achievements_queryset(job)
    cursor, done = _start_resumable_phase(job, Phase.ACHIEVEMENTS, entries, "release_id")
    has_schema = Exists(Achievement.objects.filter(release_id=OuterRef("release_id")))
    while batch := list(
        entries.filter(release_id__gt=cursor)
        .annotate(has_schema=has_schema)
        .values_list("release_id", "release__external_id", "has_schema")[:ACHIEVEMENTS_BATCH_SIZE]
    ):
        job.check_deadline()
        results: list[_AchievementResult] = []
        hidden = False
        try:
            for release_id, external_id, stored in batch:
                result = _fetch_achievements(job, release_id, external_id, stored)
                if result is not None and result.player.status == "private":
                    hidden = True
                    break
                results.append(
                    result
                    or _AchievementResult(release_id, None, PlayerAchievements("no_stats", []))
                )
                job.progress.tick(done + len(results))
        finally:
            if results:
                with transaction.atomic():
                    _store_achievements(job, results)
                    cursor, done = results[-1].release_id, done + len(results)
                    job.progress.checkpoint(done=done, position=job.position(after=cursor))
        if hidden:
            # A profile-wide setting: every further request would say the same. A state to
            # show on a successful run, not an error.
            job.progress.checkpoint(
                done=job.run.total,
                error_code="achievements_private",
                error_message="Steam keeps this profile's achievements private, so they were "
                "not read. Make 'Game details' public in Steam's privacy settings to see them.",
            )
            return


def _fetch_achievements(
    job: _Job, release_id: int, external_id: str, has_schema: bool
) -> _AchievementResult | None:
    try:
        definitions = None
        if job.run.force or not has_schema:
            definitions = job.client.get_achievement_schema(external_id)
        player = job.client.get_player_achievements(job.library.user_identifier, external_id)
        if definitions is None and player.status == "ok":
            known = set(
                Achievement.objects.filter(release_id=release_id).values_list("api_name", flat=True)
            )
            if any(a.api_name not in known for a in player.achievements):
                definitions = job.client.get_achievement_schema(external_id)  # the game grew
        return _AchievementResult(release_id, definitions, player)
    except PlatformError as exc:
        if not _is_item_error(exc):
            raise
        logger.warning("Achievements of app %s skipped: %s", external_id, exc.message)
        job.run.errors += 1
        return None


def _store_achievements(job: _Job, results: Sequence[_AchievementResult]) -> None:
    definitions = [
        Achievement(
            release_id=result.release_id,
            api_name=definition.api_name[:200],
            display_name=definition.display_name.strip()[:300] or definition.api_name[:300],
            description=definition.description,
            hidden=definition.hidden,
            icon_url=_url(definition.icon_url),
            icon_gray_url=_url(definition.icon_gray_url),
            global_percent=definition.global_percent,
        )
        for result in results
        if result.definitions
        for definition in result.definitions
    ]
    if definitions:
        Achievement.objects.bulk_create(
            definitions,
            update_conflicts=True,
            unique_fields=["release", "api_name"],
            update_fields=[
                "display_name",
                "description",
                "hidden",
                "icon_url",
                "icon_gray_url",
                "global_percent",
            ],
            batch_size=BULK_BATCH_SIZE,
        )
    readable = [result for result in results if result.player.status == "ok"]
    release_ids = [result.release_id for result in readable]
    ids = {
        (release_id, api_name): achievement_id
        for achievement_id, release_id, api_name in Achievement.objects.filter(
            release_id__in=release_ids
        ).values_list("id", "release_id", "api_name")
    }
    wanted = {
        ids[key]: unlock.unlocked_at
        for result in readable
        for unlock in result.player.achievements
        if unlock.unlocked and (key := (result.release_id, unlock.api_name[:200])) in ids
    }
    existing = dict(
        UnlockedAchievement.objects.filter(
            library=job.library, achievement__release_id__in=release_ids
        ).values_list("achievement_id", "unlocked_at")
    )
    changed = [
        UnlockedAchievement(library=job.library, achievement_id=achievement_id, unlocked_at=when)
        for achievement_id, when in wanted.items()
        if achievement_id not in existing or existing[achievement_id] != when
    ]
    if changed:
        UnlockedAchievement.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["library", "achievement"],
            update_fields=["unlocked_at"],
            batch_size=BULK_BATCH_SIZE,
        )
    relocked = [achievement_id for achievement_id in existing if achievement_id not in wanted]
    if relocked:
        UnlockedAchievement.objects.filter(
            library=job.library, achievement_id__in=relocked
        ).delete()
    job.run.achievements_synced += len(readable)


_PHASES: dict[str, Callable[[_Job], None]] = {
    Phase.OWNED: _phase_owned,
    Phase.DETAILS: _phase_details,
    Phase.ACHIEVEMENTS: _phase_achievements,
}


# --- the schedule -------------------------------------------------------------------------------


def start_scheduled_syncs() -> list[SyncRun]:
    """Request a run for every enabled library whose interval has passed since its last sync
    (or last attempt, so a library that keeps failing is not retried every few minutes)."""
    now = timezone.now()
    candidates = (
        Library.objects.filter(sync_enabled=True, platform__code__in=list(PLATFORM_CLIENTS))
        .exclude(
            Exists(
                SyncRun.objects.filter(library=OuterRef("pk"), status__in=SyncRun.ACTIVE_STATUSES)
            )
        )
        .annotate(last_run_at=Max("sync_runs__created_at"))
        .select_related("platform")
    )
    started = []
    for library in candidates:
        moments = [m for m in (library.last_synced_at, library.last_run_at) if m is not None]
        if moments and max(moments) + timedelta(hours=library.sync_interval_hours) > now:
            continue
        try:
            started.append(request_sync(library, trigger=SyncRun.Trigger.SCHEDULE))
        except SyncAlreadyRunning:
            continue
    return started


# --- helpers ------------------------------------------------------------------------------------

T = TypeVar("T")


def _chunks(items: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _url(value: str | None) -> str:
    """A URL worth storing: http(s) and within the column's 500 characters, else ''."""
    if not value or len(value) > 500 or not value.startswith(("https://", "http://")):
        return ""
    return value


def _minutes(value: int) -> int:
    return max(0, value)


def _optional_minutes(value: int | None) -> int | None:
    return None if value is None else max(0, value)
