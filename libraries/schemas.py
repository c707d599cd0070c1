"""The shapes of a library and of a sync run, described once for every door.

`library_out` and `run_out` are the only builders: the REST API returns their models, the MCP
tools return them, the WebSocket progress messages are `run_out` plus a sequence number, and the
pages render from them. A field added here reaches every door at once, under one name. None of
them has a field for credentials (`own_api_key` is masked to its last four characters).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from libraries.models import SyncRun

if TYPE_CHECKING:
    from libraries.queries import CountedLibrary

    RunStatus = str
    RunPhase = str
else:
    RunStatus = Literal[*SyncRun.Status.values]
    RunPhase = Literal[*SyncRun.Phase.values]

# The phases a sync can run, in their natural order ("done" is where a run ends, not a phase).
PHASE_ORDER: tuple[str, ...] = tuple(
    code for code in SyncRun.Phase.values if code != SyncRun.Phase.DONE
)


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class LibraryOut(_Out):
    library_id: int = Field(description="The id the other library calls and tools take.")
    platform: str = Field(description="The store's code, e.g. steam.")
    platform_name: str = Field(description="The store's name, e.g. Steam.")
    kind: str = Field(description="account (synced) or file (imported from an upload).")
    display_name: str
    account_id: str = Field(description="The account on the platform, e.g. a SteamID64.")
    avatar_url: str
    profile_url: str
    own_api_key: str = Field(
        description="The library's own API key masked to its last four characters, or '' when "
        "the server's key is used. The key itself is never returned."
    )
    needs_reconnect: bool = Field(
        description="The store signed this library out; it waits until its owner reconnects it "
        "(in the web UI, with PATCH credentials, or with add_platform_library's credentials)."
    )
    reconnect_reason: str = Field(description="Why it needs reconnecting ('' when it does not).")
    reconnect_since: datetime | None = Field(description="When the store signed it out.")
    sign_in_ends_at: datetime | None = Field(
        description="When the store said this library's sign-in ends (reconnect before then)."
    )
    sync_enabled: bool = Field(description="Whether scheduled syncs run.")
    sync_interval_hours: int = Field(description="Hours between scheduled syncs.")
    last_synced_at: datetime | None
    next_sync_due_at: datetime | None
    game_count: int = Field(
        description="Games in this library you see: present, not hidden, within your rating cap."
    )
    created_at: datetime


class SyncCounts(_Out):
    added: int = Field(description="Games new to the library in this sync.")
    updated: int = Field(description="Games whose playtime or store data changed.")
    unchanged: int
    removed: int = Field(description="Games that left the platform's owned list (kept, flagged).")
    details: int = Field(description="Games whose store metadata was read.")
    achievements: int = Field(description="Games whose achievements were read.")
    errors: int = Field(description="Games skipped because the platform's answer was unusable.")


class PhaseProgress(_Out):
    phase: RunPhase
    label: str
    state: Literal["done", "current", "pending", "skipped"]
    done: int = Field(description="Items finished (the current phase only; else 0).")
    total: int = Field(description="Items in the phase (the current phase only; else 0).")
    summary: str = Field(description="What a finished phase did, e.g. '68 games' ('' otherwise).")
    percent: int = Field(description="Share of the current phase done, 0 to 100 (else 0).")
    alongside: bool = Field(
        False,
        description="Running beside the run's phase (achievements beside store details), with "
        "its own count and no ETA.",
    )


class AlongsideProgress(_Out):
    done: int
    total: int
    finished: bool


class SyncRunOut(_Out):
    run_id: int
    library_id: int
    status: RunStatus = Field(
        description="queued, running, rate_limited (waiting until retry_at), succeeded, failed "
        "or cancelled."
    )
    finished: bool = Field(description="False while queued, running or waiting on a rate limit.")
    phase: RunPhase = Field(description="owned, details, achievements, or done.")
    phase_label: str = Field(description="The current phase as a person reads it.")
    phases: list[str] = Field(description="The phases this sync runs, in order.")
    alongside: dict[str, AlongsideProgress] = Field(
        description="Phases running beside `phase` (achievements beside store details), as of "
        "their last batch; empty when none is."
    )
    phase_progress: list[PhaseProgress] = Field(
        description="Every phase: done, current, pending, or skipped (not in this sync)."
    )
    trigger: str = Field(description="What started it: manual, schedule, api, mcp, cli, upload.")
    force: bool = Field(description="Refetches metadata and achievements even when fresh.")
    done: int = Field(description="Items finished in the current phase.")
    total: int = Field(description="Items in the current phase (0 while still unknown).")
    percent: int = Field(ge=0, le=100, description="Of the current phase.")
    eta_seconds: int | None = Field(description="Estimated seconds left in the current phase.")
    counts: SyncCounts
    error_code: str = Field(
        description="Why it failed or is waiting (e.g. private_profile, invalid_credentials, "
        "rate_limited); on a succeeded run, a notice such as achievements_private."
    )
    error_message: str
    retry_at: datetime | None = Field(description="When a rate-limited run continues.")
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    duration_seconds: float | None = Field(description="From start to finish, once finished.")
    summary: str = Field(description="Where the sync stands, in one sentence.")


class SyncProgressMessage(SyncRunOut):
    """One WebSocket progress hint: the run as every other door shows it, plus its order.
    ``type`` doubles as the Channels consumer handler name (``sync_progress``)."""

    type: Literal["sync.progress"] = "sync.progress"
    seq: int = Field(description="Increases with each message of one run; older ones are stale.")
    ts: datetime


# --- builders -------------------------------------------------------------------------------


def library_out(library: CountedLibrary) -> LibraryOut:
    """LIBRARY as every door shows it. It must come from libraries.queries.counted_libraries (or
    library_for), whose game_count goes through the one visibility rule."""
    return LibraryOut(
        library_id=library.pk,
        platform=library.platform.code,
        platform_name=library.platform.name,
        kind=library.platform.kind,
        display_name=library.display_name,
        account_id=library.user_identifier,
        avatar_url=library.avatar_url,
        profile_url=library.profile_url,
        own_api_key=library.masked_api_key,
        needs_reconnect=library.needs_reconnect,
        reconnect_reason=library.reconnect_reason,
        reconnect_since=library.reconnect_since,
        sign_in_ends_at=library.sign_in_ends_at,
        sync_enabled=library.sync_enabled,
        sync_interval_hours=library.sync_interval_hours,
        last_synced_at=library.last_synced_at,
        next_sync_due_at=library.next_sync_due_at,
        game_count=library.game_count,
        created_at=library.created_at,
    )


def counts_of(run: SyncRun) -> SyncCounts:
    return SyncCounts(
        added=run.games_added,
        updated=run.games_updated,
        unchanged=run.games_unchanged,
        removed=run.games_removed,
        details=run.details_fetched,
        achievements=run.achievements_synced,
        errors=run.errors,
    )


def run_out(run: SyncRun, *, eta_seconds: int | Literal["model"] | None = "model") -> SyncRunOut:
    """RUN as every door shows it. The progress sender passes its own ETA (the rate since its
    process took the run over); everyone else gets the row's."""
    counts = counts_of(run)
    duration = (
        (run.finished_at - run.started_at).total_seconds()
        if run.finished_at and run.started_at
        else None
    )
    return SyncRunOut(
        run_id=run.pk,
        library_id=run.library_id,
        status=run.status,
        finished=not run.is_active,
        phase=run.phase,
        phase_label=SyncRun.Phase(run.phase).label,
        phases=planned_phases(run),
        alongside=alongside_of(run),
        phase_progress=phase_progress(run, counts),
        trigger=run.trigger,
        force=run.force,
        done=run.done,
        total=run.total,
        percent=run.percent,
        eta_seconds=run.eta_seconds if eta_seconds == "model" else eta_seconds,
        counts=counts,
        error_code=run.error_code,
        error_message=run.error_message,
        retry_at=run.retry_at,
        attempts=run.attempts,
        created_at=run.created_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
        duration_seconds=duration,
        summary=_summary(run, counts, duration),
    )


def planned_phases(run: SyncRun) -> list[str]:
    """The phases RUN runs, in order (a run that names none runs them all)."""
    return [code for code in PHASE_ORDER if code in run.phases] or list(PHASE_ORDER)


def alongside_of(run: SyncRun) -> dict[str, AlongsideProgress]:
    """The progress of phases running beside the run's phase (libraries.services.phases)."""
    if run.status not in (SyncRun.Status.RUNNING, SyncRun.Status.RATE_LIMITED):
        return {}
    states = (run.position or {}).get("alongside") or {}
    return {
        str(phase): AlongsideProgress(
            done=int(state.get("done", 0)),
            total=int(state.get("total", 0)),
            finished=bool(state.get("finished")),
        )
        for phase, state in states.items()
        if isinstance(state, dict)
    }


def phase_progress(run: SyncRun, counts: SyncCounts) -> list[PhaseProgress]:
    planned = planned_phases(run)
    finished = run.phase == SyncRun.Phase.DONE or run.status == SyncRun.Status.SUCCEEDED
    current = PHASE_ORDER.index(run.phase) if run.phase in PHASE_ORDER else len(PHASE_ORDER)
    # A phase running beside the current one (achievements beside details) is current too.
    beside_current = {} if finished else alongside_of(run)
    summaries: dict[str, str] = {
        SyncRun.Phase.OWNED: f"{counts.added + counts.updated + counts.unchanged:,} games",
        SyncRun.Phase.DETAILS: f"{counts.details:,} fetched",
        SyncRun.Phase.ACHIEVEMENTS: f"{counts.achievements:,} games",
    }
    rows = []
    for index, code in enumerate(PHASE_ORDER):
        beside = beside_current.get(code) if index > current else None
        state: Literal["done", "current", "pending", "skipped"]
        if code not in planned:
            state = "skipped"
        elif finished or index < current or (beside is not None and beside.finished):
            state = "done"
        elif index == current or beside is not None:
            state = "current"
        else:
            state = "pending"
        done, total = 0, 0
        if state == "current":
            done, total = (
                (beside.done, beside.total) if beside is not None else (run.done, run.total)
            )
        rows.append(
            PhaseProgress(
                phase=code,
                label=SyncRun.Phase(code).label,
                state=state,
                done=done,
                total=total,
                percent=min(100, done * 100 // total) if total else 0,
                alongside=state == "current" and beside is not None,
                summary=summaries[code] if state == "done" else "",
            )
        )
    return rows


def _summary(run: SyncRun, counts: SyncCounts, duration: float | None) -> str:
    if run.status == SyncRun.Status.SUCCEEDED:
        return (
            f"Sync finished in {duration or 0:.0f} s: {counts.added} added, {counts.updated} "
            f"updated, {counts.unchanged} unchanged, {counts.errors} errors."
        )
    if run.status in (SyncRun.Status.FAILED, SyncRun.Status.CANCELLED):
        reason = run.error_message or "no reason was recorded"
        return f"The sync {run.status}: {reason}"
    if run.status == SyncRun.Status.RATE_LIMITED:
        until = f" until {run.retry_at:%H:%M} UTC" if run.retry_at else ""
        return (
            f"The platform is limiting requests, so the sync is parked{until}; Game Djinn's "
            "worker continues it then. What was synced so far is already in your library."
        )
    if run.status == SyncRun.Status.QUEUED:
        return f"Sync run {run.pk} is queued: waiting for the worker to start it."
    position = f", {run.done} of {run.total}" if run.total else ""
    return f"Sync run {run.pk} is running: {SyncRun.Phase(run.phase).label}{position}."
