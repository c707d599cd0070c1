"""Bodies we cannot read are permanent MalformedResponse errors, never retried or guessed at."""

from __future__ import annotations

import pytest

from platforms.errors import MalformedResponse
from platforms.integrations.steam.client import SteamClient
from platforms.integrations.steam.fake_server import FakeSteam, SteamWorld


def test_it_reports_a_truncated_body(
    fake_steam: FakeSteam, steam_client: SteamClient, world: SteamWorld
) -> None:
    fake_steam.malformed("GetOwnedGames")
    with pytest.raises(MalformedResponse) as caught:
        steam_client.get_owned_games(world.steamid)
    assert caught.value.permanent
    assert "GetOwnedGames" in caught.value.message
    assert len(fake_steam.requests) == 1


@pytest.mark.parametrize(
    "body",
    [
        "[]",
        '{"players": []}',
        '{"response": []}',
        '{"response": {"game_count": 2, "games": [{"name": "no appid"}]}}',
        '{"response": {"game_count": 1, "games": [{"appid": "ten"}]}}',
    ],
)
def test_it_reports_json_of_the_wrong_shape(
    fake_steam: FakeSteam, steam_client: SteamClient, world: SteamWorld, body: str
) -> None:
    fake_steam.fail_next(1, status=200, body=body)
    with pytest.raises(MalformedResponse):
        steam_client.get_owned_games(world.steamid)


def test_it_reports_an_html_page_where_json_was_expected(
    fake_steam: FakeSteam, steam_client: SteamClient, world: SteamWorld
) -> None:
    fake_steam.fail_next(1, status=200, body="<html><body>Maintenance</body></html>")
    with pytest.raises(MalformedResponse):
        steam_client.resolve_user(world.steamid)


def test_it_reports_an_unexpected_vanity_answer(
    fake_steam: FakeSteam, steam_client: SteamClient
) -> None:
    fake_steam.fail_next(1, status=200, body='{"response": {"success": 7}}')
    with pytest.raises(MalformedResponse):
        steam_client.resolve_user("demo")
