"""Title-ordered pages are found by walking the games' title index: every game of the user once
(however many stores own it), in title order with equal titles kept apart, nobody else's games
and no hidden ones, the same through the library page's cards and search_games."""

from __future__ import annotations

from games.queries import LibraryFilters, search_library
from games.services.search import search_cards, search_games
from platforms.models import Platform
from tests.factories import GameFactory, LibraryFactory, LibraryGameFactory, ReleaseFactory


def _household(alice, alice_library, bob_library):
    gog = LibraryFactory(owner=alice, platform=Platform.objects.get(code="gog"))
    expected = []
    for n in range(14):
        # Pairs of equal titles: the cursor must tell them apart by more than the title.
        game = GameFactory(title=f"Voyage {n // 2:02d}")
        LibraryGameFactory(library=alice_library, release=ReleaseFactory(game=game))
        if n % 3 == 0:  # also owned on GOG: still one card
            gog_release = ReleaseFactory(game=game, platform=gog.platform)
            LibraryGameFactory(library=gog, release=gog_release)
        expected.append(game)
        # Bob's games sort between Alice's.
        LibraryGameFactory(
            library=bob_library, release=ReleaseFactory(game=GameFactory(title=f"Voyage {n:02d}b"))
        )
    hidden = GameFactory(title="Voyage 03 hidden")
    LibraryGameFactory(library=alice_library, release=ReleaseFactory(game=hidden), hidden=True)
    return [(game.sort_title, game.pk) for game in expected]


def _walk(fetch):
    seen, cursor = [], ""
    while True:
        items, cursor = fetch(cursor)
        seen += items
        if not cursor:
            return seen


def test_it_pages_each_game_once_in_title_order(alice, alice_library, bob_library):
    expected = sorted(_household(alice, alice_library, bob_library))

    def entries(cursor):
        page = search_library(alice, LibraryFilters(), cursor=cursor, size=4)
        games = [(e.release.game.sort_title, e.release.game_id) for e in page.items]
        return games, page.next_cursor

    def cards(cursor):
        page = search_cards(alice, LibraryFilters(), cursor=cursor, size=4)
        return [
            (e.release.game.sort_title, e.release.game_id) for e in page.items
        ], page.next_cursor

    def rows(cursor):
        page = search_games(alice, LibraryFilters(), limit=4, cursor=cursor)
        return [(row.title.lower(), row.game_id) for row in page.items], page.next_cursor

    assert _walk(entries) == expected
    assert _walk(cards) == expected
    assert _walk(rows) == expected
