"""A metadata source that fails leaves everything else as it was: the store's metadata and the
games stay, the other source goes on, the failure is recorded for the settings page, and the
releases are looked up again next time."""

from __future__ import annotations

import pytest

from games.models import Game, SourceMetadata
from games.services.catalogue import keep_source_metadata, resolve_metadata
from games.services.enrichment import enrich_library, metadata_progress
from tests.metadata.conftest import store_details


@pytest.fixture
def described_by_steam(household):
    keep_source_metadata(
        "steam", [(household.portal, store_details(description="From Steam.", genres=["RPG"]))]
    )
    resolve_metadata([household.portal.game_id])
    return household


@pytest.mark.parametrize("failure", ["server_error", "malformed", "not_a_list", "timeout"])
def test_igdb_failing_leaves_the_store_metadata_intact(fake_igdb, described_by_steam, failure):
    household = described_by_steam
    fake_igdb.fail_next(failure, count=10)

    result = enrich_library(household.steam.pk)

    assert not result.finished and result.errors
    portal = Game.objects.get(pk=household.portal.game_id)
    assert portal.description == "From Steam."
    assert [g.name for g in portal.genres.all()] == ["Role-playing"]
    assert not SourceMetadata.objects.filter(source="igdb").exists()
    igdb = next(p for p in metadata_progress() if p.source == "igdb")
    assert igdb.last_error and igdb.pending == igdb.releases


def test_a_rate_limit_parks_the_lookups_with_a_time_to_retry(fake_igdb, household):
    fake_igdb.fail_next("rate_limited", count=10, retry_after=30)

    result = enrich_library(household.steam.pk)

    assert not result.finished and result.retry_at is not None
    fake_igdb._failures.clear()
    assert enrich_library(household.steam.pk).finished  # the next try resumes and finishes
    assert SourceMetadata.objects.filter(source="igdb").count() == 2


@pytest.mark.parametrize("failure", ["server_error", "moved", "malformed", "rate_limited"])
def test_howlongtobeat_failing_leaves_igdb_to_do_its_part(fake_igdb, fake_hltb, household, failure):
    fake_hltb.fail_next(failure, count=10)

    enrich_library(household.steam.pk)

    assert Game.objects.get(pk=household.portal.game_id).time_to_beat_main == 8 * 60
    assert SourceMetadata.objects.filter(source="igdb").count() == 2
    assert not SourceMetadata.objects.filter(source="hltb").exists()
