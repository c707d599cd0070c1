"""IGDB describes releases of every store: found by the store's id through external_games (the
``external_game_source`` field), else by title and year; what it says lands on the game, its id
is kept for the matcher, and the same game on two stores becomes one."""

from __future__ import annotations

from datetime import date

from games.models import Game, ReleaseExternalId, SourceMetadata
from games.services.enrichment import enrich_library


def test_it_finds_releases_by_store_id_and_fills_the_game(fake_igdb, household):
    result = enrich_library(household.steam.pk)

    assert result.finished and result.found["igdb"] == 2
    portal = Game.objects.get(pk=household.portal.game_id)
    assert portal.description == "Think with portals."
    assert portal.developers == ["Valve"]
    assert portal.release_date == date(2011, 4, 18)
    assert portal.esrb_rating == "E10+"
    assert sorted(g.name for g in portal.genres.all()) == ["Puzzle", "Shooter"]
    assert portal.time_to_beat_main == 8 * 60
    assert portal.time_to_beat_completionist == 22 * 60
    lookups = [r.body for r in fake_igdb.api_requests("external_games")]
    assert lookups and all("external_game_source = 1" in body for body in lookups)


def test_it_keeps_cover_art_and_pegi(fake_igdb, household):
    enrich_library(household.steam.pk)

    witcher = Game.objects.get(pk=household.witcher_steam.game_id)
    assert witcher.cover_url.endswith("/t_cover_big/co1wyy.jpg")
    assert witcher.header_url.endswith("/t_1080p/ar5kq.jpg")
    assert witcher.pegi_rating == "18"


def test_it_stores_the_igdb_id_and_joins_the_same_game_across_stores(fake_igdb, household):
    enrich_library(None)

    ids = dict(ReleaseExternalId.objects.filter(source="igdb").values_list("release_id", "value"))
    assert ids[household.witcher_steam.pk] == ids[household.witcher_gog.pk] == "1942"
    household.witcher_steam.refresh_from_db()
    household.witcher_gog.refresh_from_db()
    assert household.witcher_steam.game_id == household.witcher_gog.game_id


def test_it_falls_back_to_title_and_year(fake_igdb, household):
    enrich_library(household.gog.pk)

    grim = Game.objects.get(pk=household.grim.game_id)
    assert ReleaseExternalId.objects.get(release=household.grim, source="igdb").value == "11134"
    assert grim.esrb_rating == "T"
    assert any("search" in r.body for r in fake_igdb.api_requests("games"))


def test_it_marks_what_igdb_does_not_know_and_does_not_ask_again(fake_igdb, household):
    enrich_library(household.gog.pk)
    asked = len(fake_igdb.api_requests())

    row = SourceMetadata.objects.get(release=household.unknown, source="igdb")
    assert row.status == SourceMetadata.Status.UNAVAILABLE
    second = enrich_library(household.gog.pk)
    assert second.looked_up == 0
    assert len(fake_igdb.api_requests()) == asked
