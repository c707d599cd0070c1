"""The phases of a sync run, one module each; libraries.services.sync runs them.

Which phases a run does comes from the store's capabilities (platforms.contract.Capability):
every source lists what it owns; only a source with METADATA has a metadata phase, only one with
ACHIEVEMENTS an achievements phase. Each phase resumes from the position saved after every batch.

A phase records its progress through a Track: as the run's current (*lead*) phase, whose done,
total and cursor are the run's; or *alongside* the lead (libraries.services.sync runs the
metadata and achievements phases side by side when their request budgets differ), keeping its
cursor and count under ``position["alongside"][phase]`` and leaving the run's phase, done and
total to the lead.
"""

from __future__ import annotations

import time
from collections.abc import Generator
from dataclasses import dataclass, field
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
    # Phases run alongside the lead phase: phase → {"after", "done", "total", "finished"}.
    alongside: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def platform(self) -> Platform:
        return self.library.platform

    def check_deadline(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise SliceExhausted

    def position(self, **values: Any) -> dict[str, Any]:
        """A new saved position, keeping the claim's task id and the phases alongside."""
        position = {"task": (self.run.position or {}).get("task", ""), **values}
        if self.alongside:
            position["alongside"] = {phase: dict(state) for phase, state in self.alongside.items()}
        return position

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


# A phase as steps: it yields just before each request, so that a scheduler can choose which of
# two phases sends next (libraries.services.sync); draining it runs the phase on its own.
PhaseSteps = Generator[None, None, None]


def drain(steps: PhaseSteps) -> None:
    for _ in steps:
        pass


class Track:
    """Where one phase records its progress (see the module's docstring)."""

    def __init__(self, job: Job, phase: str, *, alongside: bool = False) -> None:
        self.job = job
        self.phase = phase
        self.alongside = alongside

    @property
    def finished(self) -> bool:
        return bool(self.job.alongside.get(self.phase, {}).get("finished"))

    def start(self, rows: Any, cursor_field: str) -> tuple[int, int]:
        """Start (or resume) the phase over ROWS walked in CURSOR_FIELD order; returns (cursor
        to continue from, done so far)."""
        job = self.job
        if not self.alongside:
            carried = job.alongside.pop(self.phase, None)
            if carried is None:
                return start_resumable_phase(job, self.phase, rows, cursor_field)
            # Begun alongside the previous phase: continue from where it got to.
            cursor, done = int(carried.get("after", 0)), int(carried.get("done", 0))
            job.progress.start_phase(
                self.phase,
                done=done,
                total=done + rows.filter(**{f"{cursor_field}__gt": cursor}).count(),
                position=job.position(after=cursor),
            )
            return cursor, done
        state = job.alongside.setdefault(self.phase, {"after": 0, "done": 0})
        cursor, done = int(state["after"]), int(state["done"])
        state["total"] = done + rows.filter(**{f"{cursor_field}__gt": cursor}).count()
        self._save()
        return cursor, done

    def tick(self, done: int) -> None:
        if self.alongside:
            # Not saved: the lead's checkpoints must only carry what a stored batch reached.
            self.job.progress.send()  # the run's counts move; send() keeps to its own pace
        else:
            self.job.progress.tick(done)

    def save(self, done: int, cursor: int, **changes: Any) -> None:
        """Record a stored batch; call it last in the batch's transaction."""
        if self.alongside:
            self.job.alongside[self.phase].update(after=cursor, done=done)
            self._save(**changes)
        else:
            self.job.progress.checkpoint(
                done=done, position=self.job.position(after=cursor), **changes
            )

    def end(self, **changes: Any) -> None:
        """The phase is over (``changes``: a notice to show, e.g. private achievements)."""
        if self.alongside:
            self.job.alongside[self.phase]["finished"] = True
            self._save(**changes)
        elif changes:
            self.job.progress.checkpoint(done=self.job.run.total, **changes)

    def _save(self, **changes: Any) -> None:
        lead_cursor = (self.job.run.position or {}).get("after", 0)
        self.job.progress.checkpoint(position=self.job.position(after=lead_cursor), **changes)
