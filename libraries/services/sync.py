"""Sync runs: requesting, claiming, doing and ending them, and the schedule. Tasks, commands,
endpoints and MCP tools call in; the phases themselves live in libraries.services.phases.

A run does the phases its store's capabilities allow, in order, each resumable from the position
saved after every batch: ``owned`` (every source), ``details`` (stores with metadata) and
``achievements`` (stores with achievements). When the store's client draws metadata and
achievements from different request budgets (Steam: the store's per-IP limit and the Web API
key's quota), those two phases run side by side in the one task: before each request the phase
whose budget admits it sooner goes, so neither budget idles while the other is waited for, and
the run takes about as long as the longer phase instead of both together. The run shows the
metadata phase meanwhile; the achievements phase keeps its own cursor in the position and, if
it is not done when the metadata is, carries on as the run's phase from there.

Failure policy: a rate limit parks the run as ``rate_limited`` with ``retry_at`` and re-enqueues
it for then; credentials the store no longer accepts park the *library* as needing to be
reconnected (never retried); another permanent error (private profile, unreadable answer) fails
it with an ``error_code`` and a message for the user; other transient errors put it back in the queue and
let Celery's declared retries take it. Whatever the outcome, rows already written stay, and
re-running any batch writes the same rows again (upserts on natural keys), never duplicates.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from games.services.enrichment import enqueue_enrichment
from libraries.models import Library, SyncRun
from libraries.progress import RunLost, SyncProgress
from libraries.services.imports import client_for_run
from libraries.services.libraries import LibraryError, mark_needs_reconnect
from libraries.services.phases import (
    PHASE_CAPABILITY,
    Job,
    PhaseSteps,
    SliceExhausted,
    Track,
)
from libraries.services.phases.achievements import achievements_steps, phase_achievements
from libraries.services.phases.details import details_steps, phase_details
from libraries.services.phases.owned import phase_owned
from platforms import registry
from platforms.contract import BudgetedClient, IntegrationSpec
from platforms.errors import (
    InvalidCredentials,
    InvalidIdentifier,
    MalformedResponse,
    PlatformError,
    PrivateProfile,
    RateLimited,
    UnknownUser,
    UnreadableFile,
)

logger = logging.getLogger(__name__)

Status = SyncRun.Status
Phase = SyncRun.Phase
ALL_PHASES: tuple[str, ...] = (Phase.OWNED, Phase.DETAILS, Phase.ACHIEVEMENTS)

# Redis (the shared rate-limit log, cache and broker in production) going away is an outage to
# wait out, not a fault of the run: such runs are parked with this code and re-sent by beat's
# resend_unsent_runs as soon as a message can get through again.
CACHE_UNAVAILABLE = "cache_unavailable"
CACHE_UNAVAILABLE_MESSAGE = (
    "The cache/broker (Redis) was unreachable; the sync resumes when it is back."
)
CACHE_ERRORS: tuple[type[Exception], ...] = (
    RedisConnectionError,
    RedisTimeoutError,
    BrokerUnavailable,
)


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
    spec = registry.integration(library.platform.code)
    if spec is not None:
        allowed = phases_for(spec)
        if phases is None or phases == "all":
            selected = allowed
        elif not set(selected) <= set(allowed):
            raise ValueError(
                f"{spec.name} libraries have no {', '.join(p for p in selected if p not in allowed)}"
                f" phase; they have {', '.join(allowed)}."
            )
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


def enqueue_run(run_id: int, *, eta: datetime | None = None) -> bool:
    """Send the task for a run; False when the broker could not take it.

    A broker outage here must not fail the request that created the run: the run is marked
    ``cache_unavailable`` (a state its page shows) and beat's ``resend_unsent_runs``, which runs
    every few seconds, sends it again once the broker is back, well before the stale sweep.
    """
    from libraries.tasks import sync_library  # the tasks module imports this one

    try:
        sync_library.apply_async((run_id,), eta=eta)
    except Exception:
        logger.warning(
            "Could not enqueue sync run %s; it is re-sent when the broker is back",
            run_id,
            exc_info=True,
        )
        SyncRun.objects.filter(pk=run_id, status__in=[Status.QUEUED, Status.RATE_LIMITED]).update(
            error_code=CACHE_UNAVAILABLE, error_message=CACHE_UNAVAILABLE_MESSAGE
        )
        return False
    return True


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
    echo: Callable[[dict[str, Any]], None] | None = None,
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


def run_sync(
    run_id: int, progress: SyncProgress, *, deadline: float | None = None, last_try: bool = True
) -> None:
    """Do (or resume) the claimed run held by ``progress``, then record how it ended."""
    run = progress.run
    if run.pk != run_id:
        raise ValueError(f"progress tracks run {run.pk}, not {run_id}")
    library = run.library
    try:
        spec = _spec(library)
        with client_for_run(library, spec) as client:
            job = Job(run, library, spec, client, progress, deadline)
            phases = remaining_phases(run, spec)
            if run.phase == Phase.DETAILS and Phase.DETAILS in phases:
                # Interrupted while the achievements phase ran alongside: it resumes too.
                job.alongside = dict((run.position or {}).get("alongside") or {})
            while phases:
                phase = phases.pop(0)
                partner = _alongside_partner(job, phase, phases)
                if partner is None:
                    _PHASES[phase](job)
                    continue
                _side_by_side(job, phase, partner)
                if job.alongside.get(partner, {}).get("finished"):
                    phases.remove(partner)
                    job.alongside.pop(partner)
        with transaction.atomic():
            progress.finish(Status.SUCCEEDED, phase=Phase.DONE, position={})
            Library.objects.filter(pk=library.pk).update(last_synced_at=run.finished_at)
            # IGDB and HowLongToBeat come after, as their own task: never part of the run.
            transaction.on_commit(partial(enqueue_enrichment, library.pk))
        logger.info("Sync run %s of library %s succeeded", run.pk, library.pk)
    except RunLost:
        logger.info("Sync run %s was cancelled or taken over; this worker stopped", run.pk)
    except (SliceExhausted, SoftTimeLimitExceeded):
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
    except InvalidCredentials as exc:
        # Only the owner can fix this: park the library instead of retrying a dead credential.
        with transaction.atomic():
            mark_needs_reconnect(library, exc.message)
            _end(
                progress,
                Status.FAILED,
                error_code="invalid_credentials",
                error_message=exc.message,
            )
    except PlatformError as exc:
        if exc.permanent:
            logger.warning("Sync run %s failed: %s", run.pk, exc.message)
            _end(progress, Status.FAILED, error_code=_error_code(exc), error_message=exc.message)
        else:
            _transient(progress, exc, exc.message, last_try, getattr(exc, "retry_at", None))
    except (OperationalError, InterfaceError) as exc:
        _transient(progress, exc, "The database was unavailable during the sync.", last_try, None)
    except CACHE_ERRORS:
        # Not a Celery retry: retrying needs the broker that may be what went away, and the
        # task must return normally so the worker keeps running. Beat re-sends the run.
        logger.warning("Sync run %s parked: Redis was unreachable", run.pk, exc_info=True)
        _end(
            progress,
            Status.QUEUED,
            error_code=CACHE_UNAVAILABLE,
            error_message=CACHE_UNAVAILABLE_MESSAGE,
        )
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
    on_commit: Callable[[], object] | None = None,
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
        (PrivateProfile, "private_profile"),
        (UnknownUser, "unknown_user"),
        (MalformedResponse, "malformed_response"),
        (InvalidIdentifier, "invalid_identifier"),
        (UnreadableFile, "unreadable_file"),
    ):
        if isinstance(exc, kind):
            return code
    return "platform_error"


def _spec(library: Library) -> IntegrationSpec:
    spec = registry.integration(library.platform.code)
    if spec is None:
        raise LibraryError(f"Game Djinn cannot sync {library.platform.name} libraries.")
    return spec


def phases_for(spec: IntegrationSpec) -> list[str]:
    """The phases a store's capabilities allow, in their natural order."""
    return [phase for phase in ALL_PHASES if spec.can(PHASE_CAPABILITY[phase])]


def remaining_phases(run: SyncRun, spec: IntegrationSpec) -> list[str]:
    allowed = phases_for(spec)
    phases = [phase for phase in allowed if phase in (run.phases or ALL_PHASES)]
    if run.phase in phases:
        return phases[phases.index(run.phase) :]
    return phases


_PHASES: dict[str, Callable[[Job], None]] = {
    Phase.OWNED: phase_owned,
    Phase.DETAILS: phase_details,
    Phase.ACHIEVEMENTS: phase_achievements,
}

_STEPS: dict[str, Callable[[Job, Track], PhaseSteps]] = {
    Phase.DETAILS: details_steps,
    Phase.ACHIEVEMENTS: achievements_steps,
}

# A lead phase → the phase that may run alongside it.
_PARTNERS: dict[str, str] = {Phase.DETAILS: Phase.ACHIEVEMENTS}


def _budgets(job: Job, *phases: str) -> list[Any]:
    client = job.client
    if not isinstance(client, BudgetedClient):
        return []
    return [client.budget_for(PHASE_CAPABILITY[phase]) for phase in phases]


def _alongside_partner(job: Job, phase: str, following: list[str]) -> str | None:
    """The phase to run alongside ``phase``: the next one, when their budgets differ."""
    partner = _PARTNERS.get(phase)
    if partner is None or partner not in following:
        return None
    budgets = _budgets(job, phase, partner)
    if len(budgets) != 2 or None in budgets or budgets[0].name == budgets[1].name:
        return None
    return partner


def _side_by_side(job: Job, lead_phase: str, side_phase: str) -> None:
    """Run ``lead_phase`` as the run's phase and ``side_phase`` alongside it until the lead is
    done; each request goes to the phase whose budget admits it sooner. The side phase's
    unfinished rest is left in ``job.alongside`` for the caller to continue as a lead phase."""
    lead_budget, side_budget = _budgets(job, lead_phase, side_phase)
    lead = _STEPS[lead_phase](job, Track(job, lead_phase))
    side_track = Track(job, side_phase, alongside=True)
    side: PhaseSteps | None = None
    try:
        if not _step(lead):  # the lead had nothing to do
            return
        if not side_track.finished:
            side = _STEPS[side_phase](job, side_track)
            if not _step(side):
                side = None
        side_went_last = False
        while True:
            if side is not None:
                lead_wait, side_wait = lead_budget.wait_time(), side_budget.wait_time()
                if side_wait < lead_wait or (side_wait == lead_wait and not side_went_last):
                    side_went_last = True
                    if not _step(side):
                        side = None
                    continue
            side_went_last = False
            if not _step(lead):
                return
    finally:
        # The lead finished or something stopped the run: the side phase keeps what it read.
        if side is not None:
            try:
                side.close()
            except Exception:
                logger.warning(
                    "Sync run %s: %s could not save its last batch",
                    job.run.pk,
                    side_phase,
                    exc_info=True,
                )
        lead.close()


def _step(steps: PhaseSteps) -> bool:
    """Let a phase make its next request; False once it is done."""
    return next(steps, StopIteration) is not StopIteration


# --- the schedule -------------------------------------------------------------------------------


def start_scheduled_syncs() -> list[SyncRun]:
    """Request a run for every enabled library whose interval has passed since its last sync
    (or last attempt, so a library that keeps failing is not retried every few minutes)."""
    now = timezone.now()
    candidates = (
        Library.objects.filter(
            sync_enabled=True,
            reconnect_since__isnull=True,
            platform__code__in=[spec.code for spec in registry.account_integrations()],
        )
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
