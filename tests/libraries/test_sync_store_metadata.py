"""Phase 2: store metadata fills the game; the owned-list name stays its title."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from games.models import Game, Release, SourceMetadata
from libraries.models import SyncRun
from tests.libraries.conftest import run_sync_now


def _game(appid) -> Game:
    return Game.objects.get(releases__external_id=str(appid))


def _first(world, predicate):
    return next(
        g["appid"]
        for g in world.player.owned
        if world.apps[g["appid"]] and predicate(world.apps[g["appid"]])
    )


def test_it_fills_every_field_from_the_store(library, world):
    appid = _first(world, lambda a: "metacritic" in a and "esrb" in a.get("ratings", {}))
    data = world.apps[appid]

    run_sync_now(library, phases=["owned", "details"])

    game = _game(appid)
    release = Release.objects.get(external_id=str(appid))
    assert game.metadata_status == Game.MetadataStatus.FETCHED
    assert game.title == data["name"] == release.store_name
    assert game.description and "&amp;" not in game.description
    assert sorted(game.genres.values_list("name", flat=True)) == sorted(
        g["description"] for g in data["genres"]
    )
    assert sorted(game.categories.values_list("name", flat=True)) == sorted(
        c["description"] for c in data["categories"]
    )
    assert game.developers == data["developers"] and game.publishers == data["publishers"]
    assert game.metacritic_score == data["metacritic"]["score"]
    assert game.metacritic_url == data["metacritic"]["url"]
    assert game.header_url == data["header_image"] and game.capsule_url == data["capsule_image"]
    assert game.cover_url.endswith("/library_600x900.jpg")
    assert game.screenshots == [s["path_full"] for s in data["screenshots"]]
    assert "windows" in game.os_platforms
    assert game.is_free == data["is_free"]
    assert game.required_age == int(data["required_age"])
    assert game.release_date_text == data["release_date"]["date"]
    assert release.raw["steam_appid"] == appid


def test_it_keeps_the_owned_list_name_as_the_title(library, world):
    appid = world.player.owned[4]["appid"]
    owned_name = world.player.owned[4]["name"]
    world.apps[appid]["name"] = "STORE NAME™ (Deluxe)"

    run_sync_now(library, phases=["owned", "details"])

    assert _game(appid).title == owned_name
    assert Release.objects.get(external_id=str(appid)).store_name == "STORE NAME™ (Deluxe)"


def test_it_takes_esrb_from_the_rating_boards_only(library, world):
    rated = _first(world, lambda a: a.get("ratings", {}).get("esrb", {}).get("rating") == "m")
    unrated = _first(
        world, lambda a: "esrb" not in a.get("ratings", {}) and int(a["required_age"] or 0) >= 17
    )
    world.apps[unrated]["short_description"] = "Mature violence, blood and gore for adults only."

    run_sync_now(library, phases=["owned", "details"])

    assert _game(rated).esrb_rating == "M"
    unrated_game = _game(unrated)
    assert (unrated_game.esrb_rating, unrated_game.esrb_descriptors) == ("", [])
    assert unrated_game.required_age >= 17  # kept as the store's age gate, not turned into ESRB


def test_it_links_a_dlc_to_its_base_game_and_creates_a_missing_one(library, world):
    demo = _first(world, lambda a: a["type"] == "demo")
    base = int(world.apps[demo]["fullgame"]["appid"])
    dlc = world.player.owned[10]["appid"]
    world.apps[dlc] |= {"type": "dlc", "fullgame": {"appid": "99999990", "name": "Not Owned Base"}}

    run_sync_now(library, phases=["owned", "details"])

    assert _game(demo).parent == _game(base)
    assert _game(demo).game_type == Game.Type.DEMO
    dlc_game = _game(dlc)
    assert dlc_game.game_type == Game.Type.DLC
    assert dlc_game.parent.title == "Not Owned Base"
    assert not dlc_game.parent.releases.get().ownerships.exists()  # known, but not owned


def test_it_marks_delisted_games_and_keeps_them(library, world):
    delisted = [g["appid"] for g in world.player.owned if world.apps[g["appid"]] is None]

    run = run_sync_now(library, phases=["owned", "details"])

    assert run.status == SyncRun.Status.SUCCEEDED
    for appid in delisted:
        game = _game(appid)
        assert game.metadata_status == Game.MetadataStatus.UNAVAILABLE
        assert game.releases.get().ownerships.filter(library=library, removed_at=None).exists()


def test_it_refetches_only_pending_or_stale_games_unless_forced(library, world, steam, settings):
    run_sync_now(library, phases=["owned", "details"])
    stale = _game(world.player.owned[0]["appid"])
    SourceMetadata.objects.filter(release__game=stale, source="steam").update(
        fetched_at=timezone.now() - timedelta(days=settings.METADATA_STALE_DAYS + 1)
    )
    steam.reset_log()

    run = run_sync_now(library, phases=["details"])

    assert (run.done, run.total, run.details_fetched) == (1, 1, 1)
    assert steam.counts_by_endpoint("store")["api/appdetails"] == 1

    steam.reset_log()
    run = run_sync_now(library, phases=["details"], force=True)

    assert run.details_fetched == 60
    assert steam.counts_by_endpoint("store")["api/appdetails"] == 60


def test_it_parses_the_release_date_when_it_is_a_date(library, world):
    appid = world.player.owned[2]["appid"]
    world.apps[appid]["release_date"] = {"coming_soon": False, "date": "10 Oct, 2007"}

    run_sync_now(library, phases=["owned", "details"])

    assert _game(appid).release_date == date(2007, 10, 10)
