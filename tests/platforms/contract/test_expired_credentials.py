"""Expired credentials: a token store renews and saves them and carries on; a key store says
the key no longer works."""

from __future__ import annotations

import pytest

from platforms.errors import InvalidCredentials
from tests.platforms.contract.conftest import Store


def test_it_renews_an_expired_token_or_reports_an_expired_key(store: Store) -> None:
    client, credentials, account = store.connected()
    stored_before = credentials.load()
    store.fake.fail_next("expired_credentials")

    if not store.refreshes_tokens:
        with pytest.raises(InvalidCredentials) as caught:
            client.get_owned_games(account)
        assert caught.value.permanent
        store.assert_no_secret_in(caught.value)
        return

    assert client.get_owned_games(account)
    assert credentials.saves == 1, "the renewed credentials must be saved"
    renewed = credentials.load()
    assert renewed != stored_before
    # The saved credentials are the live ones: a client built from them works.
    fresh = store.client(type(credentials)(renewed))
    assert fresh.get_owned_games(account)
