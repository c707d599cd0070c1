"""OpenXBL's hourly quota: a 429 is parked until the moment its X-RateLimit-Reset names, even
when the answer carries no Retry-After."""

from __future__ import annotations

import time

import pytest

from platforms.contract import MemoryCredentials
from platforms.errors import RateLimited
from platforms.integrations.xbox.client import XboxClient, reset_seconds
from platforms.integrations.xbox.fake_server import FakeXbox


def test_it_parks_until_the_quota_resets_when_only_the_reset_time_is_given(
    xbox_connected: tuple[XboxClient, MemoryCredentials], fake_xbox: FakeXbox
) -> None:
    client, credentials = xbox_connected
    fake_xbox.reset_only = True
    fake_xbox.fail_next("rate_limited", count=5, retry_after=1800)
    started = time.monotonic()

    with pytest.raises(RateLimited) as caught:
        client.get_owned_games(credentials.load()["xuid"])

    assert 1700 <= caught.value.retry_after_seconds <= 1800 * 1.25 + 5
    assert time.monotonic() - started < 30  # parked at once, not slept through
    assert len([r for r in fake_xbox.requests if r.status == 429]) == 1


def test_it_reads_the_reset_as_a_unix_time_or_as_seconds() -> None:
    assert reset_seconds("1700003600", now=1_700_000_000) == 3600
    assert reset_seconds("1699990000", now=1_700_000_000) == 0
    assert reset_seconds("90") == 90
    assert reset_seconds("soon") is None
    assert reset_seconds(None) is None
