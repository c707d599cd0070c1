"""cross_platform_games also lists duplicate purchases: the same game owned twice on one platform."""

from __future__ import annotations

from games.services.cross_platform import cross_platform_games
from tests.factories import LibraryFactory, LibraryGameFactory
from tests.games.world import own


def test_it_lists_the_same_release_owned_in_two_libraries(alice, game_world):
    family = LibraryFactory(owner=alice, display_name="Alice's family Steam")
    hades = game_world.entries["Hades"]
    LibraryGameFactory(library=family, release=hades.release, playtime_minutes=120)

    result = cross_platform_games(alice)

    assert [g.title for g in result.items] == ["Hades", "Stardew Valley"]
    assert result.total == 2
    game = result.items[0]
    assert [(c.library_name, c.playtime_minutes) for c in game.copies] == [
        ("Alice on Steam", 3000),
        ("Alice's family Steam", 120),
    ]
    assert (game.platform_count, game.duplicate_on) == (1, ["Steam"])
    assert game.total_playtime_minutes == 3120


def test_it_lists_two_releases_of_one_game_on_one_store_in_two_libraries(alice, game_world):
    family = LibraryFactory(owner=alice, display_name="Alice's family Steam")
    portal = game_world.games["Portal 2"]
    second = own(family, "", game=portal, playtime_minutes=45)
    assert second.release != game_world.entries["Portal 2"].release

    [game] = [g for g in cross_platform_games(alice).items if g.title == "Portal 2"]

    assert [c.library_name for c in game.copies] == ["Alice on Steam", "Alice's family Steam"]
    assert (game.platform_count, game.duplicate_on) == (1, ["Steam"])
    assert game.total_playtime_minutes == 1245


def test_it_marks_a_duplicate_next_to_another_platform(alice, game_world):
    family = LibraryFactory(owner=alice, display_name="Alice's family Steam")
    stardew = game_world.entries["Stardew Valley"]
    LibraryGameFactory(library=family, release=stardew.release, playtime_minutes=10)

    [game] = cross_platform_games(alice).items

    assert [c.platform for c in game.copies] == ["steam", "steam", "gog"]
    assert (game.platform_count, game.duplicate_on) == (2, ["Steam"])
