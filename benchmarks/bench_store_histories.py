"""bench_store_histories: a 5,000-title PlayStation history, a 5,000-title Xbox history and a
5,000-item Epic library, each imported on the current database engine, network excluded.

Each store's own client reads the records once from its loopback fake (not timed: the network is
excluded, as for Steam in bench_import); then the owned phase writes them (`import_owned_games`:
games, releases, entries, snapshots) into empty tables, 5 times, and once more unchanged, 5
times. Target from the issue: the first import p95 ≤ 1 s for each store.

Run: python -m benchmarks bench_store_histories, or python -m benchmarks.bench_store_histories.
"""

from __future__ import annotations

import importlib
import os
import statistics
import sys
import time
from typing import Any

from benchmarks.support import engine_name, ms, percentile, setup_django, table

TITLES = 5_000
RUNS = 5
TARGET_SECONDS = 1.0
STORES = {
    "playstation": "generate_playstation_world",
    "xbox": "generate_xbox_world",
    "epic": "generate_epic_world",
}


def main() -> int:
    setup_django()
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from libraries.models import Library
    from libraries.services.phases.owned import import_owned_games
    from platforms.contract import MemoryCredentials
    from platforms.models import Platform
    from platforms.registry import integration

    owner = get_user_model().objects.create(username="bench", is_superuser=True)
    rows = []
    met_all = True
    for code, generator in STORES.items():
        spec = integration(code)
        assert spec is not None
        module = importlib.import_module(spec.fake.partition(":")[0])
        world = getattr(module, generator)(TITLES, seed=3)
        with _load(spec.fake)(world) as fake:
            for name, value in fake.settings().items():
                setattr(settings, name, value)
            factory = spec.load_client_factory()
            with factory(MemoryCredentials()) as client:
                connection = client.connect(fake.connect_values())
            with factory(MemoryCredentials(connection.credentials)) as client:
                owned = client.get_owned_games(connection.profile.external_id)
        library = Library.objects.create(
            owner=owner,
            platform=Platform.objects.get(code=code),
            user_identifier=connection.profile.external_id,
            display_name=code,
        )
        first, again = [], []
        for _ in range(RUNS):
            _reset()
            started = time.perf_counter()
            import_owned_games(library, owned)
            first.append(time.perf_counter() - started)
        for _ in range(RUNS):
            started = time.perf_counter()
            import_owned_games(library, owned)
            again.append(time.perf_counter() - started)
        met = percentile(first, 95) <= TARGET_SECONDS
        met_all &= met
        rows.append(
            [
                f"{spec.name}: {len(owned):,} entries",
                ms(statistics.median(first)),
                ms(percentile(first, 95)),
                ms(percentile(again, 95)),
                f"first p95 ≤ {TARGET_SECONDS:.0f} s",
                "met" if met else "**missed**",
            ]
        )
    print(f"### bench_store_histories on {engine_name()}\n")
    print(
        f"Each store's client read {TITLES:,} titles from its loopback fake once (not timed); "
        f"`import_owned_games` then wrote them into empty tables, {RUNS} runs, and again "
        f"unchanged, {RUNS} runs. Load average at the end: {os.getloadavg()[0]:.2f} on "
        f"{os.cpu_count()} cores.\n"
    )
    print(table(["library", "first p50", "first p95", "unchanged p95", "target", ""], rows))
    return 0 if met_all else 1


def _load(path: str) -> Any:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def _reset() -> None:
    """Empty what an import writes (not timed)."""
    from django.db import connection

    from games.models import (
        Curation,
        Game,
        Match,
        Release,
        ReleaseExternalId,
        SourceMetadata,
    )
    from libraries.models import LibraryGame, PlaytimeSnapshot

    models = (PlaytimeSnapshot, LibraryGame, Match, Curation, ReleaseExternalId, SourceMetadata)
    tables = [m._meta.db_table for m in (*models, Release, Game)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
            cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")
        else:
            for name in tables:
                cursor.execute(f"DELETE FROM {name}")


if __name__ == "__main__":
    sys.exit(main())
