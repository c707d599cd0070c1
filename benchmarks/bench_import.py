"""bench_import: a 10,000-game Steam library through the sync, on the current database engine.

1. Phase 1 (owned list → database) from parsed records, network excluded: first import and
   re-sync of an unchanged library, 5 runs each, each against a raw-SQL baseline doing the same
   writes in the same process (PostgreSQL: COPY into a temp table + INSERT … ON CONFLICT;
   SQLite: executemany upserts).
2. Phase 2 (store metadata) against the fake store under a compressed limit for ~10 s: achieved
   request rate as a share of the store's limit, and the number of 429s.
3. Peak memory of a worker process doing a 10k-game sync (owned list, then metadata for a while).

Run: python -m benchmarks bench_import (both engines) or python -m benchmarks.bench_import.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from benchmarks.support import engine_name, ms, percentile, setup_django, table

GAMES = 10_000
RUNS = 5
SEED = 3
STORE_LIMIT = 50  # requests per second at the fake store
OUR_STORE_LIMIT = 49  # configured a little below it, as production settings should be
METADATA_SECONDS = 10.0
RSS_SLICE_SECONDS = 5.0

TARGETS = {"first": 1.0, "resync": 0.3, "ratio": 4.0, "rate": 95.0, "rss_mb": 250.0}


def main() -> None:
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from libraries.models import Library
    from platforms.integrations.steam import parsing
    from platforms.integrations.steam.fake_server import generate_world
    from platforms.models import Platform

    world = generate_world(GAMES, seed=SEED)
    owned = [parsing.parse_owned_game(game) for game in world.player.owned]
    owner = get_user_model().objects.create(username="bench", is_superuser=True)
    library = Library.objects.create(
        owner=owner,
        platform=Platform.objects.get(code="steam"),
        user_identifier=world.steamid,
        display_name="Bench",
        credentials={"api_key": world.api_key},
    )
    baseline = _postgres_baseline if connection.vendor == "postgresql" else _sqlite_baseline

    first, first_raw, resync, resync_raw = [], [], [], []
    for _ in range(RUNS):  # interleaved, so machine noise hits both sides alike
        _reset()
        first.append(_timed(lambda: _import(library, owned)))
        _reset()
        first_raw.append(_timed(lambda: baseline(library, owned)))
    _reset()
    _import(library, owned)
    for _ in range(RUNS):
        resync.append(_timed(lambda: _import(library, owned)))
        resync_raw.append(_timed(lambda: baseline(library, owned)))

    rate, throttled, fetched = _metadata_phase(world, library, owned)
    rss_mb, heap_mb, worker_games = _worker_memory(world, library)

    load = os.getloadavg()[0]  # other work on the machine shows up in every figure below
    rows = []
    for label, ours, raw, target in (
        ("first import", first, first_raw, TARGETS["first"]),
        ("re-sync, nothing changed", resync, resync_raw, TARGETS["resync"]),
    ):
        p95, raw_p95 = percentile(ours, 95), percentile(raw, 95)
        ratio = p95 / raw_p95
        met = p95 <= target and ratio <= TARGETS["ratio"]
        rows.append(
            [
                label,
                ms(statistics.median(ours)),
                ms(p95),
                ms(raw_p95),
                f"{ratio:.2f}",
                f"p95 ≤ {target:.1f} s, ratio ≤ {TARGETS['ratio']:.0f}",
                "met" if met else "**missed**",
            ]
        )
    rate_met = rate >= TARGETS["rate"] and throttled == 0
    print(f"### bench_import on {engine_name()}\n")
    print(
        f"{GAMES:,}-game owned list → Game/Release/LibraryGame/PlaytimeSnapshot rows "
        f"(`import_owned_games`, parsed records in, network excluded), {RUNS} runs each. "
        "Baseline: the same writes in raw SQL, "
        + (
            "COPY into a temp table + `INSERT … ON CONFLICT`."
            if connection.vendor == "postgresql"
            else "`executemany` upserts."
        )
        + f" Load average at the end: {load:.2f} on {os.cpu_count()} cores.\n"
    )
    print(table(["scenario", "p50", "p95", "raw SQL p95", "ratio", "target", ""], rows))
    print()
    print(
        table(
            ["measure", "result", "target", ""],
            [
                [
                    f"metadata phase, fake store limit {STORE_LIMIT}/s (ours {OUR_STORE_LIMIT}/s), "
                    f"{METADATA_SECONDS:.0f} s",
                    f"{rate:.1f} % of the limit ({fetched} lookups), {throttled} responses 429",
                    "≥ 95 %, no 429",
                    "met" if rate_met else "**missed**",
                ],
                [
                    f"peak worker RSS, {worker_games:,}-game sync (owned list + "
                    f"{RSS_SLICE_SECONDS:.0f} s of metadata)",
                    f"{rss_mb:.0f} MB (Python heap peak {heap_mb:.0f} MB)",
                    "≤ 250 MB",
                    "met" if rss_mb <= TARGETS["rss_mb"] else "**missed**",
                ],
            ],
        )
    )


# --- phase 1 ------------------------------------------------------------------------------------


def _import(library, owned) -> None:
    from libraries.services.phases.owned import import_owned_games

    import_owned_games(library, owned)


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _reset() -> None:
    """Empty the tables phase 1 writes (not timed)."""
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

    tables = [
        model._meta.db_table
        for model in (
            PlaytimeSnapshot,
            LibraryGame,
            Match,
            Curation,
            ReleaseExternalId,
            SourceMetadata,
            Release,
            Game.genres.through,
            Game.categories.through,
            Game,
        )
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
            cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")
        else:
            for name in tables:
                cursor.execute(f"DELETE FROM {name}")


def _stage_rows(owned) -> list[tuple]:
    from games.titles import normalize_title, sort_title

    return [
        (
            game.external_id,
            game.name,
            normalize_title(game.name),
            sort_title(game.name),
            game.icon_url,
            game.has_stats,
            game.playtime_minutes,
            game.playtime_2weeks_minutes,
            game.last_played,
        )
        for game in owned
    ]


_NEW_GAME_COLUMNS = (
    "title, normalized_title, sort_title, game_type, description, developers, publishers, "
    "release_date_text, esrb_rating, esrb_descriptors, pegi_rating, required_age, "
    "content_descriptor_ids, content_descriptor_notes, metacritic_url, cover_url, header_url, "
    "capsule_url, background_url, screenshots, os_platforms, is_free, website, "
    "metadata_status, user_edited_fields, created_at, updated_at"
)


def _postgres_baseline(library, owned) -> None:
    """COPY the owned list into a temp table, then set-based INSERT … ON CONFLICT per table."""
    from django.db import connection, transaction

    rows = _stage_rows(owned)
    platform, library_id = library.platform_id, library.pk
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE owned_stage (external_id text, name text, normalized text, "
            "sort text, icon text, has_stats bool, playtime int, two_weeks int, "
            "last_played timestamptz, game_id bigint, release_id bigint) ON COMMIT DROP"
        )
        with cursor.cursor.copy(
            "COPY owned_stage (external_id, name, normalized, sort, icon, has_stats, playtime, "
            "two_weeks, last_played) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            "UPDATE owned_stage s SET release_id = r.id, game_id = r.game_id FROM games_release r "
            "WHERE r.platform_id = %s AND r.external_id = s.external_id",
            [platform],
        )
        cursor.execute(
            "UPDATE owned_stage SET game_id = nextval(pg_get_serial_sequence('games_game', 'id')) "
            "WHERE game_id IS NULL"
        )
        cursor.execute(
            f"INSERT INTO games_game (id, {_NEW_GAME_COLUMNS}) SELECT game_id, name, "
            "left(normalized, 300), sort, 'game', '', '[]'::jsonb, '[]'::jsonb, '', '', "
            "'[]'::jsonb, '', 0, '[]'::jsonb, '', '', '', '', '', '', '[]'::jsonb, '[]'::jsonb, "
            "false, '', 'pending', '[]'::jsonb, now(), now() FROM owned_stage "
            "WHERE release_id IS NULL"
        )
        cursor.execute(
            "INSERT INTO games_release (platform_id, external_id, game_id, store_name, icon_url, "
            "has_stats, raw, achievement_schema_pending, created_at) SELECT %s, external_id, "
            "game_id, '', icon, has_stats, '{}'::jsonb, false, now() FROM owned_stage ON CONFLICT (platform_id, external_id) DO UPDATE "
            "SET icon_url = EXCLUDED.icon_url, has_stats = EXCLUDED.has_stats",
            [platform],
        )
        cursor.execute(
            "INSERT INTO libraries_librarygame (library_id, release_id, playtime_minutes, "
            "playtime_2weeks_minutes, last_played_at, status, hidden, added_at, updated_at, "
            "notes, external_ids, user_edited_fields, achievements_pending, represents_game, "
            "game_playtime_minutes, game_last_played_at, game_store_count) "
            "SELECT %s, r.id, s.playtime, s.two_weeks, s.last_played, 'backlog', false, now(), "
            "now(), '', '{}'::jsonb, '[]'::jsonb, false, true, s.playtime, s.last_played, 1 "
            "FROM owned_stage s JOIN games_release r ON r.platform_id = %s "
            "AND r.external_id = s.external_id ON CONFLICT (library_id, release_id) DO UPDATE SET "
            "playtime_minutes = EXCLUDED.playtime_minutes, playtime_2weeks_minutes = "
            "EXCLUDED.playtime_2weeks_minutes, last_played_at = EXCLUDED.last_played_at, "
            "removed_at = NULL, updated_at = EXCLUDED.updated_at",
            [library_id, platform],
        )
        cursor.execute(
            "INSERT INTO libraries_playtimesnapshot (entry_id, taken_on, playtime_minutes) "
            "SELECT id, current_date, playtime_minutes FROM libraries_librarygame "
            "WHERE library_id = %s ON CONFLICT (entry_id, taken_on) DO UPDATE "
            "SET playtime_minutes = EXCLUDED.playtime_minutes",
            [library_id],
        )


def _sqlite_baseline(library, owned) -> None:
    """executemany upserts, table by table, ids looked up between them."""
    from django.db import connection, transaction
    from django.utils import timezone

    rows = _stage_rows(owned)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    today = str(timezone.localdate())
    platform, library_id = library.platform_id, library.pk
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT external_id, game_id FROM games_release WHERE platform_id = %s", [platform]
        )
        known = dict(cursor.fetchall())
        cursor.execute("SELECT coalesce(max(id), 0) FROM games_game")
        next_id = cursor.fetchone()[0] + 1
        new_games = []
        for row in rows:
            if row[0] not in known:
                known[row[0]] = next_id
                new_games.append((next_id, row[1], row[2][:300], row[3], now, now))
                next_id += 1
        cursor.executemany(
            f"INSERT INTO games_game (id, {_NEW_GAME_COLUMNS}) VALUES (%s, %s, %s, %s, 'game', "
            "'', '[]', '[]', '', '', '[]', '', 0, '[]', '', '', '', '', '', '', '[]', '[]', 0, "
            "'', 'pending', '[]', %s, %s)",
            new_games,
        )
        cursor.executemany(
            "INSERT INTO games_release (platform_id, external_id, game_id, store_name, icon_url, "
            "has_stats, raw, achievement_schema_pending, created_at) "
            "VALUES (%s, %s, %s, '', %s, %s, '{}', 0, %s) "
            "ON CONFLICT (platform_id, external_id) DO UPDATE SET icon_url = excluded.icon_url, "
            "has_stats = excluded.has_stats",
            [(platform, row[0], known[row[0]], row[4], row[5], now) for row in rows],
        )
        cursor.execute(
            "SELECT external_id, id FROM games_release WHERE platform_id = %s", [platform]
        )
        release_ids = dict(cursor.fetchall())
        cursor.executemany(
            "INSERT INTO libraries_librarygame (library_id, release_id, playtime_minutes, "
            "playtime_2weeks_minutes, last_played_at, status, hidden, added_at, updated_at, "
            "notes, external_ids, user_edited_fields, achievements_pending, represents_game, "
            "game_playtime_minutes, game_last_played_at, game_store_count) "
            "VALUES (%s, %s, %s, %s, %s, 'backlog', 0, %s, %s, '', '{}', '[]', 0, 1, %s, %s, 1) "
            "ON CONFLICT (library_id, "
            "release_id) DO UPDATE SET playtime_minutes = excluded.playtime_minutes, "
            "playtime_2weeks_minutes = excluded.playtime_2weeks_minutes, last_played_at = "
            "excluded.last_played_at, removed_at = NULL, updated_at = excluded.updated_at",
            [
                (
                    library_id,
                    release_ids[row[0]],
                    row[6],
                    row[7],
                    connection.ops.adapt_datetimefield_value(row[8]),
                    now,
                    now,
                    row[6],
                    connection.ops.adapt_datetimefield_value(row[8]),
                )
                for row in rows
            ],
        )
        cursor.execute(
            "SELECT id, playtime_minutes FROM libraries_librarygame WHERE library_id = %s",
            [library_id],
        )
        cursor.executemany(
            "INSERT INTO libraries_playtimesnapshot (entry_id, taken_on, playtime_minutes) "
            "VALUES (%s, %s, %s) ON CONFLICT (entry_id, taken_on) DO UPDATE "
            "SET playtime_minutes = excluded.playtime_minutes",
            [(entry_id, today, minutes) for entry_id, minutes in cursor.fetchall()],
        )


# --- phase 2 ------------------------------------------------------------------------------------


def _metadata_phase(world, library, owned) -> tuple[float, int, int]:
    """Run the real details phase for METADATA_SECONDS against a rate-limited fake store."""
    from django.conf import settings

    from gamedjinn.env import RateLimit
    from libraries.models import SyncRun
    from libraries.services.sync import perform_run, request_sync
    from platforms.integrations.steam.fake_server import FakeSteam

    _reset()
    _import(library, owned)
    with FakeSteam(world) as fake, _discarded_continuations():
        fake.set_rate_limit("store", (STORE_LIMIT, 1.0))
        settings.STEAM_API_URL = settings.STEAM_STORE_URL = fake.url
        settings.STEAM_STORE_RATE_LIMIT = RateLimit(OUR_STORE_LIMIT, 1)
        run = request_sync(library, trigger=SyncRun.Trigger.CLI, phases=["details"], enqueue=False)
        # The time slice ends the phase after METADATA_SECONDS, as it ends a Celery task.
        perform_run(run.pk, time_slice=METADATA_SECONDS + 0.5)
        store = [r for r in fake.requests if r.surface == "store"]
    start = store[0].at
    in_window = [r for r in store if r.at < start + METADATA_SECONDS]
    served = sum(1 for r in in_window if r.status == 200)
    rate = served / METADATA_SECONDS / STORE_LIMIT * 100
    return rate, sum(1 for r in store if r.status == 429), len(store)


class _discarded_continuations:
    """Send the continuation task a time slice ends with to a queue that is then purged."""

    def __enter__(self) -> None:
        from gamedjinn.celery import app

        self.default = app.conf.task_default_queue
        app.conf.task_default_queue = f"bench-discard-{os.getpid()}"

    def __exit__(self, *exc_info: object) -> None:
        from gamedjinn.celery import app

        with app.connection_for_write() as connection:
            connection.default_channel.queue_purge(app.conf.task_default_queue)
        app.conf.task_default_queue = self.default


# --- 3: worker memory ---------------------------------------------------------------------------


def _worker_memory(world, library) -> tuple[float, float, int]:
    """Peak RSS of a separate process syncing the 10k library, as a Celery worker would."""
    from django.conf import settings
    from django.db import connection

    from libraries.models import SyncRun
    from libraries.services.sync import request_sync
    from platforms.integrations.steam.fake_server import FakeSteam

    _reset()
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{database['NAME']}"
    else:
        password = f":{quote(database['PASSWORD'])}" if database.get("PASSWORD") else ""
        url = (
            f"postgres://{quote(database['USER'] or '')}{password}@{database['HOST'] or '127.0.0.1'}"
            f":{database['PORT'] or 5432}/{database['NAME']}"
        )
    # force: replaces the run the metadata measurement left queued for its next slice.
    run = request_sync(
        library, trigger=SyncRun.Trigger.CLI, phases=["owned", "details"], force=True, enqueue=False
    )
    with FakeSteam(world) as fake:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DATA_DIR": str(settings.DATA_DIR),
            "STEAM_API_URL": fake.url,
            "STEAM_STORE_URL": fake.url,
            "STEAM_STORE_RATE_LIMIT": "100/1",
            "LOG_LEVEL": "warning",
        }
        result = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_import", "--worker", str(run.pk)],
            cwd=Path(__file__).resolve().parent.parent,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    return report["rss_mb"], report["heap_mb"], report["games"]


def worker(run_id: int) -> None:
    """The child of _worker_memory: do the run for a while, then report peak memory."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gamedjinn.settings")
    django.setup()
    from libraries.models import LibraryGame
    from libraries.services.sync import perform_run

    tracemalloc.start()  # its own bookkeeping counts in the RSS too: the figure errs high
    with _discarded_continuations():
        run = perform_run(run_id, time_slice=RSS_SLICE_SECONDS)
    _, heap_peak = tracemalloc.get_traced_memory()
    # VmHWM, not getrusage's ru_maxrss: Linux folds the parent's high-water mark into a child's
    # ru_maxrss at exec, so a child of this 10k-world process would report the parent's peak.
    status = Path("/proc/self/status").read_text()
    rss_kb = int(status.split("VmHWM:")[1].split()[0])
    games = LibraryGame.objects.filter(library_id=run.library_id).count()
    print(json.dumps({"rss_mb": rss_kb / 1024, "heap_mb": heap_peak / 2**20, "games": games}))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        worker(int(sys.argv[2]))
    else:
        main()
