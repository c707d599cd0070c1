"""The owned list: every page of the library, titles from the catalogue (not codenames), the
records that are not games left out, DLC told apart and tied to its base game, minutes played
merged by appName."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from platforms.contract import MemoryCredentials
from platforms.integrations.epic.client import EpicClient
from platforms.integrations.epic.fake_server import FakeEpic
from platforms.records import OwnedGame


def owned(fake: FakeEpic, build: Callable[..., EpicClient]) -> dict[str, OwnedGame]:
    connection = build().connect(fake.connect_values())
    client = build(MemoryCredentials(connection.credentials))
    return {game.external_id: game for game in client.get_owned_games(fake.world.account_id)}


def test_it_lists_every_item_by_app_name_with_its_catalogue_title(
    fake_epic: FakeEpic, epic_client: Callable[..., EpicClient]
) -> None:
    games = owned(fake_epic, epic_client)

    world = fake_epic.world
    assert len(world.items) > 100, "the library spans more than one page"
    assert set(games) == {item.app_name for item in world.items}
    for item in world.items:
        expected = item.title if item.in_catalog else f"{item.app_name} Live"
        assert games[item.app_name].name == expected
    assert not {"UE_Marketplace_Asset", "PrivateBuild"} & set(games)
    assert any(item.third_party for item in world.items if item.app_name in games)


def test_it_flags_dlc_and_names_its_base_game(
    fake_epic: FakeEpic, epic_client: Callable[..., EpicClient]
) -> None:
    games = owned(fake_epic, epic_client)

    dlcs = [item for item in fake_epic.world.items if item.is_dlc]
    assert len(dlcs) >= 2
    for item in dlcs:
        assert item.main_game is not None
        game = games[item.app_name]
        assert game.is_dlc
        assert game.parent_external_id == item.main_game.app_name
    unowned = [item for item in dlcs if item.main_game not in fake_epic.world.items]
    assert unowned, "the world has a DLC whose base game is not owned"
    assert all(not games[item.app_name].is_dlc for item in fake_epic.world.items if not item.is_dlc)


def test_it_merges_minutes_played_and_the_purchase_date(
    fake_epic: FakeEpic, epic_client: Callable[..., EpicClient]
) -> None:
    games = owned(fake_epic, epic_client)

    for item in fake_epic.world.items:
        game = games[item.app_name]
        seconds = item.seconds_played or 0
        assert game.playtime_minutes == (seconds + 30) // 60
        assert game.last_played is None  # Epic sends no date
        assert game.acquired_at == datetime.fromisoformat(item.acquired.replace("Z", "+00:00"))
    assert sum(1 for game in games.values() if game.playtime_minutes) > 10


def test_it_asks_the_catalogue_once_per_namespace_batch(
    fake_epic: FakeEpic, epic_client: Callable[..., EpicClient]
) -> None:
    connection = epic_client().connect(fake_epic.connect_values())
    client = epic_client(MemoryCredentials(connection.credentials))
    before = len(fake_epic.requests)

    client.get_owned_games(fake_epic.world.account_id)

    catalog = [r for r in fake_epic.requests[before:] if r.path.startswith("/catalog/")]
    namespaces = {item.namespace for item in fake_epic.world.items}
    assert len(catalog) == len(namespaces) < len(fake_epic.world.items)
    pages = [r for r in fake_epic.requests[before:] if r.path == "/library/api/public/items"]
    assert len(pages) == 2
