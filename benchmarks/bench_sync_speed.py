"""bench_sync_speed: how long a full first sync of a 1,000-game Steam library takes at the default
rate limits.

A real sync (owned list, store metadata, achievements) runs against the fake Steam with a
generated 1,000-game world (about a quarter never played, as real libraries are), with both rate
limiters at SPEEDUP times their default speed (same request counts per window, windows SPEEDUP
times shorter). Waiting for the limiters is what a full sync's time is made of, so the wall time
at the real defaults is projected from the calls each phase made: a sliding-window limiter of L
requests per W seconds admits n requests in floor((n - 1) / L) * W seconds (the first L at once,
then L more per window). The owned list comes first; then the store-metadata and achievements
phases run side by side, as the sync does when their budgets differ (Steam: the store's limiter
and the Web API's; see libraries/services/sync.py), so the projection is the owned phase plus the
longer of the two. The compressed run's own wall time, times SPEEDUP, is shown as a cross-check
(it adds our processing time, which is small at full scale but not at SPEEDUP on a busy
machine). The first sync names achievements from the player's answer and defers their schemas
(icons, hidden flags) to the next sync, so that sync is run and its calls reported too.

Run: python -m benchmarks bench_sync_speed (both engines) or python -m benchmarks.bench_sync_speed.
"""

from __future__ import annotations

import math
import os
import sys
import time

from benchmarks.support import engine_name, setup_django, table

GAMES = 1_000
SEED = 7
SPEEDUP = 100  # windows of 3 s instead of 300 s
TARGET_MINUTES = 25.0


def _default(spec, name: str) -> tuple[int, int]:
    setting = next(s for s in spec.settings if s.name == name)
    requests, _, seconds = str(setting.default).partition("/")
    return int(requests), int(seconds)


def _limited_seconds(calls: int, limit: tuple[int, int]) -> float:
    requests, seconds = limit
    return math.floor((calls - 1) / requests) * seconds if calls > 0 else 0.0


def main() -> None:
    setup_django()
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from libraries.models import Library, SyncRun
    from libraries.services.sync import perform_run, request_sync
    from platforms.integrations.steam import SPEC
    from platforms.integrations.steam.fake_server import FakeSteam, generate_world
    from platforms.models import Platform
    from tests.conftest import forget_rate_limits

    api_limit = _default(SPEC, "STEAM_API_RATE_LIMIT")
    store_limit = _default(SPEC, "STEAM_STORE_RATE_LIMIT")
    world = generate_world(GAMES, seed=SEED)
    owned = world.player.owned
    never_played = sum(1 for g in owned if not g["playtime_forever"])
    with_stats = sum(1 for g in owned if g.get("has_community_visible_stats"))
    owner = get_user_model().objects.create(username="bench", is_superuser=True)
    library = Library.objects.create(
        owner=owner,
        platform=Platform.objects.get(code="steam"),
        user_identifier=world.steamid,
        display_name="Bench",
        credentials={"api_key": world.api_key},
    )
    forget_rate_limits()  # windows a previous run left in Redis must not slow this one
    with FakeSteam(world) as fake:
        settings.STEAM_API_URL = settings.STEAM_STORE_URL = fake.url
        settings.STEAM_API_KEY = ""
        settings.STEAM_API_RATE_LIMIT = (api_limit[0], api_limit[1] // SPEEDUP)
        settings.STEAM_STORE_RATE_LIMIT = (store_limit[0], store_limit[1] // SPEEDUP)
        run = request_sync(library, trigger=SyncRun.Trigger.CLI, enqueue=False)
        started = time.monotonic()
        perform_run(run.pk)
        wall = time.monotonic() - started
        run.refresh_from_db()
        requests = fake.requests
        if run.status != SyncRun.Status.SUCCEEDED:
            raise SystemExit(f"the sync ended {run.status}: {run.error_message}")
        # The next (scheduled) sync with nothing played: it reads the schemas the first deferred.
        fake.reset_log()
        forget_rate_limits()
        perform_run(request_sync(library, trigger=SyncRun.Trigger.CLI, enqueue=False).pk)
        next_calls = fake.counts_by_endpoint("api")

    store_calls = sum(1 for r in requests if r.surface == "store")
    owned_calls = sum(1 for r in requests if r.endpoint == "IPlayerService/GetOwnedGames")
    achievement_calls = sum(1 for r in requests if r.surface == "api") - owned_calls
    per_phase = {
        "owned": _limited_seconds(owned_calls, api_limit),
        "details": _limited_seconds(store_calls, store_limit),
        "achievements": _limited_seconds(achievement_calls, api_limit),
    }
    # details and achievements overlap (different limiters): the longer one sets the pace.
    projected = (per_phase["owned"] + max(per_phase["details"], per_phase["achievements"])) / 60
    by_endpoint: dict[str, int] = {}
    for r in requests:
        by_endpoint[r.endpoint] = by_endpoint.get(r.endpoint, 0) + 1

    print(f"### bench_sync_speed on {engine_name()}\n")
    print(
        f"A full first sync of a {GAMES:,}-game Steam library ({never_played} never played, "
        f"{with_stats} with stats) at the default limits: Web API "
        f"{api_limit[0]}/{api_limit[1]} s, store {store_limit[0]}/{store_limit[1]} s; run at "
        f"{SPEEDUP}x and projected from its calls.\n"
    )
    rows = [
        ["owned", f"{owned_calls} Web API", f"{per_phase['owned'] / 60:.1f} min"],
        ["details", f"{store_calls} store", f"{per_phase['details'] / 60:.1f} min"],
        [
            "achievements",
            f"{achievement_calls} Web API",
            f"{per_phase['achievements'] / 60:.1f} min",
        ],
        [
            "**total** (owned, then details beside achievements)",
            "",
            f"**{projected:.1f} min** (target ≤ {TARGET_MINUTES:.0f} min)",
        ],
    ]
    print(table(["phase", "calls", "projected at the defaults"], rows))
    print(
        "\nWeb API calls by endpoint: "
        + ", ".join(f"{e} {n}" for e, n in sorted(by_endpoint.items()) if not e.startswith("api/"))
        + "."
    )
    first = min(r.at for r in requests)
    spans = {
        "details": [r.at - first for r in requests if r.surface == "store"],
        "achievements": [
            r.at - first
            for r in requests
            if r.surface == "api" and r.endpoint != "IPlayerService/GetOwnedGames"
        ],
    }
    print(
        "\nWhen each phase's requests went out in the compressed run (s after the first): "
        + ", ".join(
            f"{name} {min(times):.1f} to {max(times):.1f}" for name, times in spans.items() if times
        )
        + "."
    )
    print(
        f"\nCross-check: the compressed run took {wall:.1f} s, i.e. {wall * SPEEDUP / 60:.1f} min "
        f"at full scale (projection plus our own processing). Machine load {os.getloadavg()[0]:.1f}."
    )
    next_total = sum(next_calls.values())
    print(
        f"\nThe next sync, nothing played since, reads the schemas the first one deferred: "
        f"{next_total} Web API calls ({', '.join(f'{e} {n}' for e, n in sorted(next_calls.items()))}),"
        f" {_limited_seconds(next_total, api_limit) / 60:.1f} min at the defaults."
    )
    if projected > TARGET_MINUTES:
        sys.exit(1)


if __name__ == "__main__":
    main()
