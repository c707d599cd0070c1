"""games_by_content_rating: at or below a rating, with unrated games handled explicitly."""

from __future__ import annotations

import pytest

from games.queries import InvalidFilter
from games.services.search import games_by_content_rating


def test_it_lists_games_at_or_below_the_rating_and_counts_the_unrated(alice, game_world):
    result = games_by_content_rating(alice, "e10")
    assert {row.title for row in result.items} == {"Stardew Valley", "Portal 2"}
    assert result.allowed_ratings == ["E", "E10+"]
    assert result.unrated_count == 1
    assert result.above_count == 3  # Hades (T), Disco Elysium and Doom Eternal (M)
    assert result.note.startswith("1 unrated game is left out")


def test_it_includes_unrated_games_only_when_asked(alice, game_world):
    result = games_by_content_rating(alice, "E", include_unrated=True)
    assert {row.title for row in result.items} == {"Stardew Valley", "Tiny Unrated"}
    assert result.total == 2  # Stardew (one game, on Steam and on GOG), Tiny Unrated


def test_it_keeps_the_accounts_own_cap_under_any_request(charlie, game_world):
    result = games_by_content_rating(charlie, "AO", include_unrated=True)
    assert [row.title for row in result.items] == ["Kids Kart"]
    assert result.unrated_count == 0


def test_it_names_the_field_for_an_unknown_rating(alice, game_world):
    with pytest.raises(InvalidFilter, match=r"^esrb_rating: Unknown ESRB rating 'PG'"):
        games_by_content_rating(alice, "PG")
