"""A small, known library for the service, REST and MCP tests.

Alice (admin) owns a Steam library and a GOG library:
  Hades          Action, Roguelike  T   93  3000 min  playing    achievements 4 of 6  snapshots
  Stardew Valley RPG, Simulation    E   89  6000 min  playing    also on GOG with 300 min
  Portal 2       Puzzle, Action     E10+ 95 1200 min  completed
  Disco Elysium  RPG                M   91     0 min  backlog
  Doom Eternal   Action             M   88   600 min  abandoned
  Tiny Unrated   Puzzle             —   —     30 min  backlog
Bob owns "Bob's Secret" (M). Charlie's account is capped at T and owns an E, an M and an unrated game.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.utils import timezone

from gamedjinn.models import profile_for
from games.models import Game, UnlockedAchievement
from libraries.models import Library, LibraryGame, PlaytimeSnapshot
from platforms.models import Platform
from tests.factories import (
    AchievementFactory,
    GameFactory,
    GenreFactory,
    LibraryFactory,
    LibraryGameFactory,
    ReleaseFactory,
)


@dataclass
class World:
    alice_steam: Library
    alice_gog: Library
    bob_library: Library
    charlie_library: Library
    games: dict[str, Game] = field(default_factory=dict)
    entries: dict[str, LibraryGame] = field(default_factory=dict)

    def id(self, title: str) -> int:
        return self.games[title].pk


def own(
    library,
    title,
    *,
    genres=(),
    esrb="",
    metacritic=None,
    released=None,
    platform=None,
    game=None,
    **entry,
):
    if game is None:
        game = GameFactory(
            title=title, esrb_rating=esrb, metacritic_score=metacritic, release_date=released
        )
        game.genres.set([GenreFactory(name=name) for name in genres])
    release = ReleaseFactory(game=game, **({"platform": platform} if platform else {}))
    return LibraryGameFactory(library=library, release=release, **entry)


def build_world(alice, bob, charlie) -> World:
    now = timezone.now()
    gog = Platform.objects.get(code="gog")
    world = World(
        alice_steam=LibraryFactory(owner=alice, display_name="Alice on Steam"),
        alice_gog=LibraryFactory(owner=alice, platform=gog, display_name="Alice on GOG"),
        bob_library=LibraryFactory(owner=bob, display_name="Bob on Steam"),
        charlie_library=LibraryFactory(owner=charlie, display_name="Charlie on Steam"),
    )
    steam = world.alice_steam
    rows = [
        ("Hades", ("Action", "Roguelike"), "T", 93, date(2020, 9, 17), 3000, "playing", 2),
        ("Stardew Valley", ("RPG", "Simulation"), "E", 89, date(2016, 2, 26), 6000, "playing", 1),
        ("Portal 2", ("Puzzle", "Action"), "E10+", 95, date(2011, 4, 18), 1200, "completed", 200),
        ("Disco Elysium", ("RPG",), "M", 91, date(2019, 10, 15), 0, "backlog", None),
        ("Doom Eternal", ("Action",), "M", 88, date(2020, 3, 20), 600, "abandoned", 90),
        ("Tiny Unrated", ("Puzzle",), "", None, None, 30, "backlog", 400),
    ]
    for title, genres, esrb, score, released, minutes, status, days_ago in rows:
        entry = own(
            steam,
            title,
            genres=genres,
            esrb=esrb,
            metacritic=score,
            released=released,
            playtime_minutes=minutes,
            status=status,
            last_played_at=now - timedelta(days=days_ago) if days_ago is not None else None,
        )
        world.entries[title] = entry
        world.games[title] = entry.release.game
    world.entries["Stardew Valley (GOG)"] = own(
        world.alice_gog,
        "",
        game=world.games["Stardew Valley"],
        platform=gog,
        playtime_minutes=300,
        status="playing",
        last_played_at=now - timedelta(days=30),
    )
    hades = world.entries["Hades"]
    achievements = [
        AchievementFactory(
            release=hades.release,
            display_name=f"Hades {n}",
            global_percent=90 - n * 10,
            hidden=n == 5,
        )
        for n in range(6)
    ]
    for n, achievement in enumerate(achievements[:4]):
        UnlockedAchievement.objects.create(
            library=steam, achievement=achievement, unlocked_at=now - timedelta(days=10 - n)
        )
    today = timezone.localdate()
    for days_ago, minutes in ((40, 2000), (10, 2600), (2, 3000)):
        PlaytimeSnapshot.objects.create(
            entry=hades, taken_on=today - timedelta(days=days_ago), playtime_minutes=minutes
        )
    world.entries["Bob's Secret"] = own(
        world.bob_library, "Bob's Secret", esrb="M", playtime_minutes=100
    )
    world.games["Bob's Secret"] = world.entries["Bob's Secret"].release.game
    for title, esrb in (("Kids Kart", "E"), ("Gore Fest", "M"), ("Mystery Box", "")):
        entry = own(
            world.charlie_library,
            title,
            esrb=esrb,
            genres=("Action",),
            metacritic=90,
            playtime_minutes=60,
            last_played_at=now - timedelta(days=40),
        )
        world.games[title] = entry.release.game
    profile = profile_for(charlie)
    profile.esrb_cap = "T"
    profile.save()
    return world


@pytest.fixture
def game_world(alice, bob, charlie) -> World:
    return build_world(alice, bob, charlie)
