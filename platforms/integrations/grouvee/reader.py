"""Read Grouvee's CSV export into records.

Two headers are known: the current one (20 columns, with ``review_title``, ``series``,
``date_added_to_collection`` and ``igdb_id``) and an older one (15 columns); columns are found by
name, in any order. Several cells hold JSON:

* ``shelves``: ``{"Backlog": {"date_added": "…", "order": 1}, …}`` — the shelf is the status;
* ``platforms``: the platforms the user owns the game on (an object keyed by name, or a list);
* ``dates``: ``[{"date_started", "date_finished", "seconds_played", "level_of_completion"}]``.

Date strings may be the literal ``None``. The rating is Grouvee's 1-5 stars (we keep 1-10).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from platforms.contract import ImportedFile
from platforms.devices import MANUAL_STORE, manual_release_id
from platforms.errors import UnreadableFile
from platforms.filetext import (
    RowError,
    find_columns,
    is_none,
    parse_date,
    parse_int,
    read_csv,
    row_error,
)
from platforms.records import OwnedGame

WHAT = "Grouvee export"
ACCOUNT_ID = "grouvee"
COLUMNS: Mapping[str, tuple[str, ...]] = {
    name: (name,)
    for name in (
        "id",
        "name",
        "shelves",
        "platforms",
        "rating",
        "review",
        "dates",
        "url",
        "giantbomb_id",
        "igdb_id",
        "date_added_to_collection",
    )
}
REQUIRED = ("id", "name", "shelves", "platforms", "dates")

# Shelf → status, and which status wins when a game sits on several shelves.
SHELVES: Mapping[str, str] = {
    "playing": "playing",
    "played": "completed",
    "beaten": "completed",
    "completed": "completed",
    "finished": "completed",
    "abandoned": "abandoned",
    "dropped": "abandoned",
    "backlog": "backlog",
    "wishlist": "wishlist",
}
_PRIORITY = ("playing", "completed", "abandoned", "backlog", "wishlist")


def read_grouvee_export(path: Path) -> ImportedFile:
    header, rows = read_csv(path, WHAT)
    columns = find_columns(header, COLUMNS)
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise UnreadableFile(
            f"This is not a {WHAT}: its header has no {', '.join(missing)} column."
        )
    games: list[OwnedGame] = []
    skipped: list[tuple[str, str]] = []
    for row in rows:
        problem = row_error(row)
        if problem is None:
            try:
                games.extend(games_from({f: row.cells[c] for f, c in columns.items()}))
                continue
            except RowError as exc:
                problem = str(exc)
        skipped.append((f"line {row.line}", problem))
    if not games and skipped:
        raise UnreadableFile(
            f"No game in the {WHAT} could be read; the first problem is at {skipped[0][0]}: "
            f"{skipped[0][1]}."
        )
    return ImportedFile(account_id=ACCOUNT_ID, display_name="Grouvee", owned=games, skipped=skipped)


def games_from(cells: Mapping[str, str]) -> list[OwnedGame]:
    """One row: a record per platform the game is owned on. Raises RowError."""
    name = cells["name"].strip()
    if not name:
        raise RowError("the game has no name")
    shelves = _json(cells["shelves"], "shelves")
    platforms = _names(_json(cells["platforms"], "platforms"))
    plays = _json(cells["dates"], "dates") or []
    if not isinstance(plays, list):
        raise RowError("dates is not a list")
    seconds = 0
    started: list[date] = []
    finished: list[date] = []
    for play in plays:
        if not isinstance(play, dict):
            raise RowError("dates holds something that is not a play-through")
        seconds += parse_int(_text(play.get("seconds_played")), "seconds played") or 0
        if day := parse_date(_text(play.get("date_started"))):
            started.append(day)
        if day := parse_date(_text(play.get("date_finished"))):
            finished.append(day)
    statuses = {SHELVES.get(_key(shelf)) for shelf in _names(shelves)}
    status = next((s for s in _PRIORITY if s in statuses), None)
    stars = parse_int(cells.get("rating"), "rating")
    rating = None if not stars or stars < 1 else min(10, stars * 2 if stars <= 5 else stars)
    ids = {"grouvee": cells["id"]}
    for key in ("igdb_id", "giantbomb_id"):
        if not is_none(cells.get(key)):
            ids[key.removesuffix("_id")] = cells[key]
    review = cells.get("review", "")
    return [
        OwnedGame(
            external_id=manual_release_id(platform, name),
            name=name[:300],
            store=MANUAL_STORE,
            playtime_minutes=max(0, seconds) // 60,
            status=status,
            user_rating=rating,
            notes=None if is_none(review) else review,
            started_on=min(started) if started else None,
            finished_on=max(finished) if finished else None,
            external_ids=tuple(sorted(ids.items())),
        )
        for platform in platforms or ["other"]
    ]


def _json(cell: str, what: str) -> Any:
    if is_none(cell):
        return None
    try:
        return json.loads(cell)
    except json.JSONDecodeError:
        raise RowError(f"{what} is not JSON") from None


def _names(value: Any) -> list[str]:
    """Names from an object keyed by name, a list of names, or a list of {"name": …}."""
    if value is None:
        return []
    if isinstance(value, dict):
        return [str(key) for key in value]
    if isinstance(value, list):
        names = [
            str(item.get("name", "")) if isinstance(item, dict) else str(item) for item in value
        ]
        return [name for name in names if name.strip()]
    if isinstance(value, str):
        return [value]
    raise RowError("a list of names holds something else")


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _key(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())
