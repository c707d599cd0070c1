"""Progress from a sync in another process reaches the owner's group through channels-redis.

Runs in the production pass, where the channel layer is Redis; the sync is a separate
``manage.py synclibrary`` process, as a Celery worker would be.
"""

from __future__ import annotations

import asyncio
import sys

import pytest
from channels.layers import get_channel_layer
from django.conf import settings

from libraries.progress import group_for_user
from tests.libraries.conftest import subprocess_env

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


async def test_progress_crosses_processes_through_the_redis_layer(alice, library, steam):
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"].startswith("channels_redis.")
    steam.latency_seconds = 0.01  # each phase outlasts a throttle step
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(group_for_user(alice.pk), channel)

    sync = await asyncio.create_subprocess_exec(
        sys.executable, "manage.py", "synclibrary", str(library.pk),
        cwd=settings.BASE_DIR, env=subprocess_env(LOG_LEVEL="error"),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    messages = []
    while not messages or messages[-1]["status"] == "running":
        messages.append(await asyncio.wait_for(layer.receive(channel), timeout=30))
    _, stderr = await sync.communicate()

    assert sync.returncode == 0, stderr.decode()
    assert messages[-1]["status"] == "succeeded"
    assert messages[-1]["library_id"] == library.pk
    # Achievements run alongside the details: reported as the phase or under "alongside".
    reported = {m["phase"] for m in messages} | {p for m in messages for p in m["alongside"]}
    assert {"details", "achievements", "done"} <= reported
    assert [m["seq"] for m in messages] == sorted(m["seq"] for m in messages)
    await layer.group_discard(group_for_user(alice.pk), channel)
