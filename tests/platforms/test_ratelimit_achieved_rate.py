"""End to end against the fake store: the limiter keeps the pipe full and never causes a 429.

The store's budget is compressed from 200 per 5 minutes to 20 per second. The client's window is
2 % longer than the store's, the margin that absorbs jitter between our admission time and the
server's arrival time (production settings should keep a larger one); the achieved rate must
still reach 95 % of the store's limit.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from platforms.errors import RateLimited
from platforms.integrations.steam.client import SteamClient
from platforms.integrations.steam.fake_server import FakeSteam, SteamWorld
from platforms.ratelimit import MemoryWindowStore, SlidingWindowLimiter

LIMIT, WINDOW = 20, 1.0


def test_it_reaches_95_percent_of_the_store_limit_with_zero_429s(
    fake_steam: FakeSteam, make_client: Callable[..., SteamClient], world: SteamWorld
) -> None:
    fake_steam.set_rate_limit("store", (LIMIT, WINDOW))
    limiter = SlidingWindowLimiter("rate-store", LIMIT, WINDOW * 1.02, MemoryWindowStore())
    client = make_client(store_limiter=limiter)
    appids = list(world.apps)
    for n in range(3 * LIMIT + 1):
        client.get_app_details(appids[n % len(appids)])
    arrivals = [r.at for r in fake_steam.requests]
    assert fake_steam.counts_by_status("store") == {200: 3 * LIMIT + 1}
    achieved = 3 * LIMIT / (arrivals[-1] - arrivals[0])
    assert achieved >= 0.95 * LIMIT / WINDOW


def test_it_would_be_throttled_without_the_limiter(
    fake_steam: FakeSteam, make_client: Callable[..., SteamClient], world: SteamWorld
) -> None:
    """The control for the test above: the fake does enforce the limit."""
    fake_steam.set_rate_limit("store", (LIMIT, WINDOW))
    client = make_client()  # the fixture's limiter allows 1000 per second
    appids = list(world.apps)
    with pytest.raises(RateLimited):
        for n in range(LIMIT + 1):
            client.get_app_details(appids[n % len(appids)])
    assert fake_steam.counts_by_status("store")[429] >= 1
