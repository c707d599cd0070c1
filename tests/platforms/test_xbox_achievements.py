"""Achievements per title: names, icons, rarity and the player's unlocks from one paged call."""

from __future__ import annotations

from platforms.contract import MemoryCredentials
from platforms.integrations.xbox.client import XboxClient
from platforms.integrations.xbox.fake_server import ACHIEVEMENTS_PER_PAGE, FakeXbox, XboxWorld


def _title_with_many(world: XboxWorld) -> int:
    title = next(t for t in world.games if t.achievements > ACHIEVEMENTS_PER_PAGE and t.unlocked)
    return title.title_id


def test_it_reads_schema_and_unlocks_of_a_title_with_one_request_per_page(
    xbox_connected: tuple[XboxClient, MemoryCredentials],
    fake_xbox: FakeXbox,
    xbox_world: XboxWorld,
) -> None:
    client, credentials = xbox_connected
    title_id = _title_with_many(xbox_world)
    title = xbox_world.title(title_id)
    assert title is not None
    before = len(fake_xbox.requests)

    schema = client.get_achievement_schema(str(title_id))
    player = client.get_player_achievements(credentials.load()["xuid"], str(title_id))

    assert len(fake_xbox.requests) - before == 2  # two pages, shared by both calls
    assert len(schema) == title.achievements
    assert len({a.api_name for a in schema}) == len(schema)
    assert all(a.icon_url.startswith("https://") and a.global_percent for a in schema)
    assert player.status == "ok"
    unlocked = [a for a in player.achievements if a.unlocked]
    assert len(unlocked) == title.unlocked
    assert all(a.unlocked_at is not None for a in unlocked)
    assert all(a.unlocked_at is None for a in player.achievements if not a.unlocked)


def test_it_reads_the_player_again_when_asked_without_a_schema_first(
    xbox_connected: tuple[XboxClient, MemoryCredentials],
    fake_xbox: FakeXbox,
    xbox_world: XboxWorld,
) -> None:
    client, credentials = xbox_connected
    title_id = str(_title_with_many(xbox_world))
    xuid = credentials.load()["xuid"]
    client.get_achievement_schema(title_id)
    client.get_player_achievements(xuid, title_id)
    before = len(fake_xbox.requests)

    client.get_player_achievements(xuid, title_id)

    assert len(fake_xbox.requests) - before == 2  # nothing stale is served from the cache


def test_it_says_no_stats_for_a_title_without_achievements(
    xbox_connected: tuple[XboxClient, MemoryCredentials], xbox_world: XboxWorld
) -> None:
    client, credentials = xbox_connected
    bare = next(t for t in xbox_world.games if t.achievements == 0)

    assert client.get_achievement_schema(str(bare.title_id)) == []
    player = client.get_player_achievements(credentials.load()["xuid"], str(bare.title_id))
    assert player.status == "no_stats"
