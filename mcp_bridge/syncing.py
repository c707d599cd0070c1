"""sync_platform_library's work: start a run where it can run, then follow its SyncRun row (the
truth) and turn what it sees into MCP progress notifications; the tool returns the run as every
door shows it (libraries.schemas.run_out)."""

from __future__ import annotations

import logging
import threading
import time

import anyio
from django.conf import settings
from django.db import connection
from mcp.server.fastmcp import Context

from libraries.models import Library, SyncRun
from libraries.queries import library_for
from libraries.schemas import counts_of, run_out
from libraries.services.libraries import LibraryError
from libraries.services.sync import ALL_PHASES, perform_run, request_sync
from mcp_bridge.orm import orm

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.25
WAIT_LIMIT_SECONDS = 15 * 60


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
    counts = counts_of(run)
    by_phase: dict[str, int] = {
        SyncRun.Phase.OWNED: counts.added + counts.updated + counts.unchanged,
        SyncRun.Phase.DETAILS: counts.details,
        SyncRun.Phase.ACHIEVEMENTS: counts.achievements,
    }
    count = by_phase.get(phase)
    return f" ({count} games)" if count else ""


def _position_message(run: SyncRun) -> str:
    label = SyncRun.Phase(run.phase).label
    if run.status == SyncRun.Status.QUEUED:
        return "Waiting for the worker to start the sync."
    if run.status == SyncRun.Status.RATE_LIMITED and run.retry_at:
        return f"{label}: waiting for the platform's rate limit until {run.retry_at:%H:%M} UTC."
    if run.status in (SyncRun.Status.FAILED, SyncRun.Status.CANCELLED):
        return run_out(run).summary
    return f"{label}: {run.done} of {run.total}." if run.total else f"{label}…"
