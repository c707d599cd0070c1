"""Connecting proves the account and yields credentials a later sync can use on their own."""

from __future__ import annotations

from platforms.contract import MemoryCredentials
from platforms.records import OwnedGame, PlayerProfile
from tests.platforms.contract.conftest import Store


def test_it_connects_and_a_fresh_client_lists_the_owned_games(store: Store) -> None:
    connection = store.connect()

    assert isinstance(connection.profile, PlayerProfile)
    assert connection.profile.external_id and connection.profile.display_name
    client = store.client(MemoryCredentials(connection.credentials))
    games = client.get_owned_games(connection.profile.external_id)
    assert games and all(isinstance(game, OwnedGame) for game in games)
    assert len({game.external_id for game in games}) == len(games)
    assert all(game.name for game in games)
