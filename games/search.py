"""Title search: the one function every caller (pages, REST, MCP, assistant) uses.

SQLite: an FTS5 trigram index (substring match, case-insensitive) for queries of three or more
characters; shorter ones fall back to LIKE, which is cheap for a prefix of one or two letters.
PostgreSQL: a pg_trgm GIN index on UPPER(title) that serves Django's icontains.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from games.models import Game

logger = logging.getLogger(__name__)

MIN_TRIGRAM_LENGTH = 3


def _fts_phrase(query: str) -> str:
    return '"' + query.replace('"', '""') + '"'


def filter_games_by_title(rows: QuerySet, query: str, *, game_path: str = "") -> QuerySet:
    """Narrow ROWS to games whose title contains QUERY.

    ROWS is a queryset of games, or of rows that reach a game through GAME_PATH (e.g. "release__game__"
    for library entries).
    """
    query = " ".join(query.split())
    if not query:
        return rows
    if connection.vendor == "sqlite" and len(query) >= MIN_TRIGRAM_LENGTH:
        indexed_matches = RawSQL(
            "SELECT rowid FROM games_game_fts WHERE games_game_fts MATCH %s", (_fts_phrase(query),)
        )
        return rows.filter(**{f"{game_path}id__in": indexed_matches})
    if connection.vendor == "sqlite" and game_path:
        # Too short for the trigram index. Scanning the games table is cheap (~1 ms at 10,000);
        # testing each row on the far side of a join is not (~20 ms), so match the games first.
        scanned_matches = Game.objects.filter(title__icontains=query).values("id")
        return rows.filter(**{f"{game_path}id__in": scanned_matches})
    return rows.filter(**{f"{game_path}title__icontains": query})


def refresh_search_index() -> None:
    """Make title search fast again after many games were added at once (a first sync).

    PostgreSQL: a GIN index takes new entries into a "pending list" that every search reads
    through, row by row, until autovacuum merges it — after 10,000 new games that is ~4 ms per
    search instead of ~0.05 ms, for up to a minute or more. Merging it now is one bulk operation.
    SQLite: `PRAGMA optimize` refreshes the planner's statistics where they went stale, which
    keeps it starting a title search from the full-text index.
    """
    statement = {
        "postgresql": "SELECT gin_clean_pending_list('games_game_title_trgm'::regclass)",
        "sqlite": "PRAGMA optimize",
    }.get(connection.vendor)
    if statement is None:
        return
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    except DatabaseError as exc:  # e.g. a database user who does not own the index
        logger.warning("Could not refresh the title search index: %s", exc)
