"""Helpers shared by the limiter tests (a fake clock, a store that records admissions)."""

from __future__ import annotations

import threading

from platforms.ratelimit import Decision, WindowStore


class FakeClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0, "the limiter must never busy-wait"
        self.sleeps.append(seconds)
        self.now += seconds


class RecordingStore:
    """Wraps a store and keeps the store's own timestamp of every admission."""

    def __init__(self, inner: WindowStore) -> None:
        self.inner = inner
        self.admitted: list[float] = []
        self._lock = threading.Lock()

    def try_acquire(self, key: str, limit: int, window: float, now: float) -> Decision:
        decision = self.inner.try_acquire(key, limit, window, now)
        if decision.admitted:
            with self._lock:
                self.admitted.append(decision.at)
        return decision

    def pause(self, key: str, seconds: float, now: float) -> None:
        self.inner.pause(key, seconds, now)

    def peek(self, key: str, limit: int, window: float, now: float) -> float:
        return self.inner.peek(key, limit, window, now)


def busiest_window(times: list[float], seconds: float) -> int:
    """The most admissions found in any half-open window (t - seconds, t]."""
    times = sorted(times)
    best, first = 0, 0
    for last, t in enumerate(times):
        while times[first] <= t - seconds:
            first += 1
        best = max(best, last - first + 1)
    return best
