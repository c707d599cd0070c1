"""An account that owns nothing connects, and lists nothing, without an error."""

from __future__ import annotations

from tests.platforms.contract.conftest import Store


def test_it_lists_an_empty_library_as_an_empty_list(store: Store) -> None:
    store.fake.set_titles([])
    client, _, account = store.connected()

    assert client.get_owned_games(account) == []
