"""After the owned phase and the matcher, each copy carries its game's roll-ups: a re-run with new
playtime updates the total, a removed copy stops counting, and an unchanged re-run writes none."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from games.services.matching import match_releases
from libraries.models import LibraryGame
from libraries.services.phases.owned import import_owned_games
from platforms.models import Platform
from platforms.records import OwnedGame
from tests.factories import LibraryFactory


def rollups(owner) -> list[tuple[str, str, bool, int, int]]:
    return list(
        LibraryGame.objects.filter(library__owner=owner)
        .order_by("release__platform__code", "release__store_name")
        .values_list(
            "release__platform__code",
            "release__store_name",
            "represents_game",
            "game_playtime_minutes",
            "game_store_count",
        )
    )


def sync(library, owned: list[OwnedGame]):
    counts = import_owned_games(library, owned)
    match_releases(counts.to_match)  # what the owned phase does next
    return counts


def test_rollups_follow_the_syncs(alice, alice_library):
    gog = LibraryFactory(owner=alice, platform=Platform.objects.get(code="gog"))
    steam_list = [OwnedGame("620", "Portal 2", playtime_minutes=180), OwnedGame("10", "Solo")]
    sync(alice_library, steam_list)
    sync(gog, [OwnedGame("1207665883", "Portal 2", playtime_minutes=300)])
    # Equal titles on two stores: the matcher joined them into one game.
    assert rollups(alice) == [
        ("gog", "Portal 2", True, 480, 2),
        ("steam", "Portal 2", False, 480, 2),
        ("steam", "Solo", True, 0, 1),
    ]

    steam_list[0] = OwnedGame("620", "Portal 2", playtime_minutes=600)
    sync(alice_library, steam_list)
    assert rollups(alice) == [
        ("gog", "Portal 2", False, 900, 2),
        ("steam", "Portal 2", True, 900, 2),
        ("steam", "Solo", True, 0, 1),
    ]

    with CaptureQueriesContext(connection) as unchanged:
        sync(alice_library, steam_list)
    assert not [q for q in unchanged.captured_queries if "UPDATE" in q["sql"].upper()]

    sync(alice_library, [steam_list[1]])  # Portal 2 left the Steam account
    assert rollups(alice) == [
        ("gog", "Portal 2", True, 300, 1),
        ("steam", "Portal 2", False, 600, 1),  # removed: it stands for nothing
        ("steam", "Solo", True, 0, 1),
    ]
    assert LibraryGame.objects.get(release__external_id="620").removed_at is not None
