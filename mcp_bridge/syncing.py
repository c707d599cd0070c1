"""sync_platform_library's work: start a run where it can run, then follow its SyncRun row (the
truth) and turn what it sees into MCP progress notifications and a summary."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime

import anyio
from django.conf import settings
from django.db import connection
from mcp.server.fastmcp import Context
from pydantic import BaseModel, Field

from libraries.models import Library, SyncRun
from libraries.queries import library_for
from libraries.services.libraries import LibraryError
from libraries.services.sync import ALL_PHASES, perform_run, request_sync
from mcp_bridge.orm import orm

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.25
WAIT_LIMIT_SECONDS = 15 * 60


class SyncOut(BaseModel):
    run_id: int
    library_id: int
    status: str = Field(
        description="queued, running, rate_limited, succeeded, failed or cancelled."
    )
    phase: str
    finished: bool
    added: int
    updated: int
    unchanged: int
    removed: int
    details_fetched: int
    achievements_synced: int
    errors: int
    duration_seconds: float | None
    retry_at: datetime | None = Field(description="When a rate-limited run continues.")
    summary: str = Field(description="The outcome in one sentence.")


def start_sync(user, library_id: int) -> SyncRun:
    """Start a sync of the user's library: on the worker, or in embedded mode in a thread of this
    process (stdio under Claude Desktop has no worker to send it to)."""
    try:
        library = library_for(user, library_id)
    except Library.DoesNotExist:
        raise LibraryError(f"You have no library {library_id}.") from None
    in_process = settings.EMBEDDED_MODE
    run = request_sync(library, trigger=SyncRun.Trigger.MCP, enqueue=not in_process)
    if in_process:
        threading.Thread(
            target=_perform_in_thread, args=(run.pk,), name=f"sync-{run.pk}", daemon=True
        ).start()
    return run


def _perform_in_thread(run_id: int) -> None:
    try:
        perform_run(run_id)  # claims the run, then libraries.services.sync.run_sync
    except Exception:
        logger.exception("Sync run %s failed in-process", run_id)
    finally:
        connection.close()


async def follow_run(run_id: int, ctx: Context) -> SyncRun:
    """Poll the run's row (the truth) until it stops working, sending MCP progress as it moves:
    progress is the number of phases done plus the fraction of the current one, out of the
    number of phases."""
    deadline = time.monotonic() + WAIT_LIMIT_SECONDS
    sent = -1.0
    while True:
        run = await orm(SyncRun.objects.get, pk=run_id)
        for progress, total, message in progress_steps(run, after=sent):
            await ctx.report_progress(progress, total, message)
            sent = progress
        working = run.status in (SyncRun.Status.QUEUED, SyncRun.Status.RUNNING)
        if not working or time.monotonic() > deadline:
            return run
        await anyio.sleep(POLL_SECONDS)


def progress_steps(run: SyncRun, *, after: float) -> list[tuple[float, float, str]]:
    """The notifications that take a client from progress AFTER to the run's state: one for each
    phase finished since (a fast phase may start and end between two polls), then the current
    phase's position. Progress only ever increases."""
    phases = list(run.phases) or list(ALL_PHASES)
    total = float(len(phases))
    if run.status == SyncRun.Status.SUCCEEDED or run.phase == SyncRun.Phase.DONE:
        current = len(phases)
    else:
        current = phases.index(run.phase) if run.phase in phases else 0
    steps = [
        (
            float(i + 1),
            total,
            f"{SyncRun.Phase(phases[i]).label}: done{_phase_count(run, phases[i])}.",
        )
        for i in range(current)
        if i + 1 > after
    ]
    if current < len(phases):
        # A phase is whole only once it is over: at "12 of 12" it has not moved on yet, and
        # reaching the next whole number here would swallow that phase's "done" message.
        fraction = min(run.done / run.total, 0.999) if run.total else 0.0
        position = round(current + fraction, 4)
        if position > max(after, steps[-1][0] if steps else after):
            steps.append((position, total, _position_message(run)))
    return steps


def _phase_count(run: SyncRun, phase: str) -> str:
    counts: dict[str, int] = {
        SyncRun.Phase.OWNED: run.games_added + run.games_updated + run.games_unchanged,
        SyncRun.Phase.DETAILS: run.details_fetched,
        SyncRun.Phase.ACHIEVEMENTS: run.achievements_synced,
    }
    count = counts.get(phase)
    return f" ({count} games)" if count else ""


def _position_message(run: SyncRun) -> str:
    label = SyncRun.Phase(run.phase).label
    if run.status == SyncRun.Status.QUEUED:
        return "Waiting for the worker to start the sync."
    if run.status == SyncRun.Status.RATE_LIMITED and run.retry_at:
        return f"{label}: waiting for the platform's rate limit until {run.retry_at:%H:%M} UTC."
    if run.status in (SyncRun.Status.FAILED, SyncRun.Status.CANCELLED):
        return sync_out(run).summary
    return f"{label}: {run.done} of {run.total}." if run.total else f"{label}…"


def sync_out(run: SyncRun) -> SyncOut:
    duration = (
        (run.finished_at - run.started_at).total_seconds()
        if run.finished_at and run.started_at
        else None
    )
    if run.status == SyncRun.Status.SUCCEEDED:
        summary = (
            f"Sync finished in {duration or 0:.0f} s: {run.games_added} added, {run.games_updated} "
            f"updated, {run.games_unchanged} unchanged, {run.errors} errors."
        )
    elif run.status in (SyncRun.Status.FAILED, SyncRun.Status.CANCELLED):
        reason = run.error_message or "no reason was recorded"
        summary = f"The sync {run.status}: {reason}"
    elif run.status == SyncRun.Status.RATE_LIMITED:
        until = f" until {run.retry_at:%H:%M} UTC" if run.retry_at else ""
        summary = (
            f"The platform is limiting requests, so the sync is parked{until}; Game Djinn's "
            "worker continues it then. What was synced so far is already in your library."
        )
    else:
        summary = f"Sync run {run.pk} is {run.status}; call again with wait=true to follow it."
    return SyncOut(
        run_id=run.pk,
        library_id=run.library_id,
        status=run.status,
        phase=run.phase,
        finished=not run.is_active,
        added=run.games_added,
        updated=run.games_updated,
        unchanged=run.games_unchanged,
        removed=run.games_removed,
        details_fetched=run.details_fetched,
        achievements_synced=run.achievements_synced,
        errors=run.errors,
        duration_seconds=duration,
        retry_at=run.retry_at,
        summary=summary,
    )
