"""Aiming the app's Steam client at a fake Steam (platforms.integrations.steam.fake_server)
through settings, so every test builds the client the way production does."""

from __future__ import annotations

from typing import Any

# Millisecond retries: failure paths run in milliseconds and one test's back-off never slows
# the next. Generous limits: only the rate-limit tests want the limiter to say no.
FAST_HTTP_SETTINGS: dict[str, Any] = {
    "HTTP_RETRY_ATTEMPTS": 3,
    "HTTP_RETRY_BASE_SECONDS": 0.001,
    "HTTP_RETRY_CAP_SECONDS": 0.005,
    "HTTP_RETRY_BUDGET_SECONDS": 2.0,
}


def aim_at_fake_steam(settings: Any, url: str, *, api_key: str = "") -> None:
    """Point STEAM_* settings at the fake at URL, with fast retries and generous limits."""
    values = {
        **FAST_HTTP_SETTINGS,
        "STEAM_API_URL": url,
        "STEAM_STORE_URL": url,
        "STEAM_API_KEY": api_key,
        "STEAM_API_RATE_LIMIT": (10_000, 1),
        "STEAM_STORE_RATE_LIMIT": (10_000, 1),
        "STEAM_HTTP_TIMEOUT": 5.0,
    }
    for name, value in values.items():
        setattr(settings, name, value)
