"""Analytics and recommendations see a game owned on two stores as one game with its total."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from games.services.analytics import analyze_gaming_patterns
from games.services.recommendations import recommend_games
from games.services.rollups import refresh_game_rollups
from libraries.models import LibraryGame
from tests.factories import LibraryGameFactory
from tests.games.merged import merged_game


def test_analytics_counts_the_game_once_with_its_total(alice, alice_library):
    merged_game(alice, alice_library)
    LibraryGameFactory(library=alice_library, release__game__title="Celeste")
    patterns = analyze_gaming_patterns(alice, time_period="all")
    assert (patterns.games, patterns.played, patterns.never_played) == (2, 1, 1)
    assert patterns.backlog == 2
    assert [(t.title, t.minutes) for t in patterns.most_played] == [("Hollow Knight", 480)]
    assert [(t.title, t.minutes) for t in patterns.recently_played] == [("Hollow Knight", 480)]
    assert patterns.total_minutes == 480
    # One library's view counts its own copies.
    mine = analyze_gaming_patterns(alice, time_period="all", library_id=alice_library.pk)
    assert [(t.title, t.minutes) for t in mine.most_played] == [("Hollow Knight", 180)]


def test_a_game_played_on_one_store_is_not_recommended_as_never_played(alice, alice_library):
    merged = merged_game(alice, alice_library)
    # Only the Steam copy has no playtime; the game has 5 h on GOG, last played 40 days ago.
    LibraryGame.objects.filter(pk=merged.steam.pk).update(playtime_minutes=0, last_played_at=None)
    LibraryGame.objects.filter(pk=merged.gog.pk).update(
        last_played_at=timezone.now() - timedelta(days=40)
    )
    refresh_game_rollups(game_ids=[merged.game.pk])  # what the sync writing them does
    LibraryGameFactory(library=alice_library, release__game__title="Celeste")
    found = recommend_games(alice, criteria="unplayed")
    assert [item.title for item in found.items] == ["Celeste"]
    unfinished = recommend_games(alice, criteria="unfinished")
    assert [(i.title, i.playtime_minutes, sorted(i.platforms)) for i in unfinished.items] == [
        ("Hollow Knight", 300, ["GOG", "Steam"])
    ]
