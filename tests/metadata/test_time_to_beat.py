"""Time to beat: HowLongToBeat's figure when it has one, IGDB's otherwise; shown on the game
page, a library filter ("under 10 hours"), a recommendation constraint and in MCP."""

from __future__ import annotations

from games.models import Game
from games.queries import LibraryFilters, filter_entries
from games.services.enrichment import enrich_library
from games.services.recommendations import recommend_games
from mcp_bridge.server import build_server
from tests.mcp.conftest import call


def test_howlongtobeat_wins_and_igdb_fills_what_it_lacks(fake_igdb, fake_hltb, household):
    enrich_library(household.steam.pk)

    portal = Game.objects.get(pk=household.portal.game_id)
    assert (portal.time_to_beat_main, portal.time_to_beat_completionist) == (9 * 60, 21 * 60)
    witcher = Game.objects.get(pk=household.witcher_steam.game_id)
    assert witcher.time_to_beat_main == 52 * 60  # HowLongToBeat
    assert witcher.time_to_beat_completionist == 172 * 60  # HowLongToBeat has none: IGDB's


def test_igdb_is_the_fallback_when_howlongtobeat_is_off(fake_igdb, household):
    enrich_library(household.steam.pk)

    assert Game.objects.get(pk=household.portal.game_id).time_to_beat_main == 8 * 60


def test_the_library_filters_games_under_n_hours(fake_igdb, household, alice):
    enrich_library(None)

    short = filter_entries(alice, LibraryFilters(time_to_beat_max=10))
    assert {entry.release_id for entry in short} == {household.portal.pk}
    longer = filter_entries(alice, LibraryFilters(time_to_beat_max=60))
    assert household.witcher_steam.pk in {entry.release_id for entry in longer}


def test_the_game_page_shows_it(fake_igdb, household, alice, client):
    enrich_library(household.steam.pk)
    client.force_login(alice)

    page = client.get(f"/games/{household.portal.game_id}/").content.decode()

    assert "Time to beat" in page and "main story" in page


def test_recommendations_keep_to_games_that_fit(fake_igdb, household, alice):
    enrich_library(None)

    result = recommend_games(alice, criteria="unplayed", max_hours=10)

    assert [item.game_id for item in result.items] == [household.portal.game_id]
    assert "fits in your 10 h" in result.items[0].reason


def test_mcp_filters_and_details_carry_it(fake_igdb, household, alice):
    enrich_library(household.steam.pk)
    server = build_server(user=alice)

    found = call(server, "search_games", {"time_to_beat_max": 10}).structuredContent
    details = call(
        server, "get_game_details", {"game_id": household.portal.game_id}
    ).structuredContent

    assert [item["title"] for item in found["items"]] == ["Portal 2"]
    assert found["items"][0]["time_to_beat_hours"] == 8.0
    assert details["time_to_beat"]["completionist_hours"] == 22.0
