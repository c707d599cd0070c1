"""bench_galaxy: a GOG Galaxy 2.0 database with 10,000 owned releases across five stores, imported
end to end on the current database engine.

"End to end" is what `manage.py importlibrary galaxy PATH` does: copy the file under DATA_DIR,
read it once to check it, create the library, then the run's owned phase reads it again and
writes every game, release, entry and snapshot. 5 first imports (into empty tables) and 5
re-imports of the same file (nothing changes). Targets from the issue: first import p95 ≤ 2 s,
unchanged re-import p95 ≤ 0.5 s.

Run: python -m benchmarks bench_galaxy (both engines) or python -m benchmarks.bench_galaxy.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from benchmarks.support import engine_name, ms, percentile, setup_django, table

RELEASES = 10_000
RUNS = 5
TARGETS = {"first": 2.0, "again": 0.5}


def main() -> int:
    setup_django()
    from django.contrib.auth import get_user_model

    from libraries.models import SyncRun
    from libraries.services.imports import import_file
    from libraries.services.sync import perform_run
    from platforms.integrations.galaxy.sample import build_galaxy_db, sample_releases

    releases = sample_releases(RELEASES, seed=1)
    owned = [release for release in releases if release.owned]
    stores = Counter(release.key.split("_", 1)[0] for release in owned)
    owner = get_user_model().objects.create(username="bench", is_superuser=True)
    with tempfile.TemporaryDirectory() as folder:
        path = build_galaxy_db(Path(folder) / "galaxy-2.0.db", releases)
        size_mb = path.stat().st_size / 1024 / 1024

        def run_import() -> SyncRun:
            _, run, _ = import_file(owner, "galaxy", path, enqueue=False)
            perform_run(run.pk)
            run.refresh_from_db()
            if run.status != SyncRun.Status.SUCCEEDED:
                raise SystemExit(f"the import failed: {run.error_message}")
            return run

        first: list[float] = []
        for _ in range(RUNS):
            _reset()
            started = time.perf_counter()
            run = run_import()
            first.append(time.perf_counter() - started)
        added = run.games_added
        again: list[float] = []
        for _ in range(RUNS):
            started = time.perf_counter()
            run = run_import()
            again.append(time.perf_counter() - started)
        unchanged = run.games_unchanged

    rows = []
    met_all = True
    for label, samples, target in (
        ("first import", first, TARGETS["first"]),
        ("the same file again", again, TARGETS["again"]),
    ):
        met = percentile(samples, 95) <= target
        met_all &= met
        rows.append(
            [
                label,
                ms(statistics.median(samples)),
                ms(percentile(samples, 95)),
                f"p95 ≤ {target:.1f} s",
                "met" if met else "**missed**",
            ]
        )
    print(f"### bench_galaxy on {engine_name()}\n")
    print(
        f"A {size_mb:.1f} MB galaxy-2.0.db with {len(owned):,} owned releases "
        f"({', '.join(f'{store} {count:,}' for store, count in stores.most_common())}) plus "
        f"{len(releases) - len(owned):,} not owned (subscriptions, no licence), imported end to "
        f"end (copy, check, library, run), {RUNS} runs each: {added:,} entries written the first "
        f"time, {unchanged:,} unchanged the second. Load average at the end: "
        f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores.\n"
    )
    print(table(["scenario", "p50", "p95", "target", ""], rows))
    return 0 if met_all else 1


def _reset() -> None:
    """Empty what an import writes (not timed), so each first import starts from nothing."""
    from django.db import connection

    from games.models import (
        Curation,
        Game,
        Match,
        Release,
        ReleaseExternalId,
        SourceMetadata,
    )
    from libraries.models import Library, LibraryGame, PlaytimeSnapshot, SyncRun

    models = (PlaytimeSnapshot, LibraryGame, SyncRun, Library, Match, Curation)
    models += (ReleaseExternalId, SourceMetadata, Release, Game)
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
            cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")
        else:
            for name in tables:
                cursor.execute(f"DELETE FROM {name}")


if __name__ == "__main__":
    sys.exit(main())
