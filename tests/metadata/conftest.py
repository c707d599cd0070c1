"""Fixtures for the metadata sources: a fake IGDB and a fake HowLongToBeat on loopback, with
Django settings aimed at them, and a small household whose releases they describe."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

import pytest

from games.models import Game, Release
from libraries.models import Library
from platforms.metadata.hltb.fake_server import FakeHltb, FakeHltbGame
from platforms.metadata.igdb.fake_server import FakeIgdb, FakeIgdbGame
from platforms.models import Platform
from platforms.records import GameDetails
from tests.factories import GameFactory, LibraryFactory, LibraryGameFactory, ReleaseFactory

HOUR = 3600


def store_details(**values: Any) -> GameDetails:
    """A store's record with nothing in it but VALUES."""
    empty: dict[str, Any] = {
        f.name: [] if f.type.startswith("list") else "" for f in fields(GameDetails)
    }
    empty |= {
        "release_date": None,
        "coming_soon": False,
        "required_age": 0,
        "metacritic_score": None,
        "is_free": False,
        "parent_external_id": None,
        "raw": {},
        "time_to_beat_main": None,
        "time_to_beat_extras": None,
        "time_to_beat_completionist": None,
    }
    return GameDetails(**(empty | values))


def igdb_games() -> list[FakeIgdbGame]:
    return [
        FakeIgdbGame(
            id=1942,
            name="The Witcher 3: Wild Hunt",
            released="2015-05-19",
            summary="Geralt hunts monsters.",
            genres=["Role-playing (RPG)", "Adventure"],
            developers=["CD Projekt RED"],
            publishers=["CD Projekt"],
            esrb="M",
            pegi="Eighteen",
            cover="co1wyy",
            artworks=["ar5kq", "ar5kr"],
            external={1: "292030", 5: "1207664663"},
            time_to_beat=(51 * HOUR, 103 * HOUR, 172 * HOUR),
        ),
        FakeIgdbGame(
            id=72,
            name="Portal 2",
            released="2011-04-18",
            summary="Think with portals.",
            genres=["Puzzle", "Shooter"],
            developers=["Valve"],
            publishers=["Valve"],
            esrb="E10",
            external={1: "620"},
            time_to_beat=(8 * HOUR, 13 * HOUR, 22 * HOUR),
        ),
        FakeIgdbGame(
            id=1020,
            name="Stardew Valley",
            released="2016-02-26",
            genres=["Simulator", "Role-playing (RPG)", "Indie"],
            esrb="E",
            legacy_ratings=True,
            pegi="Seven",
            external={5: "1453375253"},
        ),
        FakeIgdbGame(
            id=11133,
            name="Grim Fandango Remastered",
            released="2015-01-27",
            genres=["Point-and-click", "Adventure"],
            esrb="T",
            time_to_beat=(10 * HOUR, 12 * HOUR, 14 * HOUR),
        ),
        FakeIgdbGame(id=11134, name="Grim Fandango", released="1998-10-30", esrb="T"),
    ]


@pytest.fixture
def fake_igdb(settings: Any) -> Iterator[FakeIgdb]:
    with FakeIgdb(igdb_games()) as fake:
        for name, value in fake.settings().items():
            setattr(settings, name, value)
        settings.HLTB_URL = ""
        settings.HTTP_RETRY_BASE_SECONDS = 0.001
        settings.HTTP_RETRY_CAP_SECONDS = 0.005
        settings.HTTP_RETRY_ATTEMPTS = 3
        yield fake


@pytest.fixture
def fake_hltb(settings: Any) -> Iterator[FakeHltb]:
    games = [
        FakeHltbGame(1, "Portal 2", 2011, main=9 * HOUR, extras=14 * HOUR, completionist=21 * HOUR),
        FakeHltbGame(2, "Portal 2: Lab Rat", 2011),  # nobody timed it
        FakeHltbGame(3, "The Witcher 3: Wild Hunt", 2015, main=52 * HOUR, extras=104 * HOUR),
    ]
    with FakeHltb(games) as fake:
        for name, value in fake.settings().items():
            setattr(settings, name, value)
        yield fake


@dataclass
class Household:
    steam: Library
    gog: Library
    witcher_steam: Release
    witcher_gog: Release
    portal: Release
    stardew: Release
    grim: Release
    unknown: Release


def owned(library: Library, platform: str, external_id: str, title: str, **game: Any) -> Release:
    release = ReleaseFactory(
        platform=Platform.objects.get(code=platform),
        external_id=external_id,
        game=GameFactory(title=title, metadata_status=Game.MetadataStatus.PENDING, **game),
        store_name=title,
    )
    LibraryGameFactory(library=library, release=release)
    return release


@pytest.fixture
def household(alice: Any) -> Household:
    steam = LibraryFactory(owner=alice, display_name="Alice on Steam")
    gog = LibraryFactory(
        owner=alice,
        platform=Platform.objects.get(code="gog"),
        user_identifier="48628349957132247",
        display_name="Alice on GOG",
        credentials={},
    )
    return Household(
        steam=steam,
        gog=gog,
        witcher_steam=owned(steam, "steam", "292030", "The Witcher® 3: Wild Hunt"),
        witcher_gog=owned(gog, "gog", "1207664663", "The Witcher 3: Wild Hunt - GOTY"),
        portal=owned(steam, "steam", "620", "Portal 2"),
        stardew=owned(gog, "gog", "1453375253", "Stardew Valley"),
        # No store id IGDB knows: found by title, the year telling the remaster from 1998's.
        grim=owned(gog, "gog", "1207658", "Grim Fandango", release_date=date(1998, 10, 30)),
        unknown=owned(gog, "gog", "1999999999", "A Game Nobody Catalogued"),
    )
