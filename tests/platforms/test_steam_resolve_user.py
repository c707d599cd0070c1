"""Finding a Steam account from what a user types: SteamID64, custom URL name or profile URL."""

from __future__ import annotations

import pytest

from platforms.errors import InvalidIdentifier, UnknownUser
from platforms.integrations.steam.client import SteamClient
from platforms.integrations.steam.fake_server import PRIVATE_VANITY, FakeSteam, SteamWorld


@pytest.mark.parametrize(
    "identifier",
    [
        "76561197960287930",
        "demo",
        "  DEMO ",
        "https://steamcommunity.com/id/demo/",
        "https://steamcommunity.com/id/demo",
        "steamcommunity.com/id/demo/",
        "http://www.steamcommunity.com/id/demo/?l=german#top",
        "https://steamcommunity.com/profiles/76561197960287930/",
        "https://steamcommunity.com/profiles/76561197960287930/games/?tab=all",
    ],
)
def test_it_resolves_every_way_of_naming_the_account(
    steam_client: SteamClient, world: SteamWorld, identifier: str
) -> None:
    profile = steam_client.resolve_user(identifier)
    assert profile.external_id == world.steamid
    assert profile.display_name == "Djinn 🎮 Demo"
    assert profile.is_public is True
    assert profile.profile_url == "https://steamcommunity.com/id/demo/"
    assert profile.avatar_url.endswith("_full.jpg")


def test_it_only_asks_for_the_vanity_when_given_a_name(
    fake_steam: FakeSteam, steam_client: SteamClient, world: SteamWorld
) -> None:
    steam_client.resolve_user(world.steamid)
    assert fake_steam.counts_by_endpoint() == {"ISteamUser/GetPlayerSummaries": 1}
    fake_steam.reset_log()
    steam_client.resolve_user("demo")
    assert fake_steam.counts_by_endpoint() == {
        "ISteamUser/ResolveVanityURL": 1,
        "ISteamUser/GetPlayerSummaries": 1,
    }


def test_it_says_which_custom_url_name_matched_nobody(steam_client: SteamClient) -> None:
    with pytest.raises(UnknownUser) as caught:
        steam_client.resolve_user("nobody-here")
    assert "nobody-here" in caught.value.message
    assert caught.value.permanent


def test_it_says_which_steamid_does_not_exist(steam_client: SteamClient) -> None:
    with pytest.raises(UnknownUser, match="76561198000000000"):
        steam_client.resolve_user("76561198000000000")


def test_it_marks_a_private_profile_as_not_public(steam_client: SteamClient) -> None:
    profile = steam_client.resolve_user(PRIVATE_VANITY)
    assert profile.is_public is False
    assert profile.display_name == "Hidden Hermit"


@pytest.mark.parametrize(
    ("identifier", "complaint"),
    [
        ("", "Enter a SteamID64"),
        ("   ", "Enter a SteamID64"),
        ("x", "custom URL name"),
        ("not a name!", "custom URL name"),
        ("a" * 33, "custom URL name"),
        ("12345678901234567", "not a SteamID64"),
        ("7656119796028793", "not a SteamID64"),
        ("https://example.com/id/demo/", "steamcommunity.com"),
        ("https://steamcommunity.com/groups/valve", "looks like"),
        ("https://steamcommunity.com/profiles/123/", "not a SteamID64"),
        ("https://steamcommunity.com/id/bad name!/", "not a valid Steam custom URL"),
    ],
)
def test_it_rejects_input_that_cannot_be_an_account_before_asking_steam(
    fake_steam: FakeSteam, steam_client: SteamClient, identifier: str, complaint: str
) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        steam_client.resolve_user(identifier)
    assert complaint in caught.value.message
    assert isinstance(caught.value, ValueError)
    assert fake_steam.requests == []
