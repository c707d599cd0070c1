"""game_details: one game with every copy, playtime per platform and achievements progress."""

from __future__ import annotations

import pytest

from games.services import NotFound
from games.services.search import game_details


def test_it_lists_every_copy_with_its_playtime(alice, game_world):
    detail = game_details(alice, game_world.id("Stardew Valley"))
    copies = {(c.platform, c.playtime_minutes) for c in detail.owned_on}
    assert copies == {("steam", 6000), ("gog", 300)}
    assert detail.total_playtime_minutes == 6300
    assert detail.genres == ["RPG", "Simulation"]


def test_it_reports_achievements_progress_without_spoiling_hidden_ones(alice, game_world):
    detail = game_details(alice, game_world.id("Hades"))
    assert (detail.achievements.total, detail.achievements.unlocked) == (6, 4)
    assert detail.achievements.percent == 66
    assert [a.name for a in detail.achievements.recently_unlocked] == [
        "Hades 3",
        "Hades 2",
        "Hades 1",
        "Hades 0",
    ]
    locked = {a.name: a.description for a in detail.achievements.next_to_unlock}
    assert list(locked) == ["Hades 4", "Hades 5"]  # easiest (most unlocked globally) first
    assert locked["Hades 5"] == "Hidden until unlocked."
    assert detail.owned_on[0].achievements_unlocked == 4


def test_it_narrows_to_one_library(alice, game_world):
    detail = game_details(alice, game_world.id("Stardew Valley"), game_world.alice_gog.pk)
    assert [c.platform for c in detail.owned_on] == ["gog"]
    with pytest.raises(NotFound, match="not in your library"):
        game_details(alice, game_world.id("Hades"), game_world.alice_gog.pk)


def test_it_answers_not_found_for_others_games_and_games_above_the_cap(alice, charlie, game_world):
    with pytest.raises(NotFound, match="no game"):
        game_details(alice, game_world.id("Bob's Secret"))
    with pytest.raises(NotFound, match="no game"):
        game_details(charlie, game_world.id("Gore Fest"))
    assert game_details(charlie, game_world.id("Kids Kart")).title == "Kids Kart"
