"""bench_merged_household: the library page and search on a household whose 50,000 releases on
five stores the matcher has merged, against the targets of the single-store library.

The household: one member with five libraries (Steam, GOG, Epic, Xbox, Ubisoft) holding the
50,000 releases of bench_matching's store-like titles (many games owned on two or three stores,
with store spellings, editions, soundtracks and demos). Every release starts as its own game, as
a sync leaves them; then one full re-match (`match_releases(None)`) merges them, and the
roll-ups give each merged game its one card and total playtime, as after a real sync. Then:

- the library page and search as you type, through Django's test client (as bench_pages);
- `search_games`, the service behind the MCP tool and REST, called in-process with the same
  typed queries: its target is the MCP stdio target, which also pays for the transport.

Run: python -m benchmarks bench_merged_household (both engines) or
python -m benchmarks.bench_merged_household.
"""

from __future__ import annotations

import random
import sys

from benchmarks.bench_matching import RELEASES, SEED, STORES, _household
from benchmarks.bench_mcp import STDIO_TARGET_P95
from benchmarks.bench_pages import PAGE_TARGET_P95, SAMPLES, SEARCH_TARGET_P95, WARMUP, measure
from benchmarks.support import engine_name, ms, percentile, setup_django, table


def make_household():
    """Five libraries of one member, one release per (store, title) row, each its own game;
    then matched and rolled up. Returns the member, the title words and what matching did."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from benchmarks.titles import realistic_titles
    from games.models import Game, Release
    from games.services.matching import match_releases
    from games.services.rollups import refresh_game_rollups
    from games.titles import normalize_title, sort_title
    from libraries.models import Library, LibraryGame
    from libraries.services import bulk
    from platforms.models import Platform

    realistic = iter(realistic_titles(RELEASES * 2, seed=SEED))
    rows = _household(random.Random(SEED), lambda: next(realistic))
    rng = random.Random(SEED)
    user = get_user_model().objects.create_user("bench", "bench@example.com", "x")
    libraries = {}
    for code in STORES:
        platform, _ = Platform.objects.get_or_create(code=code, defaults={"name": code})
        libraries[code] = Library.objects.create(
            owner=user, platform=platform, user_identifier=f"bench-{code}", display_name=code
        )
    now = timezone.now()
    with transaction.atomic():
        game_ids = bulk.reserve_ids(Game, len(rows))
        bulk.insert_rows(
            Game,
            ["id", "title", "normalized_title", "sort_title"],
            (
                (gid, title, normalize_title(title), sort_title(title))
                for gid, (_, title) in zip(game_ids, rows, strict=True)
            ),
            shared={"created_at": now, "updated_at": now},
        )
        release_ids = bulk.reserve_ids(Release, len(rows))
        bulk.insert_rows(
            Release,
            ["id", "platform_id", "external_id", "game_id", "store_name"],
            (
                (rid, libraries[store].platform_id, str(rid), gid, title)
                for rid, gid, (store, title) in zip(release_ids, game_ids, rows, strict=True)
            ),
            shared={"created_at": now},
        )
        bulk.insert_rows(
            LibraryGame,
            ["library_id", "release_id", "playtime_minutes"],
            (
                (libraries[store].pk, rid, rng.choice((0, 0, rng.randint(1, 6000))))
                for rid, (store, _) in zip(release_ids, rows, strict=True)
            ),
            shared={"added_at": now, "updated_at": now},
        )
    report = match_releases(None)
    refresh_game_rollups(owner_ids=[user.pk])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    words = sorted({word for _, title in rows for word in title.split() if word.isalpha()})
    cards = LibraryGame.objects.filter(library__owner=user, represents_game=True).count()
    return user, words, report, cards


def main() -> int:
    setup_django()
    from django.test import Client

    from games.queries import LibraryFilters
    from games.services.search import search_games

    user, words, report, cards = make_household()
    client = Client()
    client.force_login(user)
    rng = random.Random(7)
    sample = rng.sample([w for w in words if len(w) >= 3], 60)
    typed = [word[: rng.randint(3, 6)].lower() for word in sample]
    htmx = {"HX-Request": "true"}
    endless = typed * (SAMPLES // len(typed) + WARMUP + 2)

    def library_page() -> None:
        assert client.get("/library/").status_code == 200

    page_queries = iter(endless)

    def instant_search() -> None:
        assert client.get(f"/library/?q={next(page_queries)}", headers=htmx).status_code == 200

    service_queries = iter(endless)

    def service_search() -> None:
        search_games(user, LibraryFilters(q=next(service_queries)), limit=20)

    cases = [
        ("Library page, first 50 cards", library_page, PAGE_TARGET_P95),
        ("Search as you type: library results", instant_search, SEARCH_TARGET_P95),
        ("`search_games` service, in-process (MCP/REST)", service_search, STDIO_TARGET_P95),
    ]
    rows = []
    failed = False
    for name, fn, target in cases:
        samples = measure(fn)
        p95 = percentile(samples, 95)
        met = p95 <= target
        failed |= not met
        rows.append(
            [name, ms(percentile(samples, 50)), ms(p95), ms(target), "yes" if met else "**no**"]
        )
    print(f"### Merged household on {engine_name()}\n")
    print(
        f"{RELEASES:,} releases on {len(STORES)} stores in one member's {len(STORES)} "
        f"libraries; the re-match joined {len(report.joins):,} pairs, leaving {cards:,} cards "
        f"(one per game). {SAMPLES} samples each, after {WARMUP} warm-up calls.\n"
    )
    print(table(["Request", "p50", "p95", "Target p95", "Met"], rows))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
