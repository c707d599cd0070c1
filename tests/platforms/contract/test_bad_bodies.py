"""A 200 whose body is not the documented shape, or is cut off, is MalformedResponse."""

from __future__ import annotations

import pytest

from platforms.errors import MalformedResponse
from tests.platforms.contract.conftest import Store


@pytest.mark.parametrize("failure", ["malformed", "truncated"])
def test_it_reports_unreadable_answers_as_malformed(store: Store, failure: str) -> None:
    client, _, account = store.connected()
    store.fake.fail_next(failure, count=50)

    with pytest.raises(MalformedResponse) as caught:
        client.get_owned_games(account)
    assert caught.value.permanent
    store.assert_no_secret_in(caught.value)
