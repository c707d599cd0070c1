"""5xx bursts: a short one is retried away; a lasting one is PlatformUnavailable."""

from __future__ import annotations

import pytest

from platforms.errors import PlatformUnavailable
from tests.platforms.contract.conftest import ATTEMPTS, Store


def test_it_retries_through_a_burst_shorter_than_its_attempts(store: Store) -> None:
    client, _, account = store.connected()
    store.fake.fail_next("server_error", count=ATTEMPTS - 1)

    assert client.get_owned_games(account)


def test_it_reports_a_lasting_outage_as_unavailable(store: Store) -> None:
    client, _, account = store.connected()
    store.fake.fail_next("server_error", count=50)

    with pytest.raises(PlatformUnavailable) as caught:
        client.get_owned_games(account)
    assert not caught.value.permanent
    store.assert_no_secret_in(caught.value)
