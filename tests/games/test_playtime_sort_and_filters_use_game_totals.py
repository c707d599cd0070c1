"""Sorting by playtime and the playtime filters use a game's total across stores, not one copy's."""

from __future__ import annotations

from games.queries import LibraryFilters
from games.services.search import search_games
from tests.factories import LibraryGameFactory
from tests.games.merged import merged_game


def titles(user, **filters) -> list[str]:
    return [row.title for row in search_games(user, LibraryFilters(**filters)).items]


def test_most_played_orders_by_the_total(alice, alice_library):
    merged_game(alice, alice_library)  # 3 h + 5 h
    LibraryGameFactory(library=alice_library, release__game__title="Celeste", playtime_minutes=360)
    assert titles(alice, sort="playtime") == ["Hollow Knight", "Celeste"]


def test_playtime_ranges_and_played_test_the_total(alice, alice_library):
    merged_game(alice, alice_library)
    LibraryGameFactory(library=alice_library, release__game__title="Celeste", playtime_minutes=0)
    # Neither copy alone has 7 hours; together they have 8.
    assert titles(alice, playtime_min=420) == ["Hollow Knight"]
    assert titles(alice, playtime_max=300) == ["Celeste"]
    assert titles(alice, played=True) == ["Hollow Knight"]
    assert titles(alice, played=False) == ["Celeste"]


def test_a_store_filter_keeps_a_game_whose_other_copy_is_on_that_store(alice, alice_library):
    merged = merged_game(alice, alice_library)
    # The GOG copy stands for the game; filtering by Steam still finds it, once.
    assert titles(alice, platform="steam") == ["Hollow Knight"]
    assert titles(alice, library_id=alice_library.pk) == ["Hollow Knight"]
    assert titles(alice, library_id=merged.gog_library.pk) == ["Hollow Knight"]
    assert titles(alice, platform="epic") == []
