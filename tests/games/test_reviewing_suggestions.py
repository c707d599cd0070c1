"""Reviewing the matcher's suggestions as one user: both sides as the user owns them, accept,
reject, undo, and nobody else's suggestion."""

from __future__ import annotations

import pytest

from games.models import Match, Release
from games.services import NotFound, review
from tests.games.review_support import suggested_pair


def test_it_lists_a_suggestion_with_both_sides_and_the_evidence(alice):
    _, _, match = suggested_pair(alice)
    listed = review.list_suggestions(alice)
    assert listed.total == 1 == review.open_suggestion_count(alice)
    item = listed.items[0]
    assert item.match_id == match.pk and item.evidence
    sides = {
        item.release.platform: item.release,
        item.matched_release.platform: item.matched_release,
    }
    assert (sides["steam"].playtime_minutes, sides["gog"].playtime_minutes) == (600, 90)
    assert sides["gog"].year == 2008


def test_it_accepts_then_undoes_the_merge(alice):
    steam, gog, match = suggested_pair(alice)
    result = review.accept(alice, match.pk)
    assert result.open_suggestions == 0
    assert (
        Release.objects.get(pk=steam.release_id).game_id
        == Release.objects.get(pk=gog.release_id).game_id
    )
    change = review.recent_changes(alice).items[0]
    assert change.kind == "merge"
    review.undo_change(alice, "merge", change.change_id)
    assert (
        Release.objects.get(pk=steam.release_id).game_id
        != Release.objects.get(pk=gog.release_id).game_id
    )
    assert Match.objects.get(pk=match.pk).status == "undone"


def test_it_rejects_then_reopens_the_suggestion(alice):
    _, _, match = suggested_pair(alice)
    assert review.reject(alice, match.pk).open_suggestions == 0
    change = review.recent_changes(alice).items[0]
    assert (change.kind, change.change_id) == ("reject", match.pk)
    assert review.undo_change(alice, "reject", match.pk).open_suggestions == 1


def test_another_users_suggestion_does_not_exist_for_them(alice, bob):
    _, _, match = suggested_pair(alice)
    assert review.list_suggestions(bob).total == 0
    for attempt in (review.accept, review.reject):
        with pytest.raises(NotFound):
            attempt(bob, match.pk)
    assert Match.objects.get(pk=match.pk).status == "suggested"


def test_it_merges_two_games_and_splits_a_release_off(alice, bob):
    steam, gog, _ = suggested_pair(alice)
    game = steam.release.game_id
    review.merge(alice, game, gog.release.game_id)
    assert Release.objects.get(pk=gog.release_id).game_id == game
    with pytest.raises(NotFound):
        review.split(bob, gog.release_id)
    new = review.split(alice, gog.release_id).game_id
    assert Release.objects.get(pk=gog.release_id).game_id == new != game
