"""The fake Steam itself: a realistic, deterministic world served in the documented wire format.

Tests, benchmarks and the demo mode all trust it, so its shapes are checked against
docs/wire-formats.md directly, with plain httpx rather than our client.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from platforms.integrations.steam.fake_server import (
    FORBIDDEN_HTML,
    TOO_MANY_REQUESTS_HTML,
    FakeSteam,
    SteamWorld,
    generate_world,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


def get(fake: FakeSteam, path: str, **params: str | int) -> httpx.Response:
    return httpx.get(fake.url + path, params=params, timeout=5)


def test_it_generates_the_same_world_from_the_same_seed() -> None:
    first, second = generate_world(300, seed=5), generate_world(300, seed=5)
    assert first.player.owned == second.player.owned
    assert first.apps == second.apps
    assert first.api_key == second.api_key
    assert generate_world(300, seed=6).player.owned != first.player.owned


def test_it_generates_ten_thousand_distinct_games() -> None:
    world = generate_world(10_000)
    assert len(world.player.owned) == 10_000
    assert len({g["name"] for g in world.player.owned}) == 10_000


def test_it_mixes_the_documented_quirks_into_a_large_world() -> None:
    world = generate_world(2_000)
    owned = world.player.owned
    appids = [g["appid"] for g in owned]
    assert appids == sorted(appids), "GetOwnedGames lists games in ascending appid order"
    with_stats = sum(1 for g in owned if g.get("has_community_visible_stats"))
    assert 0.5 < with_stats / len(owned) < 0.7
    assert all(g.get("has_community_visible_stats") is not False for g in owned)
    never = [g for g in owned if g["rtime_last_played"] == 0]
    assert never and all(g["playtime_forever"] == 0 and "playtime_2weeks" not in g for g in never)
    assert any("playtime_2weeks" in g for g in owned)
    apps = [a for a in world.apps.values() if a is not None]
    assert sum(1 for a in world.apps.values() if a is None) > 10, "some apps are delisted"
    dlc = [a for a in apps if a["type"] == "dlc"]
    assert dlc and all(isinstance(a["fullgame"]["appid"], str) for a in dlc)
    assert all(int(a["fullgame"]["appid"]) in world.apps for a in dlc)
    assert any(isinstance(a["required_age"], str) for a in apps)
    assert any("metacritic" not in a for a in apps) and any("metacritic" in a for a in apps)
    assert any("ratings" not in a for a in apps)
    assert any("descriptors" in a.get("ratings", {}).get("esrb", {}) for a in apps)
    assert any(a["name"].startswith("<script>") for a in apps)
    assert any(not a["name"].isascii() for a in apps)
    schemas = [s["availableGameStats"].get("achievements", []) for s in world.schemas.values()]
    hidden = [a for entries in schemas for a in entries if a["hidden"]]
    assert hidden and all("description" not in a for a in hidden)
    percents = [p["percent"] for entries in world.percentages.values() for p in entries]
    assert all(re.fullmatch(r"\d+\.\d", p) for p in percents)


def test_it_serves_owned_games_with_or_without_app_info(
    fake_steam: FakeSteam, world: SteamWorld
) -> None:
    base = {"key": world.api_key, "steamid": world.steamid}
    full = get(
        fake_steam,
        "/IPlayerService/GetOwnedGames/v1/",
        **base,
        include_appinfo=1,
        include_played_free_games=1,
    )
    bare = get(fake_steam, "/IPlayerService/GetOwnedGames/v0001", **base)
    assert full.headers["Content-Type"].startswith("application/json")
    assert "name" in full.json()["response"]["games"][0]
    assert "name" not in bare.json()["response"]["games"][0]
    assert full.json()["response"]["game_count"] == len(world.player.owned)
    free = {a for a, data in world.apps.items() if data is not None and data["is_free"]}
    assert free, "the world should own a few free-to-play games"
    assert bare.json()["response"]["game_count"] == len(world.player.owned) - len(free)


def test_it_answers_a_missing_parameter_with_steams_400_page(
    fake_steam: FakeSteam, world: SteamWorld
) -> None:
    response = get(fake_steam, "/IPlayerService/GetOwnedGames/v1/", key=world.api_key)
    assert response.status_code == 400
    assert "Required parameter 'steamid' is missing" in response.text
    no_key = get(fake_steam, "/IPlayerService/GetOwnedGames/v1/", steamid=world.steamid)
    assert no_key.status_code == 400


def test_it_checks_the_key_on_web_api_calls_but_not_on_keyless_ones(
    fake_steam: FakeSteam, world: SteamWorld
) -> None:
    wrong = get(fake_steam, "/ISteamUser/GetPlayerSummaries/v2/", key="x", steamids=world.steamid)
    assert (wrong.status_code, wrong.text) == (403, FORBIDDEN_HTML)
    appid = next(iter(world.percentages))
    keyless = get(
        fake_steam, "/ISteamUserStats/GetGlobalAchievementPercentagesForApp/v2/", gameid=appid
    )
    assert keyless.status_code == 200


def test_it_refuses_several_appids_unless_only_prices_are_asked_for(
    fake_steam: FakeSteam, world: SteamWorld
) -> None:
    ids = ",".join(str(a) for a, data in list(world.apps.items())[:3])
    refused = get(fake_steam, "/api/appdetails", appids=ids)
    assert (refused.status_code, refused.text) == (400, "null")
    prices = get(fake_steam, "/api/appdetails", appids=ids, filters="price_overview")
    assert prices.status_code == 200
    assert len(prices.json()) == 3


def test_it_escapes_slashes_in_store_json_like_php(
    fake_steam: FakeSteam, world: SteamWorld
) -> None:
    appid = next(a for a, data in world.apps.items() if data is not None)
    response = get(fake_steam, "/api/appdetails", appids=appid)
    assert "https:\\/\\/" in response.text
    assert response.json()[str(appid)]["data"]["header_image"].startswith("https://")


def test_it_rate_limits_each_surface_and_counts_every_answer(
    fake_steam: FakeSteam, world: SteamWorld
) -> None:
    fake_steam.set_rate_limit("store", (2, 60))
    fake_steam.retry_after = 7
    appid = next(iter(world.apps))
    statuses = [get(fake_steam, "/api/appdetails", appids=appid).status_code for _ in range(3)]
    throttled = get(fake_steam, "/api/appdetails", appids=appid)
    assert statuses == [200, 200, 429]
    assert (throttled.text, throttled.headers["Retry-After"]) == (TOO_MANY_REQUESTS_HTML, "7")
    summaries = get(
        fake_steam, "/ISteamUser/GetPlayerSummaries/v2/", key=world.api_key, steamids=world.steamid
    )
    assert summaries.status_code == 200, "the Web API has its own budget"
    assert fake_steam.counts_by_status("store") == {200: 2, 429: 2}
    assert fake_steam.counts_by_endpoint() == {
        "api/appdetails": 4,
        "ISteamUser/GetPlayerSummaries": 1,
    }
    fake_steam.set_rate_limit("store", None)
    assert get(fake_steam, "/api/appdetails", appids=appid).status_code == 200


def test_it_fails_exactly_the_next_n_requests(fake_steam: FakeSteam, world: SteamWorld) -> None:
    fake_steam.fail_next(2, status=500)
    path, params = "/ISteamUser/ResolveVanityURL/v1/", {"key": world.api_key, "vanityurl": "demo"}
    answers = [get(fake_steam, path, **params) for _ in range(3)]
    assert [a.status_code for a in answers] == [500, 500, 200]
    assert "Failed to forward request message to internal server" in answers[0].text


def test_it_can_hide_the_store(world: SteamWorld) -> None:
    with FakeSteam(world, serve_store=False) as fake:
        assert get(fake, "/api/appdetails", appids=10).status_code == 404


def test_it_runs_as_a_command_for_the_demo_mode() -> None:
    command = [sys.executable, "-m", "platforms.integrations.steam.fake_server", "--games", "25"]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env, cwd=REPO_ROOT)
    try:
        assert process.stdout is not None
        banner = [process.stdout.readline() for _ in range(7)]
        text = "".join(banner)
        url = re.search(r"STEAM_API_URL=(\S+)", text)
        key = re.search(r"STEAM_API_KEY=(\S+)", text)
        assert url and key, text
        assert "76561197960287930" in text and "demo" in text
        response = httpx.get(
            url.group(1) + "/IPlayerService/GetOwnedGames/v1/",
            params={
                "key": key.group(1),
                "steamid": "76561197960287930",
                "include_played_free_games": 1,
            },
            timeout=5,
        )
        assert response.json()["response"]["game_count"] == 25
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
    assert process.returncode == 0
