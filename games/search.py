"""Title search: the one function every caller (pages, REST, MCP, assistant) uses.

SQLite: an FTS5 trigram index (substring match, case-insensitive) for queries of three or more
characters; shorter ones fall back to LIKE, which is cheap for a prefix of one or two letters.
PostgreSQL: a pg_trgm GIN index on UPPER(title) that serves Django's icontains.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

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
        matching = RawSQL(
            "SELECT rowid FROM games_game_fts WHERE games_game_fts MATCH %s", (_fts_phrase(query),)
        )
        return rows.filter(**{f"{game_path}id__in": matching})
    return rows.filter(**{f"{game_path}title__icontains": query})
