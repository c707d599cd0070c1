"""The database itself refuses impossible rows, whichever door wrote them."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from games.models import Game, Match
from libraries.models import SyncRun
from tests.factories import GameFactory, LibraryGameFactory, ReleaseFactory, SyncRunFactory


def _refused(make) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_it_allows_one_active_sync_per_library(alice_library):
    SyncRunFactory(library=alice_library, status=SyncRun.Status.RUNNING)
    _refused(lambda: SyncRunFactory(library=alice_library, status=SyncRun.Status.QUEUED))
    SyncRunFactory(library=alice_library, status=SyncRun.Status.SUCCEEDED)  # history is fine


def test_it_keeps_one_release_per_store_id(db):
    release = ReleaseFactory(external_id="620")
    _refused(lambda: ReleaseFactory(external_id="620", platform=release.platform))


def test_it_keeps_one_entry_per_release_and_library(alice_library):
    entry = LibraryGameFactory(library=alice_library)
    _refused(lambda: LibraryGameFactory(library=alice_library, release=entry.release))


def test_it_bounds_ratings_and_scores(alice_library):
    _refused(lambda: LibraryGameFactory(library=alice_library, user_rating=11))
    _refused(lambda: GameFactory(metacritic_score=101))


def test_it_refuses_a_match_of_a_release_with_itself(db):
    release = ReleaseFactory()
    _refused(
        lambda: Match.objects.create(release=release, matched_release=release, method="manual")
    )


def test_it_normalizes_titles_for_matching_and_sorting(db):
    game = Game.objects.create(title="The Witcher® 3: Wild Hunt \u2013 Game of the Year Edition")
    assert game.normalized_title == "witcher 3 wild hunt"
    assert game.sort_title.startswith("witcher")
