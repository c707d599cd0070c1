"""A rejected suggestion is never suggested or joined again, whatever later runs find."""

from __future__ import annotations

import pytest

from games.models import Match, ReleaseExternalId
from games.services.curation import CurationError, accept_match, reject_match
from games.services.matching import match_releases
from tests.games.matching_support import game_of, release


def test_it_keeps_a_rejected_pair_apart_on_every_later_run(alice):
    steam = release("steam", "Fallout 3")
    gog = release("gog", "Fallout 3: Game of the Year Edition")
    match_releases(None)
    suggestion = Match.objects.get(status="suggested")
    reject_match(suggestion, user=alice)
    # Even a cross-store id arriving later does not rejoin them.
    ReleaseExternalId.objects.create(
        release=gog, source="galaxy_group", value=f"steam:{steam.external_id}"
    )
    report = match_releases(None)
    assert report.joins == report.suggestions == []
    assert game_of(steam) != game_of(gog)
    rejected = Match.objects.get()
    assert (rejected.status, rejected.decided_by) == ("rejected", alice)


def test_accepting_a_suggestion_merges_the_games(alice):
    steam = release("steam", "Fallout 3")
    gog = release("gog", "Fallout 3: Game of the Year Edition")
    match_releases(None)
    game = accept_match(Match.objects.get(), user=alice)
    assert game_of(steam) == game_of(gog) == game
    accepted = Match.objects.get()
    assert (accepted.status, accepted.decided_by, accepted.curation.kind) == (
        "accepted",
        alice,
        "merge",
    )
    assert match_releases(None).suggestions == []


def test_only_a_suggestion_can_be_rejected(alice):
    release("steam", "Hades")
    release("gog", "Hades")
    match_releases(None)
    with pytest.raises(CurationError, match="accepted, not a suggestion"):
        reject_match(Match.objects.get(), user=alice)
