"""games.services.search.search_games: offset and cursor pages, totals, the cap."""

from __future__ import annotations

import pytest

from games.queries import InvalidFilter, LibraryFilters
from games.services.search import search_games


def titles(page) -> list[str]:
    return [row.title for row in page.items]


def test_it_pages_by_offset_in_the_same_order_as_by_cursor(alice, game_world):
    for sort in ("title", "playtime", "metacritic"):
        by_cursor, cursor = [], ""
        while True:
            page = search_games(alice, LibraryFilters(sort=sort), limit=2, cursor=cursor)
            by_cursor += titles(page)
            if not page.next_cursor:
                break
            cursor = page.next_cursor
        by_offset, offset = [], 0
        while offset is not None:
            page = search_games(alice, LibraryFilters(sort=sort), limit=2, offset=offset)
            by_offset += titles(page)
            offset = page.next_offset
        assert by_offset == by_cursor, sort
        assert len(by_cursor) == 6 == page.total  # Stardew Valley on two stores is one


def test_it_filters_and_counts_the_whole_result(alice, game_world):
    page = search_games(alice, LibraryFilters(genre="rpg", platform="steam"), limit=1)
    assert page.total == 2
    assert titles(page) == ["Disco Elysium"]
    assert page.items[0].genres == ["RPG"]
    assert page.items[0].game_id == game_world.id("Disco Elysium")


def test_it_refuses_offset_and_cursor_together_naming_offset(alice, game_world):
    first = search_games(alice, LibraryFilters(), limit=2)
    with pytest.raises(InvalidFilter, match=r"^offset"):
        search_games(alice, LibraryFilters(), cursor=first.next_cursor, offset=2)


def test_it_shows_a_capped_user_nothing_above_the_cap(charlie, game_world):
    assert titles(search_games(charlie, LibraryFilters())) == ["Kids Kart"]


def test_it_counts_the_total_on_every_page_even_past_the_end(alice, game_world):
    assert search_games(alice, LibraryFilters(), limit=5).total == 6
    assert search_games(alice, LibraryFilters(), limit=5, offset=5).total == 6
    past = search_games(alice, LibraryFilters(), limit=5, offset=50)
    assert (past.items, past.total, past.next_offset) == ([], 6, None)
    first = search_games(alice, LibraryFilters(), limit=5)
    assert search_games(alice, LibraryFilters(), limit=5, cursor=first.next_cursor).total == 6


def test_it_lists_each_games_genres_a_to_z(alice, game_world):
    page = search_games(alice, LibraryFilters(q="portal"))
    assert [row.genres for row in page.items] == [["Action", "Puzzle"]]
    browsed = {row.title: row.genres for row in search_games(alice, LibraryFilters()).items}
    assert browsed["Portal 2"] == ["Action", "Puzzle"]
    assert browsed["Tiny Unrated"] == ["Puzzle"]


def test_it_counts_every_title_match_not_just_the_page(alice, game_world):
    first = search_games(alice, LibraryFilters(q="e", sort="playtime"), limit=2)
    everything = search_games(alice, LibraryFilters(q="e", sort="playtime"), limit=100)
    assert first.total == everything.total == len(everything.items) > 2
    assert titles(first) == titles(everything)[:2]
    later = search_games(alice, LibraryFilters(q="e", sort="playtime"), limit=2, offset=2)
    assert later.total == everything.total
    assert titles(later) == titles(everything)[2:4]


def test_it_reads_a_page_in_a_fixed_number_of_queries(
    alice, game_world, django_assert_max_num_queries
):
    search_games(alice, LibraryFilters())  # creates Alice's profile (her rating cap)
    # A title search: one query for rows, genres and count. Browsing: ids, then rows, then count.
    for filters, queries in ((LibraryFilters(q="a"), 1), (LibraryFilters(sort="playtime"), 3)):
        with django_assert_max_num_queries(queries) as small:
            search_games(alice, filters, limit=2)
        with django_assert_max_num_queries(len(small)):
            search_games(alice, filters, limit=100)
