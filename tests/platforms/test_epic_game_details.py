"""Catalogue metadata for an owned item, asked for by its appName: what the catalogue says,
images by type, DLC linked to the base game; no second lookup for what a sync already read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from platforms.contract import MemoryCredentials
from platforms.errors import InvalidIdentifier
from platforms.integrations.epic.client import EpicClient
from platforms.integrations.epic.fake_server import EpicItem, FakeEpic


def signed_in(fake: FakeEpic, build: Callable[..., EpicClient]) -> EpicClient:
    connection = build().connect(fake.connect_values())
    return build(MemoryCredentials(connection.credentials))


def a_game(fake: FakeEpic) -> EpicItem:
    return next(i for i in fake.world.items if not i.is_dlc and i.in_catalog and i.third_party)


def test_it_reads_description_images_studios_and_release_date(
    fake_epic: FakeEpic, epic_client: Callable[..., EpicClient]
) -> None:
    item = a_game(fake_epic)

    details = signed_in(fake_epic, epic_client).get_app_details(item.app_name)

    assert details is not None
    assert details.external_id == item.app_name
    assert details.store_name == item.title
    assert details.type == "game"
    assert details.description == item.description
    assert details.developers == [item.developer]
    assert details.publishers == [item.publisher]
    assert details.release_date == date.fromisoformat(item.released[:10])
    assert details.library_image.endswith("_DieselGameBoxTall.jpg")
    assert details.header_image.endswith("_DieselGameBox.jpg")
    assert details.background_image.endswith("_DieselStoreFrontWide.jpg")
    assert "windows" in details.platforms
    assert details.parent_external_id is None
    assert details.raw["appName"] == item.app_name


def test_it_links_a_dlc_to_its_base_game_even_one_not_owned(
    fake_epic: FakeEpic, epic_client: Callable[..., EpicClient]
) -> None:
    client = signed_in(fake_epic, epic_client)

    for item in (i for i in fake_epic.world.items if i.is_dlc):
        assert item.main_game is not None
        details = client.get_app_details(item.app_name)
        assert details is not None
        assert details.type == "dlc"
        assert details.parent_external_id == item.main_game.app_name
        assert details.raw["fullgame"] == {"name": item.main_game.title}


def test_it_reuses_what_the_owned_list_read(
    fake_epic: FakeEpic, epic_client: Callable[..., EpicClient]
) -> None:
    client = signed_in(fake_epic, epic_client)
    client.get_owned_games(fake_epic.world.account_id)
    before = len(fake_epic.requests)

    for item in fake_epic.world.items[:20]:
        client.get_app_details(item.app_name)

    assert len(fake_epic.requests) == before


def test_it_answers_none_for_what_epic_no_longer_lists(
    fake_epic: FakeEpic, epic_client: Callable[..., EpicClient]
) -> None:
    client = signed_in(fake_epic, epic_client)
    delisted = next(i for i in fake_epic.world.items if not i.in_catalog)

    assert client.get_app_details("NotInThisLibrary") is None
    assert client.get_app_details(delisted.app_name) is None
    with pytest.raises(InvalidIdentifier):
        client.get_app_details("../../etc/passwd?x")
