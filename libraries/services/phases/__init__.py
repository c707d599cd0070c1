"""The phases of a sync run, one module each; libraries.services.sync runs them.

Which phases a run does comes from the store's capabilities (platforms.contract.Capability):
every source lists what it owns; only a source with METADATA has a metadata phase, only one with
ACHIEVEMENTS an achievements phase. Each phase resumes from the position saved after every batch.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from libraries.models import Library, SyncRun
from libraries.progress import SyncProgress
from platforms.contract import Capability, IntegrationSpec
from platforms.errors import InvalidCredentials, PlatformError, PrivateProfile, UnknownUser
from platforms.models import Platform

Phase = SyncRun.Phase

# Phase → the capability a store needs for it.
PHASE_CAPABILITY: dict[str, Capability] = {
    Phase.OWNED: Capability.OWNED,
    Phase.DETAILS: Capability.METADATA,
    Phase.ACHIEVEMENTS: Capability.ACHIEVEMENTS,
}


class SliceExhausted(Exception):
    """The task used its time slice; the run continues in a fresh task."""


@dataclass
class Job:
    run: SyncRun
    library: Library
    spec: IntegrationSpec
    client: Any  # the store's AccountClient (or a file source's reader adapter)
    progress: SyncProgress
    deadline: float | None

    @property
    def platform(self) -> Platform:
        return self.library.platform

    def check_deadline(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise SliceExhausted

    def position(self, **values: Any) -> dict[str, Any]:
        """A new saved position, keeping the claim's task id."""
        return {"task": (self.run.position or {}).get("task", ""), **values}

    def resuming(self, phase: str) -> int | None:
        """The cursor to resume ``phase`` from, when this run was interrupted inside it."""
        if self.run.phase == phase and "after" in (self.run.position or {}):
            return int(self.run.position["after"])
        return None


def start_resumable_phase(job: Job, phase: str, rows: Any, cursor_field: str) -> tuple[int, int]:
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


def is_item_error(exc: PlatformError) -> bool:
    """A failure of one game's lookup that should not stop the whole run."""
    return exc.permanent and not isinstance(exc, InvalidCredentials | PrivateProfile | UnknownUser)
