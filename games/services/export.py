"""Export a filtered library as JSON or CSV.

The columns are listed here once; nothing from a library's credentials is among them. CSV cells
that a spreadsheet would run as a formula (store titles are outside data) are defused.

The JSON export is also a complete copy of the user's own data, which the ``gamedjinn`` file
source imports into another install: beside the flat ``games`` rows (unchanged, what REST and MCP
readers use) it carries ``format``/``version`` and the ``libraries`` (each with every entry:
playtime and its snapshots, status, rating, notes, dates, hidden, removed), the ``games`` those
entries belong to (so merges survive), the ``matches`` between their releases and the user's
``collections``. Games are keyed by their first release ("steam:620"), not by database ids, so
two installs export the same data alike. An unfiltered export holds every entry of the user's
libraries, hidden and removed ones included; a filtered export holds the filtered view's.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from games.models import Collection, Game, Match, Release
from games.queries import LibraryFilters, filter_entries
from games.schemas import ExportFormat, ExportOut
from games.services import ServiceError
from libraries.models import Library, LibraryGame, PlaytimeSnapshot

COLUMNS = (
    "game_id",
    "title",
    "platform",
    "library",
    "store_id",
    "store_url",
    "status",
    "playtime_minutes",
    "last_played_at",
    "user_rating",
    "genres",
    "developers",
    "publishers",
    "release_date",
    "metacritic_score",
    "esrb_rating",
    "added_at",
)
MEDIA_TYPES = {"json": "application/json", "csv": "text/csv"}
EXPORT_FORMAT = "gamedjinn"
# 1: the flat games rows only. 2: the user's whole data beside them (libraries, entries, games,
# matches, collections).
EXPORT_VERSION = 2
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# Where each column comes from, read as plain values: building 70,000 model instances for a
# 10,000-game export took three quarters of its time.
_SOURCES = {
    "game_id": "release__game_id",
    "title": "release__game__title",
    "platform": "release__platform__code",
    "library": "library__display_name",
    "store_id": "release__external_id",
    "status": "status",
    "playtime_minutes": "playtime_minutes",
    "last_played_at": "last_played_at",
    "user_rating": "user_rating",
    "developers": "release__game__developers",
    "publishers": "release__game__publishers",
    "release_date": "release__game__release_date",
    "metacritic_score": "release__game__metacritic_score",
    "esrb_rating": "release__game__esrb_rating",
    "added_at": "added_at",
}


def export_library(user, filters: LibraryFilters, export_format: ExportFormat) -> ExportOut:
    if export_format not in MEDIA_TYPES:
        raise ServiceError(f"format must be one of: {', '.join(MEDIA_TYPES)}.")
    # Ties are broken by store and library, not by ids, so two installs list alike.
    entries = filter_entries(user, filters, one_per_game=False).order_by(
        "release__game__sort_title",
        "release__platform__code",
        "release__external_id",
        "library__display_name",
        "pk",
    )
    complete: dict[str, Any] = {}
    if export_format == "json":
        # Its genres cover every game of the flat rows too (its entries are a superset).
        complete, genres = complete_data(user, filters)
    else:
        genres = _genres_of(entries)
    rows = [
        _row(values, genres)
        for values in entries.values(*_SOURCES.values()).iterator(chunk_size=2000)
    ]
    stamp = timezone.now()
    if export_format == "csv":
        content = _csv(rows)
    else:
        content = json.dumps(
            {
                "format": EXPORT_FORMAT,
                "version": EXPORT_VERSION,
                "exported_at": stamp.isoformat(),
                "filters": _non_default(filters),
                "count": len(rows),
                "games": rows,
                **complete,
            },
            default=_json_value,
            ensure_ascii=False,
        )
    return ExportOut(
        format=export_format,
        filename=f"gamedjinn-library-{stamp:%Y%m%d-%H%M}.{export_format}",
        media_type=MEDIA_TYPES[export_format],
        rows=len(rows),
        content=content,
    )


def _genres_of(entries: QuerySet[LibraryGame]) -> dict[int, list[str]]:
    links = (
        Game.genres.through.objects.filter(game_id__in=entries.values("release__game_id"))
        .order_by("genre__name")
        .values_list("game_id", "genre__name")
    )
    genres: dict[int, list[str]] = defaultdict(list)
    for game_id, name in links.iterator(chunk_size=5000):
        genres[game_id].append(name)
    return genres


def _row(values: dict[str, Any], genres: dict[int, list[str]]) -> dict[str, Any]:
    row = {column: values[source] for column, source in _SOURCES.items()}
    row["store_url"] = Release.store_url_for(row["platform"], row["store_id"])
    row["genres"] = genres.get(row["game_id"], [])
    row["developers"] = list(row["developers"] or [])
    row["publishers"] = list(row["publishers"] or [])
    return {column: row[column] for column in COLUMNS}


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(_cell(row[column]) for column in COLUMNS)
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        value = "; ".join(str(item) for item in value)
    if isinstance(value, str):
        return "'" + value if value.startswith(_FORMULA_START) else value
    return str(value)


def _json_value(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not exportable")


def _non_default(filters: LibraryFilters) -> dict[str, Any]:
    defaults = asdict(LibraryFilters())
    return {k: v for k, v in asdict(filters).items() if v != defaults[k]}


# --- the complete copy -------------------------------------------------------------------------

LIBRARY_FIELDS = ("sync_enabled", "sync_interval_hours", "avatar_url", "profile_url")
ENTRY_FIELDS = (
    "playtime_minutes",
    "playtime_2weeks_minutes",
    "last_played_at",
    "acquired_at",
    "added_at",
    "removed_at",
    "hidden",
    "status",
    "user_rating",
    "notes",
    "started_on",
    "finished_on",
    "external_ids",
    "user_edited_fields",
)
GAME_FIELDS = (
    "title",
    "game_type",
    "description",
    "developers",
    "publishers",
    "release_date",
    "release_date_text",
    "esrb_rating",
    "pegi_rating",
    "metacritic_score",
    "cover_url",
    "user_edited_fields",
)
_ENTRY_SOURCES = {
    "id": "id",
    "library_id": "library_id",
    "release_id": "release_id",
    "store": "release__platform__code",
    "store_id": "release__external_id",
    "store_name": "release__store_name",
    "icon_url": "release__icon_url",
    "game_id": "release__game_id",
    **{name: name for name in ENTRY_FIELDS},
}


def complete_data(user, filters: LibraryFilters) -> tuple[dict[str, Any], dict[int, list[str]]]:
    """The user's libraries, entries, games, matches and collections, keyed without ids; and
    the genres of those games by game id."""
    entries = LibraryGame.objects.filter(library__owner=user)
    if _narrowed(filters):
        entries = entries.filter(
            pk__in=filter_entries(user, filters, one_per_game=False).values("pk")
        )
    else:
        cap = _cap_of(user)
        if cap:
            entries = entries.filter(release__game__esrb_rating__in=cap)
    names = list(_ENTRY_SOURCES)
    rows = [
        _decoded(dict(zip(names, values, strict=True)), _ENTRY_JSON)
        for values in entries.order_by("library_id", "pk").values_list(
            *(_as_text(name, source) for name, source in _ENTRY_SOURCES.items())
        )
    ]
    # Subqueries rather than lists of ids: SQLite limits how many values one query may bind.
    game_ids = entries.values("release__game_id")
    snapshots: dict[int, list[list[Any]]] = defaultdict(list)
    for entry_id, taken_on, minutes in (
        PlaytimeSnapshot.objects.filter(entry__in=entries.values("pk"))
        .order_by("entry_id", "taken_on")
        .values_list("entry_id", "taken_on", "playtime_minutes")
        .iterator(chunk_size=5000)
    ):
        snapshots[entry_id].append([taken_on.isoformat(), minutes])
    # A game's key is its first release on any store, the same in every install.
    game_key: dict[int, str] = {}
    release_key: dict[int, str] = {}
    for release_id, game_id, store, store_id in (
        Release.objects.filter(game_id__in=game_ids)
        .order_by("platform__code", "external_id")
        .values_list("pk", "game_id", "platform__code", "external_id")
    ):
        release_key[release_id] = f"{store}:{store_id}"
        game_key.setdefault(game_id, f"{store}:{store_id}")
    genres = _genres_by_game(game_ids)
    games = []
    for pk, *values in Game.objects.filter(pk__in=game_ids).values_list(
        "pk", *(_as_text(name, name) for name in GAME_FIELDS)
    ):
        game: dict[str, Any] = {"key": game_key[pk]}
        game.update(_decoded(dict(zip(GAME_FIELDS, values, strict=True)), _GAME_JSON))
        game["genres"] = genres.get(pk, [])
        games.append(game)
    games.sort(key=lambda game: game["key"])
    by_library: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        entry = {
            "store": row["store"],
            "store_id": row["store_id"],
            "store_name": row["store_name"],
            "icon_url": row["icon_url"],
            "game": game_key[row["game_id"]],
            **{name: row[name] for name in ENTRY_FIELDS},
            "snapshots": snapshots.get(row["id"], []),
        }
        by_library[row["library_id"]].append(entry)
    libraries = []
    libraries_of_user = Library.objects.filter(owner=user)
    if _narrowed(filters):
        libraries_of_user = libraries_of_user.filter(pk__in=list(by_library))
    for library in libraries_of_user.select_related("platform").order_by(
        "platform__code", "user_identifier"
    ):
        libraries.append(
            {
                "platform": library.platform.code,
                "account": library.user_identifier,
                "name": library.display_name,
                **{name: getattr(library, name) for name in LIBRARY_FIELDS},
                "entries": sorted(
                    by_library.get(library.pk, []), key=lambda e: (e["store"], e["store_id"])
                ),
            }
        )
    matches = [
        {
            "release": release_key[release_id],
            "matched_release": release_key[matched_id],
            "method": method,
            "confidence": confidence,
            "verified": verified,
        }
        for release_id, matched_id, method, confidence, verified in Match.objects.filter(
            release__game_id__in=game_ids, matched_release__game_id__in=game_ids
        ).values_list("release_id", "matched_release_id", "method", "confidence", "verified")
        if release_id in release_key and matched_id in release_key
    ]
    matches.sort(key=lambda match: (match["release"], match["matched_release"]))
    collections = [
        {"name": name, "rules": rules}
        for name, rules in Collection.objects.filter(owner=user)
        .order_by("name")
        .values_list("name", "rules")
    ]
    return {
        "libraries": libraries,
        "game_records": games,
        "matches": matches,
        "collections": collections,
    }, genres


# JSON columns are read as text and decoded here: most are empty ({} or []), and Django's
# per-value decoding of 50,000 of them was a third of a 10,000-game export.
_JSON_COLUMNS = frozenset({"external_ids", "user_edited_fields", "developers", "publishers"})
_ENTRY_JSON = tuple(name for name in ENTRY_FIELDS if name in _JSON_COLUMNS)
_GAME_JSON = tuple(name for name in GAME_FIELDS if name in _JSON_COLUMNS)


def _as_text(name: str, source: str) -> Any:
    return Cast(source, TextField()) if name in _JSON_COLUMNS else source


def _decoded(row: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    for name in names:
        text = row[name]
        if text == "{}":
            row[name] = {}
        elif text == "[]":
            row[name] = []
        elif isinstance(text, str):
            row[name] = json.loads(text)
    return row


def _narrowed(filters: LibraryFilters) -> bool:
    """Whether FILTERS pick out part of the library (sorting and hidden games do not)."""
    return bool(set(_non_default(filters)) - {"sort", "include_hidden"})


def _cap_of(user) -> list[str] | None:
    from gamedjinn.models import profile_for
    from games.ratings import esrb_at_or_below

    cap = profile_for(user).esrb_cap
    return list(esrb_at_or_below(cap)) if cap else None


def _genres_by_game(game_ids: QuerySet[Any, Any]) -> dict[int, list[str]]:
    genres: dict[int, list[str]] = defaultdict(list)
    for game_id, name in (
        Game.genres.through.objects.filter(game_id__in=game_ids)
        .order_by("genre__name")
        .values_list("game_id", "genre__name")
    ):
        genres[game_id].append(name)
    return genres
