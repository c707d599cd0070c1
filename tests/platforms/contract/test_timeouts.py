"""A store that stops answering is PlatformUnavailable, not a hang or a raw httpx error."""

from __future__ import annotations

import pytest

from platforms.errors import PlatformUnavailable
from tests.platforms.contract.conftest import Store


def test_it_reports_requests_that_time_out_as_unavailable(store: Store) -> None:
    client, _, account = store.connected()
    store.fake.fail_next("timeout", count=50)

    with pytest.raises(PlatformUnavailable) as caught:
        client.get_owned_games(account)
    assert not caught.value.permanent
    store.assert_no_secret_in(caught.value)
