"""The title history becomes the library: games only, exact titles, decimal title ids, last
played, minutes played read in batches, and achievements flagged only where they can be read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from typing import Any

from platforms.contract import MemoryCredentials
from platforms.integrations.xbox.client import XboxClient, is_game
from platforms.integrations.xbox.fake_server import FakeXbox, XboxWorld, generate_xbox_world


def test_it_lists_the_games_of_the_history_and_leaves_apps_and_pc_programs_out(
    xbox_connected: tuple[XboxClient, MemoryCredentials], xbox_world: XboxWorld
) -> None:
    client, credentials = xbox_connected

    games = {g.external_id: g for g in client.get_owned_games(credentials.load()["xuid"])}

    assert set(games) == {str(t.title_id) for t in xbox_world.games}
    names = {g.name for g in games.values()}
    assert "YouTube" not in names and "Dolphin" not in names
    assert all(game.external_id == str(int(game.external_id)) for game in games.values())
    for title in xbox_world.games:
        game = games[str(title.title_id)]
        assert game.name == title.name
        assert game.playtime_minutes == (title.minutes or 0)
        assert game.last_played is not None and game.last_played.tzinfo is UTC
        assert game.last_played.strftime("%Y-%m-%dT%H:%M:%S") == title.last_played[:19]
        assert game.icon_url.startswith("https://")
        assert game.has_stats == (title.achievements > 0 and not title.legacy_360)


def test_it_asks_for_minutes_in_batches_of_at_most_a_hundred_titles(
    xbox_connected: tuple[XboxClient, MemoryCredentials], fake_xbox: FakeXbox
) -> None:
    client, credentials = xbox_connected

    games = client.get_owned_games(credentials.load()["xuid"])

    batches = [r.batch for r in fake_xbox.requests if r.path == "/api/v2/player/stats"]
    assert sum(batches) == len(games) == 150
    assert batches == [100, 50]


def test_it_reads_a_five_thousand_title_history(
    xbox_client: Callable[..., XboxClient], fake_xbox: FakeXbox
) -> None:
    fake_xbox.world = generate_xbox_world(5000, seed=9)
    connection = xbox_client().connect(fake_xbox.connect_values())
    client = xbox_client(MemoryCredentials(connection.credentials))

    games = client.get_owned_games(connection.profile.external_id)

    assert len(games) == 5000
    assert (
        sum(1 for r in fake_xbox.requests if r.path == "/api/v2/player/stats") == 50
    )  # connecting reads no minutes


def test_it_reads_bare_answers_as_well_as_wrapped_ones(
    xbox_connected: tuple[XboxClient, MemoryCredentials], fake_xbox: FakeXbox
) -> None:
    client, credentials = xbox_connected
    wrapped = client.get_owned_games(credentials.load()["xuid"])
    fake_xbox.envelope = False

    assert client.get_owned_games(credentials.load()["xuid"]) == wrapped


def test_it_treats_the_year_one_as_never_played(
    xbox_connected: tuple[XboxClient, MemoryCredentials], fake_xbox: FakeXbox
) -> None:
    fake_xbox.set_titles(["Never Launched"])
    fake_xbox.world.titles[0].last_played = "0001-01-01T00:00:00Z"
    client, credentials = xbox_connected

    [game] = client.get_owned_games(credentials.load()["xuid"])
    assert game.last_played is None


def test_it_tells_games_from_apps_by_type_then_media_type() -> None:
    entry: dict[str, Any] = {"type": "Game", "devices": ["XboxOne"]}
    assert is_game(entry)
    assert not is_game({**entry, "type": "App"})
    assert not is_game({**entry, "devices": ["Win32"]})
    assert is_game({"mediaItemType": "Xbox360Game", "devices": ["Xbox360"]})
    assert not is_game({"mediaItemType": "Application", "devices": ["XboxOne"]})
