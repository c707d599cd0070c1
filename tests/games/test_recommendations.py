"""recommend_games: explainable suggestions from the user's own library."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from games.services import ServiceError
from games.services.recommendations import recommend_games
from tests.games.world import own


def test_it_gives_every_suggestion_a_reason_from_the_data(alice, game_world):
    result = recommend_games(alice)
    by_title = {item.title: item for item in result.items}
    assert by_title["Disco Elysium"].reasons[0] == "unplayed_acclaimed"
    assert (
        "never played" in by_title["Disco Elysium"].reason
        and "91" in by_title["Disco Elysium"].reason
    )
    assert all(item.reason for item in result.items)
    assert result.items == sorted(result.items, key=lambda item: -item.score)


def test_it_never_suggests_completed_abandoned_or_others_games(alice, game_world):
    titles = {item.title for item in recommend_games(alice, limit=100).items}
    assert "Portal 2" not in titles  # completed
    assert "Doom Eternal" not in titles  # abandoned
    assert "Bob's Secret" not in titles


def test_it_suggests_unfinished_games_with_when_you_stopped(alice, game_world):
    # Stardew Valley's GOG copy was last played 30 days ago, but the game was played on Steam
    # since: the game is not unfinished.
    assert recommend_games(alice, criteria="unfinished").items == []
    own(
        game_world.alice_gog,
        "Hollow Knight",
        playtime_minutes=300,
        last_played_at=timezone.now() - timedelta(days=40),
    )
    result = recommend_games(alice, criteria="unfinished")
    assert [item.title for item in result.items] == ["Hollow Knight"]
    assert "You put 5.0 h into it and stopped on" in result.items[0].reason


def test_it_explains_a_favourite_genre_pick(alice, game_world):
    result = recommend_games(alice, criteria="favourite_genre")
    assert result.favourite_genre in {"RPG", "Simulation"}
    assert [item.title for item in result.items] == ["Disco Elysium"]
    assert "RPG is" in result.items[0].reason


def test_it_restricts_to_a_genre_and_names_the_field_when_unknown(alice, game_world):
    assert {i.title for i in recommend_games(alice, genre_preference="puzzle").items} == {
        "Tiny Unrated"
    }
    with pytest.raises(
        ServiceError, match=r"^genre_preference: you own no games in the genre 'Horror'"
    ):
        recommend_games(alice, genre_preference="Horror")


def test_it_respects_the_rating_cap(charlie, game_world):
    assert [item.title for item in recommend_games(charlie, limit=100).items] == ["Kids Kart"]
