"""The app's Steam client aimed at a fake Steam (platforms.integrations.steam.fake_server)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

from platforms.http import RetryPolicy
from platforms.integrations.steam.client import SteamClient
from platforms.ratelimit import MemoryWindowStore, SlidingWindowLimiter

FAST_RETRY = RetryPolicy(attempts=3, base=0.001, cap=0.005, budget_seconds=2.0)


def fast_steam_clients(url: str) -> Callable[[str | None], SteamClient]:
    """A factory for libraries.services.libraries.PLATFORM_CLIENTS that builds the client as
    production does, aimed at the fake Steam at URL, with millisecond retries and a rate limiter
    of its own: failure paths run in milliseconds and one test's back-off never slows the next."""

    def build(api_key: str | None) -> SteamClient:
        store = MemoryWindowStore()
        return SteamClient(
            api_key=api_key or settings.STEAM_API_KEY,
            api_url=url,
            store_url=url,
            api_limiter=SlidingWindowLimiter("test-api", 10_000, 1, store),
            store_limiter=SlidingWindowLimiter("test-store", 10_000, 1, store),
            retry=FAST_RETRY,
            timeout=5.0,
        )

    return build
