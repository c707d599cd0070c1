"""bench_imports_files: a 10,000-row Playnite CSV imported end to end, on the current engine.

End to end means what `manage.py importlibrary playnite FILE` does: import_file (copy the file,
read it whole, make the library, request the run) and then the run itself (the owned phase reads
the stored copy again and writes every table); the Steam metadata phases have nothing to fetch
for a file library. Each run starts from empty tables (not timed). 5 runs; target p95 ≤ 2 s.

Run: python -m benchmarks bench_imports_files (both engines) or
python -m benchmarks.bench_imports_files.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.support import engine_name, ms, percentile, setup_django, table

ROWS = 10_000
RUNS = 5
TARGET = 2.0


def main() -> None:
    setup_django()
    from django.contrib.auth import get_user_model

    from benchmarks.bench_import import _reset
    from libraries.models import Library, SyncRun
    from libraries.services.imports import import_file
    from libraries.services.sync import perform_run
    from platforms.integrations.playnite.sample import build_playnite_csv, sample_library

    owner = get_user_model().objects.create(username="bench", is_superuser=True)
    with tempfile.TemporaryDirectory() as folder:
        path = build_playnite_csv(Path(folder) / "playnite.csv", sample_library(ROWS), bom=True)
        size_mb = path.stat().st_size / 1024 / 1024
        samples: list[float] = []
        added = 0
        for _ in range(RUNS):
            _reset()
            Library.objects.all().delete()
            started = time.perf_counter()
            _, run, _ = import_file(owner, "playnite", path, trigger="cli", enqueue=False)
            perform_run(run.pk)
            samples.append(time.perf_counter() - started)
            run.refresh_from_db()
            assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
            added = run.games_added
    p95 = percentile(samples, 95)
    load = os.getloadavg()[0]
    print(f"### bench_imports_files on {engine_name()}\n")
    print(
        f"A {ROWS:,}-row Playnite Library Exporter CSV ({size_mb:.1f} MB, {added:,} entries "
        f"on 7 stores and the manual store) through `import_file` and its run, {RUNS} runs, "
        f"from empty tables. Load average at the end: {load:.2f} on {os.cpu_count()} cores.\n"
    )
    print(
        table(
            ["scenario", "p50", "p95", "target", ""],
            [
                [
                    "Playnite CSV, first import",
                    ms(statistics.median(samples)),
                    ms(p95),
                    f"p95 ≤ {TARGET:.0f} s",
                    "met" if p95 <= TARGET else "**missed**",
                ]
            ],
        )
    )
    print()


if __name__ == "__main__":
    main()
