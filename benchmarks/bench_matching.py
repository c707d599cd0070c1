"""bench_matching: matching 50,000 releases from five stores, and the labelled set's figures.

The household: 50,000 releases on Steam, GOG, Epic, Xbox and Ubisoft, titles made from a word
list so many games are owned on two or three stores (with store spellings: trademark signs,
roman numerals, "&"), plus editions, sequels and DLC-like titles. Timed: one full re-match
(`match_releases(None)`: read, plan, write joins and suggestions) on the current engine.

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


def _titles(rng: random.Random) -> list[tuple[str, list[tuple[str, str]]]]:
    """Distinct games, each with the store spellings it is sold under."""
    games: list[tuple[str, list[tuple[str, str]]]] = []
    seen: set[str] = set()
    count = 0
    while count < RELEASES:
        words = rng.sample(WORDS, rng.choice((2, 3, 3, 4)))
        base = " ".join(word.capitalize() for word in words)
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
    from django.db import connection, transaction

    from games.matching.labelled import evaluate
    from games.models import Game, Match, Release
    from games.services.matching import match_releases
    from libraries.services import bulk
    from platforms.models import Platform

    rng = random.Random(SEED)
    games = _titles(rng)
    platforms = {}
    for code in STORES:
        platforms[code], _ = Platform.objects.get_or_create(code=code, defaults={"name": code})
    rows = [(store, title) for _, spellings in games for store, title in spellings][:RELEASES]
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

    figures = evaluate(Path(__file__).resolve().parent.parent / "tests/games/data/match_pairs.csv")
    ok = took <= TARGET_SECONDS and figures.precision == 1.0 and figures.recall >= 0.9
    print(f"### bench_matching on {engine_name()} ({connection.vendor})\n")
    print(
        table(
            ["measure", "result", "target"],
            [
                [
                    f"full re-match of {len(rows):,} releases on {len(STORES)} stores",
                    f"{took:.2f} s ({len(report.joins):,} joins, {report.merged_games:,} games "
                    f"merged away, {len(report.suggestions):,} suggestions; rows: {joined:,} "
                    f"accepted, {suggested:,} suggested; "
                    + ", ".join(f"{k} {v:.2f} s" for k, v in report.timings.items())
                    + ")",
                    f"≤ {TARGET_SECONDS:.0f} s",
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
