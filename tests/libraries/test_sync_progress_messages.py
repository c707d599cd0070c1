"""Progress reaches the owner's channel group: at most four messages a second, the last always."""

from __future__ import annotations

import asyncio
from itertools import pairwise

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from libraries.models import SyncRun
from libraries.progress import SyncProgress, group_for_user
from libraries.services.sync import claim_run, request_sync
from tests.libraries.conftest import run_sync_now

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def _listen(user_id: int) -> tuple[str, object]:
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(group_for_user(user_id), channel)
    return channel, layer


async def _drain(layer, channel: str, *, until_status: str | None = None) -> list[dict]:
    messages: list[dict] = []
    while True:
        try:
            message = await asyncio.wait_for(
                layer.receive(channel), timeout=2 if until_status else 0.5
            )
        except TimeoutError:
            return messages
        messages.append(message)
        if until_status and message["status"] == until_status:
            return messages


async def test_it_throttles_to_four_messages_a_second_and_always_sends_the_last(alice, library):
    channel, layer = await _listen(alice.pk)
    clock = FakeClock()
    sent_at: list[float] = []

    def work() -> None:
        run = claim_run(request_sync(library, trigger="manual", enqueue=False).pk)
        echo = lambda message: sent_at.append(clock())  # noqa: E731
        with SyncProgress(run, clock=clock, echo=echo) as progress:
            progress.start_phase(SyncRun.Phase.DETAILS, total=300)
            for done in range(1, 301):  # three seconds of per-item progress
                clock.now = done / 100
                progress.tick(done)
            clock.now += 0.01
            progress.finish(SyncRun.Status.SUCCEEDED, phase=SyncRun.Phase.DONE)

    await database_sync_to_async(work)()
    messages = await _drain(layer, channel)

    assert [m["seq"] for m in messages] == list(range(1, len(sent_at) + 1))
    assert len(messages) == 14  # 0, 0.25, ... 3.0 (13), then the final one
    throttled = sent_at[:-1]
    assert all(later - earlier >= 0.25 for earlier, later in pairwise(throttled))
    assert max(sum(1 for t in throttled if start <= t < start + 1) for start in throttled) <= 4
    final = messages[-1]
    assert (final["status"], final["phase"], final["done"], final["total"]) == (
        "succeeded",
        "done",
        300,
        300,
    )
    assert sent_at[-1] - sent_at[-2] < 0.25  # the last message is never held back


async def test_a_real_sync_reports_each_phase_to_the_owner_only(alice, bob, library, steam):
    steam.latency_seconds = 0.01  # a little network delay, so each phase lasts past a throttle step
    channel, layer = await _listen(alice.pk)
    bobs_channel, _ = await _listen(bob.pk)

    run = await database_sync_to_async(run_sync_now)(library)
    messages = await _drain(layer, channel, until_status="succeeded")

    assert {m["run_id"] for m in messages} == {run.pk}
    assert [m["seq"] for m in messages] == sorted(m["seq"] for m in messages)
    # Achievements run alongside the store details (their budgets differ): reported either as
    # the run's phase or under "alongside".
    reported = {m["phase"] for m in messages} | {p for m in messages for p in m["alongside"]}
    assert {"owned", "details", "achievements"} <= reported
    final = messages[-1]
    assert final["status"] == "succeeded" and final["percent"] == 100
    assert final["counts"]["added"] == 60
    assert set(final) >= {
        "type", "run_id", "library_id", "status", "phase", "done", "total", "percent",
        "eta_seconds", "retry_at", "error_message", "counts", "alongside", "seq", "ts",
    }  # fmt: skip
    assert await _drain(layer, bobs_channel) == []
