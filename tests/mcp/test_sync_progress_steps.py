"""The progress notifications of a followed sync: every phase's "done" message arrives once, in
order, however the polls fall against the phases."""

from __future__ import annotations

from libraries.models import SyncRun
from mcp_bridge.syncing import progress_steps


def run_at(phase: str, done: int = 0, total: int = 0, status: str = "running") -> SyncRun:
    return SyncRun(phase=phase, done=done, total=total, status=status, phases=[])


def test_it_says_a_phase_is_done_even_when_a_poll_saw_its_last_item():
    sent, messages = -1.0, []
    for run in (
        run_at("owned", 60, 60),
        run_at("details", 12, 12),  # the last game fetched, the phase not yet over
        run_at("achievements", 0, 5),
        run_at("done", status="succeeded"),
    ):
        for progress, total, message in progress_steps(run, after=sent):
            assert progress > sent and total == 3
            sent = progress
            messages.append(message)

    done = [message.split(":")[0] for message in messages if "done" in message]
    assert done == ["Owned games", "Store metadata", "Achievements"]
    assert sent == 3


def test_it_sends_each_finished_phase_when_polls_skip_over_them():
    steps = progress_steps(run_at("achievements", 1, 4), after=0.5)
    assert [round(progress, 2) for progress, _, _ in steps] == [1.0, 2.0, 2.25]
    assert [message.split(":")[0] for _, _, message in steps] == [
        "Owned games",
        "Store metadata",
        "Achievements",
    ]
