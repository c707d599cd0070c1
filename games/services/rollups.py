"""One card per game: the roll-ups that let a list show a game owned on several stores once.

A library list row is one owned copy (libraries.models.LibraryGame). When the matcher or a
curator joins releases of several stores into one Game, the owner has several copies of it. Each
copy carries, maintained here:

- ``represents_game``: exactly one present copy per (owner, game) is True, the one lists show:
  shown copies before hidden ones (hiding one copy of a merged game does not hide the game;
  hiding every copy does), then the most played, then the lowest id;
- ``game_playtime_minutes``: the playtime of all the owner's present copies of the game, hidden
  ones included (the game page's total counts them too), summed;
- ``game_last_played_at``: the latest play of any of them;
- ``game_store_count``: how many stores they are on ("on 2 stores").

Removed copies (left the store's owned list) count for nothing and never represent a game;
their roll-ups are their own values.

They are stored rather than grouped at read time: grouping the list query by game made search
as you type 4x slower on a 10,000-game library. ``refresh_game_rollups`` recomputes them with
one set-based UPDATE per scope chunk (window functions, on SQLite and PostgreSQL alike) and
writes only the rows whose values changed, so an unchanged re-sync writes nothing. Every write
that changes playtime, ownership, removal, hiding or the game a release belongs to calls it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection

from games.models import Release
from libraries.models import Library, LibraryGame

# Ids per statement: far under SQLite's bound on parameters.
CHUNK = 500


def refresh_game_rollups(
    *, owner_ids: Iterable[int] | None = None, game_ids: Iterable[int] | None = None
) -> None:
    """Recompute the roll-ups of every copy of GAME_IDS (any owner's) and/or of every copy
    OWNER_IDS own. Both given: the copies matching both. Neither: every copy (a migration).

    A game id of a game deleted since (merged away) is harmless: it selects nothing. Call it
    with the games a change left copies on, e.g. both games of a split."""
    if owner_ids is not None:
        owners = sorted(set(owner_ids))
        if not owners:
            return
    if game_ids is not None:
        games = sorted(set(game_ids))
        if not games:
            return
    if game_ids is not None:
        for start in range(0, len(games), CHUNK):
            chunk = games[start : start + CHUNK]
            if owner_ids is not None:
                for owner_start in range(0, len(owners), CHUNK):
                    _refresh(chunk, owners[owner_start : owner_start + CHUNK])
            else:
                _refresh(chunk, None)
    elif owner_ids is not None:
        for start in range(0, len(owners), CHUNK):
            _refresh(None, owners[start : start + CHUNK])
    else:
        _refresh(None, None)


def refresh_all_rollups(using_connection: Any = None) -> None:
    """Every copy's roll-ups, through USING_CONNECTION (a migration's schema editor gives one)."""
    _refresh(None, None, using_connection)


def _refresh(
    games: list[int] | None, owners: list[int] | None, using_connection: Any = None
) -> None:
    db = using_connection or connection
    entry = LibraryGame._meta.db_table
    library = Library._meta.db_table
    release = Release._meta.db_table
    where = ["x.removed_at IS NULL"]
    params: list[Any] = []
    removed_scope = [
        "removed_at IS NOT NULL",
        "(represents_game = %s OR game_playtime_minutes <> playtime_minutes"
        " OR game_store_count <> 1)",
    ]
    removed_params: list[Any] = [True]
    if games is not None:
        marks = ", ".join(["%s"] * len(games))
        where.append(f"r.game_id IN ({marks})")
        params += games
        removed_scope.append(f"release_id IN (SELECT id FROM {release} WHERE game_id IN ({marks}))")
        removed_params += games
    if owners is not None:
        marks = ", ".join(["%s"] * len(owners))
        where.append(f"l.owner_id IN ({marks})")
        params += owners
        removed_scope.append(
            f"library_id IN (SELECT id FROM {library} WHERE owner_id IN ({marks}))"
        )
        removed_params += owners
    # PostgreSQL compares a nullable pair with IS DISTINCT FROM; SQLite's IS NOT does the same.
    differs = "IS DISTINCT FROM" if db.vendor == "postgresql" else "IS NOT"
    group = "PARTITION BY l.owner_id, r.game_id"
    sql = f"""
        UPDATE {entry} AS e
        SET game_playtime_minutes = t.total,
            game_last_played_at = t.last_played,
            game_store_count = t.stores,
            represents_game = (t.place = 1)
        FROM (
            SELECT x.id,
                SUM(x.playtime_minutes) OVER ({group}) AS total,
                MAX(x.last_played_at) OVER ({group}) AS last_played,
                -- COUNT(DISTINCT) is no window function on either engine; two dense ranks
                -- over the platform, up and down, add up to the distinct count plus one.
                DENSE_RANK() OVER ({group} ORDER BY r.platform_id)
                    + DENSE_RANK() OVER ({group} ORDER BY r.platform_id DESC) - 1 AS stores,
                ROW_NUMBER() OVER (
                    {group} ORDER BY x.hidden, x.playtime_minutes DESC, x.id
                ) AS place
            FROM {entry} x
            JOIN {library} l ON l.id = x.library_id
            JOIN {release} r ON r.id = x.release_id
            WHERE {" AND ".join(where)}
        ) AS t
        WHERE t.id = e.id AND (
            e.game_playtime_minutes <> t.total
            OR e.game_store_count <> t.stores
            OR e.represents_game <> (t.place = 1)
            OR e.game_last_played_at {differs} t.last_played
        )
    """
    with db.cursor() as cursor:
        cursor.execute(
            f"UPDATE {entry} SET represents_game = %s, game_playtime_minutes = playtime_minutes,"
            f" game_last_played_at = last_played_at, game_store_count = 1"
            f" WHERE {' AND '.join(removed_scope)}",
            [False, *removed_params],
        )
        cursor.execute(sql, params)


def refresh_for_releases(
    release_ids: Iterable[int], owner_ids: Iterable[int] | None = None
) -> None:
    """The roll-ups of the games RELEASE_IDS belong to (for OWNER_IDS only, if given)."""
    release_ids = sorted(set(release_ids))
    game_ids: set[int] = set()
    for start in range(0, len(release_ids), CHUNK):
        game_ids.update(
            Release.objects.filter(pk__in=release_ids[start : start + CHUNK]).values_list(
                "game_id", flat=True
            )
        )
    refresh_game_rollups(game_ids=game_ids, owner_ids=owner_ids)
