"""Retry policy of the shared HTTP wrapper, against the real fake-Steam server.

Only 429/5xx/transport failures are retried; Retry-After is honoured with up to 25 % jitter on
top; everything else comes back at once so the platform client can decide what it means.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from platforms.errors import PlatformUnavailable, RateLimited
from platforms.http import HttpClient, RetryPolicy, parse_retry_after
from platforms.integrations.steam.client import SteamClient
from platforms.integrations.steam.fake_server import FakeSteam, SteamWorld
from platforms.ratelimit import MemoryWindowStore, SlidingWindowLimiter
from tests.platforms.conftest import RecordingSleep
from tests.platforms.helpers import FakeClock, RecordingStore


def upper_bound(low: float, high: float) -> float:
    """A jitter that always picks the top of its range, so delays are exact."""
    return high


def test_it_recovers_from_a_burst_of_server_errors(
    fake_steam: FakeSteam, steam_client: SteamClient, world: SteamWorld, retry_sleep: RecordingSleep
) -> None:
    fake_steam.fail_next(3, status=500)
    games = steam_client.get_owned_games(world.steamid)
    assert len(games) == len(world.player.owned)
    assert fake_steam.counts_by_status() == {500: 3, 200: 1}
    assert len(retry_sleep.calls) == 3
    assert all(0 <= delay <= 0.01 for delay in retry_sleep.calls)


@pytest.mark.parametrize("status", [502, 503, 504])
def test_it_raises_platform_unavailable_when_server_errors_persist(
    fake_steam: FakeSteam, steam_client: SteamClient, world: SteamWorld, status: int
) -> None:
    fake_steam.fail_next(50, status=status)
    with pytest.raises(PlatformUnavailable) as caught:
        steam_client.get_owned_games(world.steamid)
    assert fake_steam.counts_by_status() == {status: 5}
    assert not caught.value.permanent
    assert caught.value.retry_at > datetime.now(UTC) - timedelta(seconds=1)
    assert f"HTTP {status}" in caught.value.message


def test_it_honours_retry_after_plus_at_most_a_quarter_of_jitter(
    fake_steam: FakeSteam, make_client: Callable[..., SteamClient], world: SteamWorld
) -> None:
    sleeps = RecordingSleep()
    client = make_client(retry=RetryPolicy(base=0.001, cap=0.001, sleep=sleeps, jitter=upper_bound))
    fake_steam.retry_after = 1
    fake_steam.fail_next(1, status=429)
    client.resolve_user(world.steamid)
    assert sleeps.calls == [1.25]
    first, second = (r.at for r in fake_steam.requests[:2])
    assert second - first >= 1.25, "the retry went out before Retry-After had passed"


def test_it_backs_off_exponentially_when_a_429_has_no_retry_after(
    fake_steam: FakeSteam, make_client: Callable[..., SteamClient], world: SteamWorld
) -> None:
    sleeps = RecordingSleep()
    client = make_client(retry=RetryPolicy(base=0.01, cap=0.03, sleep=sleeps, jitter=upper_bound))
    fake_steam.fail_next(4, status=429)
    client.resolve_user(world.steamid)
    assert sleeps.calls == [0.01, 0.02, 0.03, 0.03]


def test_it_raises_rate_limited_when_429s_persist(
    fake_steam: FakeSteam, steam_client: SteamClient, world: SteamWorld
) -> None:
    fake_steam.fail_next(50, status=429)
    with pytest.raises(RateLimited) as caught:
        steam_client.get_owned_games(world.steamid)
    assert fake_steam.counts_by_status() == {429: 5}
    assert not caught.value.permanent


def test_it_gives_up_at_once_and_pauses_everyone_when_retry_after_exceeds_the_budget(
    fake_steam: FakeSteam,
    make_client: Callable[..., SteamClient],
    world: SteamWorld,
    retry_sleep: RecordingSleep,
) -> None:
    shared = SlidingWindowLimiter("shared-api", 1000, 1, MemoryWindowStore())
    worker_a = make_client(api_limiter=shared)
    worker_b = make_client(api_limiter=shared)
    fake_steam.retry_after = 120
    fake_steam.fail_next(1, status=429)
    before = datetime.now(UTC)
    with pytest.raises(RateLimited) as caught:
        worker_a.get_owned_games(world.steamid)
    assert retry_sleep.calls == []
    assert 120 <= (caught.value.retry_at - before).total_seconds() <= 151
    with pytest.raises(RateLimited):
        worker_b.api_limiter.acquire(max_wait=1)
    assert len(fake_steam.requests) == 1


def test_it_stops_retrying_when_the_time_budget_is_spent(
    fake_steam: FakeSteam, make_client: Callable[..., SteamClient], world: SteamWorld
) -> None:
    # Time passes only in the policy's sleeps, so the budget runs out at a known retry: after
    # 5 s and 10 s of pauses, a third pause would end at 15 s, past the 12 s budget.
    clock = FakeClock(start=0.0)
    policy = RetryPolicy(
        attempts=50,
        base=5.0,
        cap=5.0,
        budget_seconds=12.0,
        jitter=upper_bound,
        clock=clock,
        sleep=clock.sleep,
    )
    client = make_client(retry=policy)
    fake_steam.fail_next(100, status=503)
    with pytest.raises(PlatformUnavailable):
        client.get_owned_games(world.steamid)
    assert clock.sleeps == [5.0, 5.0]
    assert fake_steam.counts_by_status() == {503: 3}


def test_it_retries_timeouts_then_reports_steam_unavailable(
    fake_steam: FakeSteam, make_client: Callable[..., SteamClient], world: SteamWorld
) -> None:
    client = make_client(timeout=0.05)
    fake_steam.latency_seconds = 0.3
    with pytest.raises(PlatformUnavailable) as caught:
        client.get_owned_games(world.steamid)
    assert "Timeout" in caught.value.message
    assert len(fake_steam.requests) == 5


def test_it_reports_a_refused_connection_as_unavailable(
    make_client: Callable[..., SteamClient], world: SteamWorld
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    client = make_client(api_url=f"http://127.0.0.1:{closed_port}")
    with pytest.raises(PlatformUnavailable) as caught:
        client.get_owned_games(world.steamid)
    assert "ConnectError" in caught.value.message


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_it_returns_non_retryable_answers_after_one_request(
    fake_steam: FakeSteam, fast_retry: RetryPolicy, status: int
) -> None:
    fake_steam.fail_next(5, status=status)
    limiter = SlidingWindowLimiter("plain", 1000, 1, MemoryWindowStore())
    http = HttpClient(fake_steam.url, limiter=limiter, retry=fast_retry)
    try:
        response = http.get("/ISteamUser/GetPlayerSummaries/v2/", {"steamids": "1"})
    finally:
        http.close()
    assert response.status_code == status
    assert len(fake_steam.requests) == 1


def test_it_takes_a_limiter_slot_before_every_attempt(
    fake_steam: FakeSteam, fast_retry: RetryPolicy, world: SteamWorld
) -> None:
    store = RecordingStore(MemoryWindowStore())
    limiter = SlidingWindowLimiter("counted", 1000, 60, store)
    http = HttpClient(fake_steam.url, limiter=limiter, retry=fast_retry)
    fake_steam.fail_next(2, status=502)
    try:
        http.get("/ISteamUser/ResolveVanityURL/v1/", {"key": world.api_key, "vanityurl": "demo"})
    finally:
        http.close()
    assert len(store.admitted) == 3


def test_it_reads_retry_after_as_seconds_or_an_http_date() -> None:
    now = datetime(2026, 11, 27, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120", now) == 120
    assert parse_retry_after("Fri, 27 Nov 2026 12:01:30 GMT", now) == 90
    assert parse_retry_after("Fri, 27 Nov 2026 11:00:00 GMT", now) == 0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


def test_it_draws_full_jitter_below_the_capped_exponential() -> None:
    policy = RetryPolicy(base=1.0, cap=60.0)
    for retry_number in range(8):
        ceiling = min(60.0, 2.0**retry_number)
        delays = [policy.delay(retry_number, None) for _ in range(200)]
        assert all(0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling / 2, "full jitter should use the whole range"
    with_header = [policy.delay(0, 40.0) for _ in range(200)]
    assert all(40.0 <= d <= 50.0 for d in with_header)
