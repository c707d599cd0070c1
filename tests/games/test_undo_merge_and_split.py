"""Every merge and split is recorded and can be undone: undoing a merge gives each release its
own game back (same id, same metadata); undoing a split rejoins the release."""

from __future__ import annotations

import datetime as dt

import pytest

from games.models import Curation, Game, Match
from games.services.curation import CurationError, merge_games, split_release, undo
from games.services.matching import match_releases
from tests.factories import GameFactory, GenreFactory
from tests.games.matching_support import game_of, release


def test_undoing_the_matchers_join_gives_each_release_its_game_back(alice):
    steam = release("steam", "Hades", year=2020)
    gog = release("gog", "Hades", year=2020)
    gog_game = game_of(gog)
    gog_game.genres.add(GenreFactory(name="Roguelike"))
    match_releases(None)
    merged = Curation.objects.get(kind="merge")
    assert game_of(steam) == game_of(gog)
    undo(merged, user=alice)
    restored = game_of(gog)
    assert restored.pk == gog_game.pk
    assert restored.release_date == dt.date(2020, 6, 1)
    assert list(restored.genres.values_list("name", flat=True)) == ["Roguelike"]
    assert game_of(steam) != restored
    assert Match.objects.get().status == "undone"
    # An undone join is not made again.
    assert match_releases(None).joins == []
    assert game_of(steam) != game_of(gog)


def test_undoing_a_manual_merge_brings_the_merged_game_back(alice):
    target, other = GameFactory(title="Portal 2"), GameFactory(title="Portal 2 (GOG)")
    kept, moved = release("steam", "Portal 2"), release("gog", "Portal 2 (GOG)")
    for item, game in ((kept, target), (moved, other)):
        item.game = game
        item.save()
    merge_games(target, [other], user=alice)
    assert not Game.objects.filter(pk=other.pk).exists()
    undo(Curation.objects.get(kind="merge"), user=alice)
    assert game_of(moved) == Game.objects.get(pk=other.pk)
    assert game_of(kept) == target


def test_undoing_a_split_rejoins_the_release(alice):
    steam, gog = release("steam", "Hades"), release("gog", "Hades")
    match_releases(None)
    joined = game_of(steam)
    split_release(gog, user=alice)
    assert game_of(gog) != joined
    assert match_releases(None).joins == []  # the split pair stays apart
    split = Curation.objects.get(kind="split")
    undo(split, user=alice)
    assert game_of(gog) == joined
    assert Match.objects.get().status == "accepted"
    assert split.pk and Curation.objects.get(pk=split.pk).undone_by == alice


def test_it_undoes_a_change_only_once(alice):
    release("steam", "Hades")
    release("gog", "Hades")
    match_releases(None)
    merged = Curation.objects.get()
    undo(merged)
    with pytest.raises(CurationError, match="already been undone"):
        undo(merged)
