"""Trophies are the achievements of a PlayStation entry: the set's trophies and which ones the
account earned, for a played title (through its trophy set) and a trophy-only PS3/Vita title."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from platforms.contract import AchievementsClient
from platforms.errors import InvalidIdentifier
from platforms.integrations.playstation.fake_server import (
    FakePlayStation,
    PsnWorld,
    generate_playstation_world,
)
from tests.platforms.playstation_helpers import aimed_fake, connected, psn_client


@pytest.fixture
def world() -> PsnWorld:
    return generate_playstation_world(80, seed=9)


@pytest.fixture
def psn(settings: Any, world: PsnWorld) -> Iterator[FakePlayStation]:
    with aimed_fake(settings, world) as fake:
        yield fake


def test_it_reads_earned_and_total_trophies_of_a_played_title(
    psn: FakePlayStation, world: PsnWorld
) -> None:
    credentials, account = connected(psn)
    title = next(t for t in world.titles if t.np_id and t.category == "ps5_native_game")
    trophy_set = world.trophy_set(title.np_id or "")
    assert trophy_set is not None

    with psn_client(credentials) as client:
        assert isinstance(client, AchievementsClient)
        client.get_owned_games(account)
        schema = client.get_achievement_schema(title.title_id)
        player = client.get_player_achievements(account, title.title_id)

    assert len(schema) == trophy_set.trophies
    assert schema[0].api_name == "0" and schema[0].description.startswith("Platinum trophy.")
    assert player.status == "ok"
    earned = [a for a in player.achievements if a.unlocked]
    assert len(earned) == trophy_set.earned
    assert all(a.unlocked_at is not None for a in earned)
    assert {a.api_name for a in player.achievements} == {d.api_name for d in schema}


def test_it_finds_the_trophy_set_of_a_title_with_a_fresh_client(
    psn: FakePlayStation, world: PsnWorld
) -> None:
    """A resumed sync builds a new client that never listed the games: it asks Sony."""
    credentials, account = connected(psn)
    title = next(t for t in world.titles if t.np_id)
    before = psn.mapping_requests

    with psn_client(credentials) as client:
        player = client.get_player_achievements(account, title.title_id)
        client.get_achievement_schema(title.title_id)

    assert player.status == "ok" and player.achievements
    assert psn.mapping_requests - before == 1


@pytest.mark.parametrize("platforms", ["PS3", "PSVITA"])
def test_it_reads_trophies_of_a_trophy_only_title_by_its_set_id(
    psn: FakePlayStation, world: PsnWorld, platforms: str
) -> None:
    credentials, account = connected(psn)
    trophy_set = next(s for s in world.trophy_sets if s.platforms == platforms)

    with psn_client(credentials) as client:
        player = client.get_player_achievements(account, trophy_set.np_id)

    assert sum(a.unlocked for a in player.achievements) == trophy_set.earned


def test_it_tries_the_ps5_trophy_service_for_a_set_id_it_has_not_listed(
    psn: FakePlayStation, world: PsnWorld
) -> None:
    credentials, _ = connected(psn)
    trophy_set = next(s for s in world.trophy_sets if s.service == "trophy2")

    with psn_client(credentials) as client:
        schema = client.get_achievement_schema(trophy_set.np_id)

    assert len(schema) == trophy_set.trophies


def test_it_says_no_stats_for_a_played_title_without_trophies(
    psn: FakePlayStation, world: PsnWorld
) -> None:
    credentials, account = connected(psn)
    title = next(t for t in world.titles if t.np_id is None)

    with psn_client(credentials) as client:
        games = {g.external_id: g for g in client.get_owned_games(account)}
        assert not games[title.title_id].has_stats
        assert client.get_player_achievements(account, title.title_id).status == "no_stats"
        assert client.get_achievement_schema(title.title_id) == []


def test_it_refuses_an_id_that_is_neither_a_title_nor_a_trophy_set(psn: FakePlayStation) -> None:
    credentials, account = connected(psn)
    with psn_client(credentials) as client, pytest.raises(InvalidIdentifier):
        client.get_player_achievements(account, "../../etc")
