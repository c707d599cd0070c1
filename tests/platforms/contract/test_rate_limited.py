"""429s, with and without Retry-After: retried, then RateLimited with a time to come back."""

from __future__ import annotations

import pytest

from platforms.errors import RateLimited
from tests.platforms.contract.conftest import ATTEMPTS, Store

KINDS = [("rate_limited", 1), ("rate_limited_no_header", None)]


@pytest.mark.parametrize(("failure", "retry_after"), KINDS, ids=["retry-after", "no-header"])
def test_it_raises_rate_limited_once_the_retries_are_spent(
    store: Store, failure: str, retry_after: int | None
) -> None:
    client, _, account = store.connected()
    store.fake.fail_next(failure, count=50, retry_after=retry_after)

    with pytest.raises(RateLimited) as caught:
        client.get_owned_games(account)
    assert not caught.value.permanent
    if retry_after:
        # The store's Retry-After, not our millisecond backoff, sets when to come back.
        assert caught.value.retry_after_seconds >= retry_after * 0.5
    store.assert_no_secret_in(caught.value)


@pytest.mark.parametrize(("failure", "retry_after"), KINDS, ids=["retry-after", "no-header"])
def test_it_gets_through_fewer_429s_than_its_attempts(
    store: Store, failure: str, retry_after: int | None
) -> None:
    client, _, account = store.connected()
    store.fake.fail_next(failure, count=ATTEMPTS - 2, retry_after=retry_after)

    assert client.get_owned_games(account)
