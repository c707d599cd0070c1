"""Fixtures for the page tests: Django's test client against the real views and templates.

`own()` puts a game in a library the way a sync would leave it: a Game, its Release on the
library's platform, and the LibraryGame ownership row.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from celery.signals import after_task_publish
from django.utils import timezone

from gamedjinn.models import profile_for
from games.models import Genre
from libraries.models import Library, LibraryGame
from platforms.integrations.steam.fake_server import FakeSteam, SteamWorld, generate_world
from tests.factories import GameFactory, LibraryFactory, LibraryGameFactory, ReleaseFactory
from tests.fakes.steam import aim_at_fake_steam

GAME_FIELDS = {
    "esrb_rating",
    "esrb_descriptors",
    "pegi_rating",
    "metacritic_score",
    "release_date",
    "description",
    "cover_url",
    "developers",
    "publishers",
    "screenshots",
}


def own(
    library: Library, title: str, *, genres: tuple[str, ...] = (), **fields: Any
) -> LibraryGame:
    """Give LIBRARY a copy of a new game called TITLE; game fields and entry fields mixed."""
    game = GameFactory(title=title, **{k: fields.pop(k) for k in list(fields) if k in GAME_FIELDS})
    for name in genres:
        game.genres.add(Genre.objects.get_or_create(name=name)[0])
    return LibraryGameFactory(library=library, release=ReleaseFactory(game=game), **fields)


@pytest.fixture
def shelf(alice_library: Library) -> Callable[[int], list[LibraryGame]]:
    """Fill Alice's library with N varied games (titles 'Game 000'…)."""

    def fill(count: int) -> list[LibraryGame]:
        now = timezone.now()
        return [
            own(
                alice_library,
                f"Game {n:03d}",
                genres=("Action",) if n % 2 else ("Puzzle", "Indie"),
                playtime_minutes=n * 37,
                last_played_at=now - timedelta(days=n) if n % 3 else None,
                metacritic_score=50 + n % 50,
                esrb_rating="E" if n % 2 else "M",
                status="completed" if n % 5 == 0 else "backlog",
            )
            for n in range(count)
        ]

    return fill


@pytest.fixture
def child(charlie: Any) -> Any:
    """Charlie as a child's account: nothing above Teen, nothing unrated."""
    profile = profile_for(charlie)
    profile.esrb_cap = "T"
    profile.save()
    return charlie


@pytest.fixture
def bob_client(client: Any, bob: Any) -> Any:
    client.force_login(bob)
    return client


# --- the fake Steam, for adding libraries through the real client ----------------------------


@pytest.fixture
def world() -> SteamWorld:
    return generate_world(30, seed=3)


@pytest.fixture
def steam(world: SteamWorld, settings: Any) -> Iterator[FakeSteam]:
    """A real fake-Steam HTTP server, with the app's Steam client aimed at it (fast retries)."""
    with FakeSteam(world) as fake:
        aim_at_fake_steam(settings, fake.url)
        yield fake


@dataclass
class Published:
    task: str
    args: list[Any]


@pytest.fixture
def published() -> Iterator[list[Published]]:
    """Every Celery message the test sent, as the broker received it."""
    sent: list[Published] = []
    lock = threading.Lock()

    def record(sender: str | None = None, body: Any = None, **_: Any) -> None:
        args = body[0] if isinstance(body, list | tuple) else []
        with lock:
            sent.append(Published(str(sender), list(args)))

    after_task_publish.connect(record, weak=False)
    yield sent
    after_task_publish.disconnect(record)


@pytest.fixture
def library_of(alice: Any) -> Callable[..., Library]:
    def make(**fields: Any) -> Library:
        return LibraryFactory(owner=fields.pop("owner", alice), **fields)

    return make
