"""Export a filtered library as JSON or CSV.

The columns are listed here once; nothing from a library's credentials or account is among them.
CSV cells that a spreadsheet would run as a formula (store titles are outside data) are defused.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from games.models import Genre
from games.queries import LibraryFilters, filter_entries
from games.schemas import ExportFormat, ExportOut
from games.services import ServiceError
from libraries.models import LibraryGame

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
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_library(user, filters: LibraryFilters, export_format: ExportFormat) -> ExportOut:
    if export_format not in MEDIA_TYPES:
        raise ServiceError(f"format must be one of: {', '.join(MEDIA_TYPES)}.")
    entries = (
        filter_entries(user, filters)
        .prefetch_related(Prefetch("release__game__genres", queryset=Genre.objects.only("name")))
        .order_by("release__game__sort_title", "pk")
    )
    rows = [_row(entry) for entry in entries.iterator(chunk_size=1000)]
    stamp = timezone.now()
    if export_format == "csv":
        content = _csv(rows)
    else:
        content = json.dumps(
            {
                "exported_at": stamp.isoformat(),
                "filters": _non_default(filters),
                "count": len(rows),
                "games": rows,
            },
            default=_json_value,
            ensure_ascii=False,
            indent=1,
        )
    return ExportOut(
        format=export_format,
        filename=f"gamedjinn-library-{stamp:%Y%m%d-%H%M}.{export_format}",
        media_type=MEDIA_TYPES[export_format],
        rows=len(rows),
        content=content,
    )


def _row(entry: LibraryGame) -> dict[str, Any]:
    game = entry.release.game
    return {
        "game_id": game.pk,
        "title": game.title,
        "platform": entry.library.platform.code,
        "library": entry.library.display_name,
        "store_id": entry.release.external_id,
        "store_url": entry.release.store_url,
        "status": entry.status,
        "playtime_minutes": entry.playtime_minutes,
        "last_played_at": entry.last_played_at,
        "user_rating": entry.user_rating,
        "genres": [genre.name for genre in game.genres.all()],
        "developers": list(game.developers or []),
        "publishers": list(game.publishers or []),
        "release_date": game.release_date,
        "metacritic_score": game.metacritic_score,
        "esrb_rating": game.esrb_rating,
        "added_at": entry.added_at,
    }


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
