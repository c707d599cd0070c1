"""Splitting a merged game's release off (or undoing the merge) gives each game its own card
and its own playtime again."""

from __future__ import annotations

from games.models import Curation
from games.queries import LibraryFilters
from games.services.curation import split_release, undo
from games.services.search import search_games
from tests.games.merged import merged_game


def cards(user) -> list[tuple[str, int, int]]:
    rows = search_games(user, LibraryFilters(sort="playtime")).items
    return [(row.platform, row.playtime_minutes, row.store_count) for row in rows]


def test_a_split_brings_back_two_cards(alice, alice_library):
    merged = merged_game(alice, alice_library)
    assert cards(alice) == [("gog", 480, 1 + 1)]
    split_release(merged.gog.release, user=alice)
    assert cards(alice) == [("gog", 300, 1), ("steam", 180, 1)]
    undo(Curation.objects.get(kind=Curation.Kind.SPLIT), user=alice)
    assert cards(alice) == [("gog", 480, 2)]


def test_undoing_the_merge_brings_back_two_cards(alice, alice_library):
    merged_game(alice, alice_library)
    undo(Curation.objects.get(kind=Curation.Kind.MERGE), user=alice)
    assert cards(alice) == [("gog", 300, 1), ("steam", 180, 1)]
