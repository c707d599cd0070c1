"""Curators merge two games into one (recording a manual match) and split a release off again."""

from __future__ import annotations

import pytest
from django.urls import reverse

from games.models import Game, Match
from games.services.curation import CurationError, merge_games, split_release
from tests.factories import GameFactory, LibraryGameFactory, ReleaseFactory


def test_it_merges_games_and_records_why(alice):
    target = GameFactory(title="Portal 2")
    duplicate = GameFactory(title="Portal 2 (Steam)")
    kept = ReleaseFactory(game=target)
    moved = ReleaseFactory(game=duplicate)
    merge_games(target, [duplicate], user=alice)
    moved.refresh_from_db()
    assert moved.game == target
    assert not Game.objects.filter(pk=duplicate.pk).exists()
    match = Match.objects.get(release=moved)
    assert (match.matched_release, match.method, match.verified, match.created_by) == (
        kept,
        "manual",
        True,
        alice,
    )


def test_it_keeps_ownership_when_merging(alice_library):
    entry = LibraryGameFactory(library=alice_library, playtime_minutes=42)
    target = GameFactory()
    ReleaseFactory(game=target)
    merge_games(target, [entry.release.game])
    entry.refresh_from_db()
    assert entry.release.game == target
    assert entry.playtime_minutes == 42


def test_it_splits_a_release_off_and_forgets_the_match(alice):
    target, duplicate = GameFactory(), GameFactory()
    ReleaseFactory(game=target)
    moved = ReleaseFactory(game=duplicate, store_name="Portal 2 GOTY")
    merge_games(target, [duplicate], user=alice)
    new_game = split_release(moved)
    assert new_game.title == "Portal 2 GOTY"
    assert not Match.objects.filter(release=moved).exists()


def test_it_refuses_to_split_a_lonely_release(db):
    with pytest.raises(CurationError, match="nothing to split"):
        split_release(ReleaseFactory())


def test_it_offers_merge_as_an_admin_action(alice_client):
    first, second = GameFactory(title="A"), GameFactory(title="B")
    ReleaseFactory(game=first)
    ReleaseFactory(game=second)
    response = alice_client.post(
        reverse("admin:games_game_changelist"),
        {"action": "merge_selected", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    assert "Merged 1 game(s)" in response.content.decode()
    assert list(Game.objects.values_list("title", flat=True)) == ["A"]
