"""Fixtures for the sync tests: a real fake-Steam HTTP server and libraries pointed at it.

Nothing of ours is mocked: the Steam client is built the way production builds it, aimed at the
fake through settings, with a millisecond retry policy and generous limits, so failure paths run
in milliseconds; tests/conftest.py gives each test fresh rate limiters.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from celery.signals import after_task_publish
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client

from gamedjinn.celery import app as celery_app
from libraries.models import Library, SyncRun
from libraries.services.sync import perform_run, request_sync
from platforms.integrations.steam.fake_server import FakeSteam, SteamWorld, generate_world
from tests.factories import LibraryFactory
from tests.fakes.steam import aim_at_fake_steam


@pytest.fixture(autouse=True)
def _private_task_queue() -> Iterator[None]:
    """Tasks a test publishes go to a queue of its own, deleted afterwards, so that no worker
    on a shared broker (production pass: a real Redis) ever picks one up."""
    name, default = f"gd-tests-{uuid.uuid4().hex[:10]}", celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = name  # Celery's router reads it on every send
    yield
    celery_app.conf.task_default_queue = default
    with celery_app.connection_for_write() as broker:
        broker.default_channel.queue_delete(name)


@pytest.fixture
def world() -> SteamWorld:
    return generate_world(60, seed=5)


@pytest.fixture
def fake_steam(world: SteamWorld, settings: Any) -> Iterator[FakeSteam]:
    with FakeSteam(world) as fake:
        aim_at_fake_steam(settings, fake.url)
        yield fake


@pytest.fixture
def steam(fake_steam: FakeSteam) -> FakeSteam:
    """The fake Steam, with the app's client aimed at it through settings (fast retries)."""
    return fake_steam


@pytest.fixture
def library(alice: Any, world: SteamWorld, steam: FakeSteam) -> Library:
    """Alice's library of the fake world's main account, with its own key."""
    return LibraryFactory(
        owner=alice,
        user_identifier=world.steamid,
        display_name="Alice on Steam",
        credentials={"api_key": world.api_key},
    )


@dataclass
class Published:
    task: str
    args: list[Any]
    eta: str | None


@pytest.fixture
def published() -> Iterator[list[Published]]:
    """Every Celery message this test sent, as the broker received it."""
    sent: list[Published] = []
    lock = threading.Lock()

    def record(sender: str | None = None, headers: Any = None, body: Any = None, **_: Any) -> None:
        args = body[0] if isinstance(body, list | tuple) else []
        with lock:
            sent.append(Published(str(sender), list(args), (headers or {}).get("eta")))

    after_task_publish.connect(record, weak=False)
    yield sent
    after_task_publish.disconnect(record)


def run_sync_now(library: Library, **options: Any) -> SyncRun:
    """Request a run and do it in the foreground, as the CLI does; return the finished row."""
    run = request_sync(library, trigger=SyncRun.Trigger.MANUAL, enqueue=False, **options)
    perform_run(run.pk)
    run.refresh_from_db()
    return run


def owned_appids(world: SteamWorld) -> set[str]:
    return {str(game["appid"]) for game in world.player.owned}


@pytest.fixture
def alice_session(alice: Any) -> str:
    """A signed-in session key for Alice (for WebSocket handshakes)."""
    client = Client()
    client.force_login(alice)
    return client.cookies["sessionid"].value


def current_database_url() -> str:
    """DATABASE_URL of the database this test runs on, for subprocesses that must share it."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{quote(db['USER'] or '')}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment for a manage.py/celery subprocess on this test's database and Steam."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env |= {
        "DATABASE_URL": current_database_url(),
        "DATA_DIR": str(django_settings.DATA_DIR),  # the same keys decrypt the stored API key
        "STEAM_API_URL": django_settings.STEAM_API_URL,
        "STEAM_STORE_URL": django_settings.STEAM_STORE_URL,
        "STEAM_API_RATE_LIMIT": "10000/1",
        "STEAM_STORE_RATE_LIMIT": "10000/1",
    }
    if django_settings.REDIS_URL:
        env["REDIS_URL"] = django_settings.REDIS_URL
    return env | extra
