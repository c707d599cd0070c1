"""The beat's scheduler: django-celery-beat's, recording each tick for /health and `checkbeat`.

Why the scheduler and not a scheduled task: a task runs on the worker, so its timestamp would
measure the worker and the beat together; only the beat's own loop can say the beat is alive. The
loop wakes at least every 5 s; one cache write every BEAT_RECORD_EVERY_SECONDS costs nothing.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django_celery_beat.schedulers import DatabaseScheduler  # type: ignore[import-untyped]

from gamedjinn import health

logger = logging.getLogger(__name__)


class Scheduler(DatabaseScheduler):
    _recorded_at: float | None = None

    def tick(self, *args: Any, **kwargs: Any) -> float:
        now = time.monotonic()
        if self._recorded_at is None or now - self._recorded_at >= health.BEAT_RECORD_EVERY_SECONDS:
            try:
                health.record_beat_tick()
                self._recorded_at = now
            except Exception as exc:  # a cache hiccup must not stop the schedule
                logger.warning("Could not record the beat's tick: %s", exc)
        return super().tick(*args, **kwargs)
