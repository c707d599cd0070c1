"""Store appdetails: every documented quirk, served over HTTP by the fake store."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from platforms.errors import MalformedResponse, RateLimited
from platforms.integrations.steam.client import STORE_BLOCK_PAUSE_SECONDS, SteamClient
from platforms.integrations.steam.fake_server import FakeSteam, SteamWorld

APPID = 2552430
PARENT = 1245620


def kingdom_hearts_like() -> dict[str, Any]:
    """Shaped after the recorded 2552430 fixture: seven rating boards, no metacritic."""
    return {
        "type": "game",
        "name": "KINGDOM HEARTS -HD 1.5+2.5 ReMIX-",
        "steam_appid": APPID,
        "required_age": "12",
        "is_free": False,
        "short_description": "Relive &quot;KINGDOM HEARTS&quot; &amp; more <b>in HD</b>.",
        "about_the_game": "<p>Sora &amp; friends</p>",
        "developers": ["Square Enix"],
        "publishers": ["Square Enix"],
        "website": None,
        "platforms": {"windows": True, "mac": False, "linux": False},
        "categories": [{"id": 2, "description": "Single-player"}],
        "genres": [{"id": "1", "description": "Action"}, {"id": "3", "description": "RPG"}],
        "screenshots": [
            {"id": 0, "path_thumbnail": "https://cdn/t0.jpg", "path_full": "https://cdn/f0.jpg"},
            {"id": 1, "path_thumbnail": "https://cdn/t1.jpg", "path_full": "https://cdn/f1.jpg"},
        ],
        "release_date": {"coming_soon": False, "date": "Jun 13, 2024"},
        "header_image": "https://shared.akamai.steamstatic.com/store_item_assets/steam/apps/2552430/header.jpg?t=1",
        "capsule_image": "https://cdn/capsule.jpg",
        "background": "https://cdn/bg.jpg",
        "linux_requirements": [],
        "content_descriptors": {"ids": [2, 5], "notes": None},
        "ratings": {
            "esrb": {"rating": "e10", "descriptors": "Fantasy Violence\r\nMild Blood"},
            "pegi": {"rating": "12"},
            "usk": {"rating": "12"},
            "oflc": {"rating": "pg"},
            "cero": {"rating": "b"},
            "dejus": {"rating_generated": "1", "rating": "12", "required_age": "12"},
            "steam_germany": {"rating": "12", "descriptors": "Gewalt\nAngst"},
        },
    }


def test_it_reads_a_full_store_page_into_a_record(
    steam_client: SteamClient, world: SteamWorld
) -> None:
    world.apps[APPID] = kingdom_hearts_like()
    details = steam_client.get_app_details(APPID)
    assert details is not None
    assert details.external_id == str(APPID)
    assert details.store_name == "KINGDOM HEARTS -HD 1.5+2.5 ReMIX-"
    assert details.type == "game"
    assert details.description == 'Relive "KINGDOM HEARTS" & more in HD.'
    assert details.about_html == "<p>Sora &amp; friends</p>"
    assert details.genres == ["Action", "RPG"]
    assert details.categories == ["Single-player"]
    assert details.release_date == date(2024, 6, 13)
    assert details.release_date_text == "Jun 13, 2024"
    assert details.coming_soon is False
    assert details.esrb_rating == "E10+"
    assert details.esrb_descriptors == ["Fantasy Violence", "Mild Blood"]
    assert details.pegi_rating == "12"
    assert details.required_age == 12, "required_age arrives as a string here"
    assert details.content_descriptor_ids == [2, 5]
    assert details.content_descriptor_notes == ""
    assert details.metacritic_score is None
    assert details.metacritic_url == ""
    assert details.screenshots == ["https://cdn/f0.jpg", "https://cdn/f1.jpg"]
    assert details.platforms == ["windows"]
    assert details.website == ""
    assert details.parent_external_id is None
    assert details.library_image == (
        "https://shared.akamai.steamstatic.com/store_item_assets/steam/apps/2552430/"
        "library_600x900.jpg"
    )
    assert details.raw["ratings"]["cero"] == {"rating": "b"}


def test_it_reads_a_dlc_parent_sent_as_a_string(
    steam_client: SteamClient, world: SteamWorld
) -> None:
    world.apps[APPID] = {
        "type": "dlc",
        "name": "ELDEN RING Shadow of the Erdtree",
        "steam_appid": APPID,
        "required_age": 17,
        "fullgame": {"appid": str(PARENT), "name": "ELDEN RING"},
        "metacritic": {"score": 94, "url": "https://www.metacritic.com/game/x"},
        "release_date": {"coming_soon": False, "date": "21 Jun, 2024"},
        "ratings": {"esrb": {"rating": "m"}},
    }
    details = steam_client.get_app_details(APPID)
    assert details is not None
    assert details.type == "dlc"
    assert details.parent_external_id == str(PARENT)
    assert details.required_age == 17
    assert details.metacritic_score == 94
    assert details.metacritic_url == "https://www.metacritic.com/game/x"
    assert details.release_date == date(2024, 6, 21)
    assert details.esrb_rating == "M"
    assert details.esrb_descriptors == []


def test_it_leaves_ratings_empty_when_no_board_rated_the_game(
    steam_client: SteamClient, world: SteamWorld
) -> None:
    data = kingdom_hearts_like()
    data["ratings"] = {"usk": {"rating": "16"}, "dejus": {"rating": "14"}}
    world.apps[APPID] = data
    details = steam_client.get_app_details(APPID)
    assert details is not None
    assert (details.esrb_rating, details.pegi_rating, details.esrb_descriptors) == ("", "", [])


def test_it_keeps_the_requested_id_when_the_store_aliases_the_app(
    steam_client: SteamClient, world: SteamWorld
) -> None:
    data = kingdom_hearts_like()
    data["steam_appid"] = APPID + 10
    world.apps[APPID] = data
    details = steam_client.get_app_details(str(APPID))
    assert details is not None
    assert details.external_id == str(APPID)
    assert details.raw["steam_appid"] == APPID + 10
    assert f"/apps/{APPID + 10}/library_600x900.jpg" in details.library_image


def test_it_returns_none_for_a_delisted_app(
    fake_steam: FakeSteam, steam_client: SteamClient, world: SteamWorld
) -> None:
    world.apps[APPID] = None
    assert steam_client.get_app_details(APPID) is None
    assert steam_client.get_app_details(999_999_990) is None
    assert fake_steam.counts_by_status("store") == {200: 2}


def test_it_reads_every_generated_store_page(steam_client: SteamClient, world: SteamWorld) -> None:
    """The generated world mixes every quirk; none of them may break parsing."""
    for appid, data in world.apps.items():
        details = steam_client.get_app_details(appid)
        if data is None:
            assert details is None
            continue
        assert details is not None
        assert details.store_name == data["name"]
        assert "<" not in details.description.replace("<b>", "").replace("</b>", "")
        if isinstance(data["required_age"], str):
            assert details.required_age == int(data["required_age"])
        if "fullgame" in data:
            assert details.parent_external_id == data["fullgame"]["appid"]


def test_it_keeps_markup_in_titles_as_plain_text(
    steam_client: SteamClient, world: SteamWorld
) -> None:
    data = kingdom_hearts_like()
    data["name"] = '<script>alert("djinn")</script> Tycoon'
    data["short_description"] = "Type &lt;b&gt;commands&lt;/b&gt; to build <i>anything</i>."
    world.apps[APPID] = data
    details = steam_client.get_app_details(APPID)
    assert details is not None
    assert details.store_name == '<script>alert("djinn")</script> Tycoon'
    assert details.description == "Type <b>commands</b> to build anything."


def test_it_treats_a_null_body_as_a_rate_limit_and_retries(
    fake_steam: FakeSteam, steam_client: SteamClient, world: SteamWorld
) -> None:
    world.apps[APPID] = kingdom_hearts_like()
    fake_steam.fail_next(2, status=200, surface="store", body="null")
    assert steam_client.get_app_details(APPID) is not None
    assert len(fake_steam.requests) == 3


def test_it_raises_rate_limited_when_the_store_keeps_answering_null(
    fake_steam: FakeSteam, steam_client: SteamClient
) -> None:
    fake_steam.fail_next(50, status=200, surface="store", body="null")
    with pytest.raises(RateLimited):
        steam_client.get_app_details(APPID)
    assert len(fake_steam.requests) == 5


def test_it_retries_store_429s_then_raises_rate_limited(
    fake_steam: FakeSteam, steam_client: SteamClient
) -> None:
    fake_steam.fail_next(50, status=429, surface="store")
    with pytest.raises(RateLimited):
        steam_client.get_app_details(APPID)
    assert fake_steam.counts_by_status("store") == {429: 5}


def test_it_stops_all_store_traffic_for_15_minutes_after_a_403(
    fake_steam: FakeSteam, steam_client: SteamClient
) -> None:
    fake_steam.fail_next(1, status=403, surface="store")
    before = datetime.now(UTC)
    with pytest.raises(RateLimited) as caught:
        steam_client.get_app_details(APPID)
    waited = (caught.value.retry_at - before).total_seconds()
    assert STORE_BLOCK_PAUSE_SECONDS - 5 <= waited <= STORE_BLOCK_PAUSE_SECONDS + 5
    with pytest.raises(RateLimited):
        steam_client.get_app_details(APPID)
    assert len(fake_steam.requests) == 1, "no request may reach a store that has blocked us"


def test_it_reports_a_truncated_store_answer_as_malformed(
    fake_steam: FakeSteam, steam_client: SteamClient, world: SteamWorld
) -> None:
    world.apps[APPID] = kingdom_hearts_like()
    fake_steam.malformed("appdetails")
    with pytest.raises(MalformedResponse) as caught:
        steam_client.get_app_details(APPID)
    assert caught.value.permanent
    assert len(fake_steam.requests) == 1


def test_it_reports_an_answer_for_another_app_as_malformed(
    fake_steam: FakeSteam, steam_client: SteamClient
) -> None:
    fake_steam.fail_next(1, status=200, surface="store", body='{"10":{"success":false}}')
    with pytest.raises(MalformedResponse):
        steam_client.get_app_details(APPID)
