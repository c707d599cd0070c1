"""Title search: the one function every caller (pages, REST, MCP, assistant) uses.

SQLite: an FTS5 trigram index (substring match, case-insensitive) for queries of three or more
characters; shorter ones fall back to LIKE, which is cheap for a prefix of one or two letters.
PostgreSQL: a pg_trgm GIN index on UPPER(title) that serves Django's icontains.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection, connections, transaction
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from games.models import Game, Release

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
    matches: QuerySet | RawSQL
    if connection.vendor == "sqlite" and len(query) >= MIN_TRIGRAM_LENGTH:
        matches = RawSQL(
            "SELECT rowid FROM games_game_fts WHERE games_game_fts MATCH %s", (_fts_phrase(query),)
        )
    elif connection.vendor == "sqlite" and game_path:
        # Too short for the trigram index. Scanning the games table is cheap (~1 ms at 10,000);
        # testing each row on the far side of a join is not (~20 ms), so match the games first.
        matches = Game.objects.filter(title__icontains=query).values("id")
    else:
        return rows.filter(**{f"{game_path}title__icontains": query})
    if game_path.endswith("release__game__"):
        # Rows that hold a release (library entries) are found from the matching games' releases:
        # given the games alone, SQLite walks every entry of the user's libraries to test its
        # game (56 vs 6 ms on a 50,000-copy household).
        releases = Release.objects.filter(game_id__in=matches).values("pk")
        return rows.filter(**{f"{game_path.removesuffix('game__')}id__in": releases})
    return rows.filter(**{f"{game_path}id__in": matches})


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


_SQLITE_TRIGGERS = {
    "games_game_fts_insert": """CREATE TRIGGER games_game_fts_insert AFTER INSERT ON games_game
        BEGIN INSERT INTO games_game_fts(rowid, title) VALUES (new.id, new.title); END""",
    "games_game_fts_delete": """CREATE TRIGGER games_game_fts_delete AFTER DELETE ON games_game
        BEGIN INSERT INTO games_game_fts(games_game_fts, rowid, title)
              VALUES ('delete', old.id, old.title); END""",
    "games_game_fts_update": """CREATE TRIGGER games_game_fts_update AFTER UPDATE OF title
        ON games_game BEGIN
          INSERT INTO games_game_fts(games_game_fts, rowid, title)
            VALUES ('delete', old.id, old.title);
          INSERT INTO games_game_fts(rowid, title) VALUES (new.id, new.title);
        END""",
}


def ensure_title_index_triggers(using: str = "default", **_: object) -> None:
    """Put back the SQLite title index's triggers when a migration dropped them.

    Django's SQLite schema editor adds most columns by rebuilding the table, which drops the
    triggers migration games.0003 created; new titles would then never reach the index. Runs
    after every migrate and rebuilds the index when a trigger had to be restored.
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'games_game_fts'"
        )
        if cursor.fetchone() is None:
            return  # migrations have not reached the index yet
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
        missing = [name for name in _SQLITE_TRIGGERS if name not in present]
        for name in missing:
            cursor.execute(_SQLITE_TRIGGERS[name])
        if missing:
            cursor.execute("INSERT INTO games_game_fts(games_game_fts) VALUES ('rebuild')")
