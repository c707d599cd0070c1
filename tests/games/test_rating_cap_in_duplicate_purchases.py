"""A capped account neither sees nor counts duplicate purchases of games above its cap."""

from __future__ import annotations

from games.services.cross_platform import cross_platform_games
from tests.factories import LibraryFactory, LibraryGameFactory


def test_it_leaves_games_above_the_cap_out_of_items_and_total(charlie, game_world):
    second = LibraryFactory(owner=charlie, display_name="Charlie's second Steam")
    for title in ("Kids Kart", "Gore Fest"):
        [release] = game_world.games[title].releases.all()
        LibraryGameFactory(library=second, release=release)

    result = cross_platform_games(charlie)

    assert [g.title for g in result.items] == ["Kids Kart"]
    assert result.total == 1


def test_it_ignores_a_single_copy(alice, game_world):
    assert "Hades" not in [g.title for g in cross_platform_games(alice).items]
