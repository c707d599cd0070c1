"""bench_matching: matching 50,000 releases from five stores, and the labelled set's figures.

The household: 50,000 releases on Steam, GOG, Epic, Xbox and Ubisoft; many games are owned on
two or three stores, with store spellings (trademark signs, roman numerals), plus editions,
soundtracks and demos. Timed: one full re-match (`match_releases(None)`: read, plan, write joins
and suggestions) on the current engine.

Two title sets. The target is judged on titles shaped like a store catalogue's
(benchmarks/titles.py: common title words with Zipf frequencies and a long tail of invented
names, as bench_mcp uses). A "stress" row runs titles built from 49 words only, where nearly
every title shares words with thousands of others: far more near-duplicates (and suggestions)
than a real household has; it has no target.

Run: python -m benchmarks bench_matching (both engines) or python -m benchmarks.bench_matching.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from benchmarks.support import engine_name, setup_django, table

RELEASES = 50_000
STORES = ("steam", "gog", "epic", "xbox", "ubisoft")
TARGET_SECONDS = 5.0
SEED = 13
WORDS = [
    "shadow",
    "dark",
    "legend",
    "knight",
    "star",
    "war",
    "dragon",
    "blood",
    "iron",
    "fire",
    "storm",
    "city",
    "tale",
    "lost",
    "last",
    "empire",
    "night",
    "souls",
    "hunter",
    "sky",
    "ocean",
    "steel",
    "ghost",
    "rogue",
    "wild",
    "dead",
    "frontier",
    "crystal",
    "machine",
    "garden",
    "tower",
    "crown",
    "forest",
    "winter",
    "summer",
    "echo",
    "silent",
    "rising",
    "broken",
    "ancient",
    "neon",
    "quantum",
    "void",
    "hollow",
    "golden",
    "crimson",
    "emerald",
    "frozen",
    "thunder",
]
ROMAN = ["II", "III", "IV", "V", "VI"]


def _stress_base(rng: random.Random) -> str:
    return " ".join(word.capitalize() for word in rng.sample(WORDS, rng.choice((2, 3, 3, 4))))


def _titles(rng: random.Random, bases) -> list[tuple[str, list[tuple[str, str]]]]:
    """Distinct games, each with the store spellings it is sold under."""
    games: list[tuple[str, list[tuple[str, str]]]] = []
    seen: set[str] = set()
    count = 0
    while count < RELEASES:
        base = bases()
        numeral = rng.random() < 0.2
        if numeral:
            base += " " + rng.choice(ROMAN)
        if base in seen:
            continue
        seen.add(base)
        copies = rng.choice((1, 1, 2, 2, 3))
        stores = rng.sample(STORES, copies)
        spellings = []
        for index, store in enumerate(stores):
            title = base
            if index == 1 and rng.random() < 0.5:
                title = base.replace(" ", "® ", 1)
            if index == 2 and numeral:
                title = base.rsplit(" ", 1)[0] + " " + str(ROMAN.index(base.rsplit(" ", 1)[1]) + 2)
            if rng.random() < 0.05:
                title += rng.choice((" - Game of the Year Edition", " Soundtrack", " Demo"))
            spellings.append((store, title))
        games.append((base, spellings))
        count += copies
    return games


def main() -> None:
    setup_django()
    from django.db import connection

    from benchmarks.titles import realistic_titles

    realistic = iter(realistic_titles(RELEASES * 2, seed=SEED))
    store_like = _household(random.Random(SEED), lambda: next(realistic))
    stress_rng = random.Random(SEED)
    stress = _household(random.Random(SEED + 1), lambda: _stress_base(stress_rng))
    took, summary = _rematch(store_like)
    _reset()
    stress_took, stress_summary = _rematch(stress)
    _report(connection.vendor, took, summary, stress_took, stress_summary)


def _household(rng: random.Random, bases) -> list[tuple[str, str]]:
    games = _titles(rng, bases)
    return [(store, title) for _, spellings in games for store, title in spellings][:RELEASES]


def _rematch(rows: list[tuple[str, str]]) -> tuple[float, str]:
    from django.db import transaction

    from games.models import Game, Match, Release
    from games.services.matching import match_releases
    from libraries.services import bulk
    from platforms.models import Platform

    platforms = {}
    for code in STORES:
        platforms[code], _ = Platform.objects.get_or_create(code=code, defaults={"name": code})
    with transaction.atomic():
        game_ids = bulk.reserve_ids(Game, len(rows))
        bulk.insert_rows(
            Game,
            ["id", "title", "normalized_title", "sort_title"],
            (
                (gid, title, title.lower(), title.lower())
                for gid, (_, title) in zip(game_ids, rows, strict=True)
            ),
            shared={
                "created_at": "2026-01-01T00:00:00+00:00",
                "updated_at": "2026-01-01T00:00:00+00:00",
            },
        )
        release_ids = bulk.reserve_ids(Release, len(rows))
        bulk.insert_rows(
            Release,
            ["id", "platform_id", "external_id", "game_id", "store_name"],
            (
                (rid, platforms[store].pk, str(rid), gid, title)
                for rid, gid, (store, title) in zip(release_ids, game_ids, rows, strict=True)
            ),
            shared={"created_at": "2026-01-01T00:00:00+00:00"},
        )
    started = time.perf_counter()
    report = match_releases(None)
    took = time.perf_counter() - started
    joined = Match.objects.filter(status="accepted").count()
    suggested = Match.objects.filter(status="suggested").count()
    summary = (
        f"{took:.2f} s ({len(report.joins):,} joins, {report.merged_games:,} games "
        f"merged away, {len(report.suggestions):,} suggestions; rows: {joined:,} "
        f"accepted, {suggested:,} suggested; "
        + ", ".join(f"{k} {v:.2f} s" for k, v in report.timings.items())
        + ")"
    )
    return took, summary


def _reset() -> None:
    from django.db import connection

    from games.models import Curation, Game, Match, Release, ReleaseExternalId

    tables = [m._meta.db_table for m in (Match, Curation, ReleaseExternalId, Release, Game)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        else:
            for name in tables:
                cursor.execute(f"DELETE FROM {name}")


def _report(vendor: str, took: float, summary: str, stress_took: float, stress: str) -> None:
    from games.matching.labelled import evaluate

    figures = evaluate(Path(__file__).resolve().parent.parent / "tests/games/data/match_pairs.csv")
    ok = took <= TARGET_SECONDS and figures.precision == 1.0 and figures.recall >= 0.9
    print(f"### bench_matching on {engine_name()} ({vendor})\n")
    print(
        table(
            ["measure", "result", "target"],
            [
                [
                    f"full re-match of {RELEASES:,} releases on {len(STORES)} stores, "
                    "store-like titles",
                    summary,
                    f"≤ {TARGET_SECONDS:.0f} s",
                ],
                [
                    f"stress: the same with titles from {len(WORDS)} words",
                    stress,
                    "(no target)",
                ],
                [
                    f"labelled set: precision of automatic joins ({figures.pairs} pairs)",
                    f"{figures.precision:.3f} ({figures.right_joins}/{figures.joins})",
                    "1.0",
                ],
                [
                    "labelled set: recall counting suggestions",
                    f"{figures.recall:.3f} ({figures.found}/{figures.same})",
                    "≥ 0.9",
                ],
                [
                    "labelled set: outcome as labelled (join/suggest/nothing)",
                    f"{figures.as_expected}/{figures.pairs}",
                    "(informative)",
                ],
            ],
        )
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
