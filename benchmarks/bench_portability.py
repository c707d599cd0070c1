"""Export and backup of a 10,000-game library, on the current database engine.

- Export: `export_library` as JSON of the whole library (the service behind the library page's
  Export menu, REST `/api/games/export` and the MCP tool), 5 runs. Target: p95 ≤ 1 s.
- Backup: `gamedjinn.backup.backup` (what `manage.py backup` runs) of the whole database and the
  DATA_DIR keys into a tar.gz, 5 runs. Target: p95 ≤ 5 s.

The library is bench_pages' 10,000 games (generated titles, genres, playtimes), each with an
800-character description and two playtime snapshots, so the database is not unrealistically small.

Run: python -m benchmarks bench_portability (both engines) or python -m benchmarks.bench_portability.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.support import engine_name, ms, percentile, setup_django, table

RUNS = 5
EXPORT_TARGET_P95 = 1.0
BACKUP_TARGET_P95 = 5.0


def _enrich() -> None:
    from datetime import timedelta

    from django.utils import timezone

    from games.models import Game
    from libraries.models import LibraryGame, PlaytimeSnapshot

    Game.objects.update(description="A story of ships, stars and small decisions. " * 18)
    today = timezone.localdate()
    PlaytimeSnapshot.objects.bulk_create(
        [
            PlaytimeSnapshot(entry_id=pk, taken_on=today - timedelta(days=days), playtime_minutes=m)
            for pk, m in LibraryGame.objects.values_list("pk", "playtime_minutes")
            for days in (7, 1)
        ],
        batch_size=2000,
    )


def main() -> int:
    setup_django()
    from django.db import connection

    from benchmarks.bench_pages import GAMES, make_library
    from gamedjinn.backup import backup
    from games.queries import LibraryFilters
    from games.services.export import export_library

    user, _ = make_library()
    _enrich()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    exports, backups, sizes, rows = [], [], [], 0
    with tempfile.TemporaryDirectory(prefix="gamedjinn-bench-backup-") as folder:
        for run in range(RUNS):
            started = time.perf_counter()
            result = export_library(user, LibraryFilters(include_hidden=True), "json")
            exports.append(time.perf_counter() - started)
            rows = result.rows
            target = Path(folder) / f"run-{run}.tar.gz"
            started = time.perf_counter()
            backup(target)
            backups.append(time.perf_counter() - started)
            sizes.append(target.stat().st_size)
            target.unlink()

    export_p95, backup_p95 = percentile(exports, 95), percentile(backups, 95)
    failed = export_p95 > EXPORT_TARGET_P95 or backup_p95 > BACKUP_TARGET_P95 or rows != GAMES
    load = os.getloadavg()[0]
    section = "\n".join(
        [
            f"### Export and backup on {engine_name()} ({GAMES:,} games, {RUNS} runs each)\n",
            table(
                ["Operation", "p50", "p95", "Target p95", "Met"],
                [
                    [
                        f"export the whole library as JSON ({rows:,} rows)",
                        ms(statistics.median(exports)),
                        ms(export_p95),
                        f"{EXPORT_TARGET_P95:.0f} s",
                        "met" if export_p95 <= EXPORT_TARGET_P95 else "**missed**",
                    ],
                    [
                        f"backup: database + keys → tar.gz ({statistics.median(sizes) / 1e6:.1f} MB)",
                        ms(statistics.median(backups)),
                        ms(backup_p95),
                        f"{BACKUP_TARGET_P95:.0f} s",
                        "met" if backup_p95 <= BACKUP_TARGET_P95 else "**missed**",
                    ],
                ],
            ),
            f"\nIn-process calls of the services (`export_library`, `gamedjinn.backup.backup`); "
            f"the library also has 800-character descriptions and two playtime snapshots per "
            f"game. Load average at the end: {load:.2f} on {os.cpu_count()} cores.",
        ]
    )
    print(section)
    if failed:
        print(section, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
