"""cross_platform_games: games owned on more than one platform, with playtime on each."""

from __future__ import annotations

from games.services.cross_platform import cross_platform_games


def test_it_lists_games_owned_on_several_platforms_with_playtime_each(alice, game_world):
    result = cross_platform_games(alice)
    assert result.total == 1
    [game] = result.items
    assert game.title == "Stardew Valley"
    assert [(c.platform, c.playtime_minutes) for c in game.copies] == [
        ("steam", 6000),
        ("gog", 300),
    ]
    assert (game.total_playtime_minutes, game.most_played_on) == (6300, "Steam")
    assert (game.platform_count, game.duplicate_on) == (2, [])


def test_it_shows_nothing_of_other_users(bob, game_world):
    assert cross_platform_games(bob).total == 0
