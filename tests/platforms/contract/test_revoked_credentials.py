"""Revoked credentials end in a typed, permanent error that asks the owner to act."""

from __future__ import annotations

import pytest

from platforms.errors import InvalidCredentials, ReconnectRequired
from tests.platforms.contract.conftest import Store


def test_it_reports_revoked_credentials_with_a_typed_permanent_error(store: Store) -> None:
    client, _, account = store.connected()
    store.fake.fail_next("revoked_credentials")

    expected = ReconnectRequired if store.refreshes_tokens else InvalidCredentials
    with pytest.raises(expected) as caught:
        client.get_owned_games(account)
    assert caught.value.permanent
    store.assert_no_secret_in(caught.value)
