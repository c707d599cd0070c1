"""Read any CSV file with a header, through a column mapping {our field: their column}.

``guess_mapping`` proposes the mapping from the header's names; the caller (the web preview, the
command line) may change it, and ``read_csv_file`` reads with it. Units are in the field names:
``playtime_minutes`` or ``playtime_hours``; a rating of 1-10 is kept, 11-100 is divided by ten.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

from platforms.contract import ImportedFile
from platforms.devices import MANUAL_STORE, manual_release_id, store_code
from platforms.errors import UnreadableFile
from platforms.filetext import (
    CsvRow,
    RowError,
    column_key,
    find_columns,
    is_none,
    parse_bool,
    parse_date,
    parse_datetime,
    read_csv,
    row_error,
)
from platforms.records import OwnedGame

WHAT = "CSV file"

# Our fields, with the header names that suggest them (first match wins).
FIELDS: Mapping[str, tuple[str, ...]] = {
    "title": ("title", "name", "game", "game title", "game name"),
    "platform": ("platform", "platforms", "system", "console", "store", "source", "sources"),
    "store_id": ("store id", "store_id", "app id", "appid", "game id", "gameid", "external id"),
    "status": ("status", "completion status", "state", "shelf", "progress"),
    "rating": ("rating", "my rating", "score", "user score", "user rating", "stars"),
    "playtime_minutes": ("playtime minutes", "minutes played", "playtime (minutes)"),
    "playtime_hours": ("playtime", "hours", "hours played", "playtime hours", "time played"),
    "last_played": ("last played", "last activity", "last_played_at", "last played at"),
    "started_on": ("started", "date started", "start date", "started on"),
    "finished_on": ("finished", "date finished", "completed on", "finish date", "finished on"),
    "notes": ("notes", "note", "comment", "comments", "review"),
    "hidden": ("hidden",),
    "igdb_id": ("igdb", "igdb id", "igdb_id"),
}
FIELD_LABELS: Mapping[str, str] = {
    "title": "Title",
    "platform": "Platform or store",
    "store_id": "Store id",
    "status": "Status",
    "rating": "Rating",
    "playtime_minutes": "Playtime (minutes)",
    "playtime_hours": "Playtime (hours)",
    "last_played": "Last played",
    "started_on": "Started",
    "finished_on": "Finished",
    "notes": "Notes",
    "hidden": "Hidden",
    "igdb_id": "IGDB id",
}
STATUS_WORDS: Mapping[str, str] = {
    "backlog": "backlog",
    "notplayed": "backlog",
    "unplayed": "backlog",
    "plantoplay": "backlog",
    "onhold": "backlog",
    "playing": "playing",
    "inprogress": "playing",
    "completed": "completed",
    "complete": "completed",
    "beaten": "completed",
    "finished": "completed",
    "done": "completed",
    "played": "completed",
    "abandoned": "abandoned",
    "dropped": "abandoned",
    "wishlist": "wishlist",
    "want": "wishlist",
}


def header_of(path: Path) -> tuple[list[str], list[CsvRow]]:
    """The header and the first rows, for a preview. Raises UnreadableFile."""
    header, rows = read_csv(path, WHAT)
    first: list[CsvRow] = []
    for row in rows:
        first.append(row)
        if len(first) == 5:
            break
    rows.close()  # type: ignore[attr-defined]
    return header, first


def guess_mapping(header: list[str]) -> dict[str, str]:
    return find_columns(header, FIELDS)


def check_mapping(header: list[str], mapping: Mapping[str, str]) -> dict[str, str]:
    """MAPPING without empty choices; raises UnreadableFile when it cannot be used."""
    chosen = {field: column for field, column in mapping.items() if column}
    unknown = sorted(set(chosen) - set(FIELDS))
    if unknown:
        raise UnreadableFile(f"There is no field called {', '.join(unknown)}.")
    missing = sorted(column for column in chosen.values() if column not in header)
    if missing:
        raise UnreadableFile(f"The file has no column {', '.join(missing)}.")
    if "title" not in chosen:
        raise UnreadableFile("Choose the column that holds the games' titles.")
    return chosen


def read_csv_file(path: Path, mapping: Mapping[str, str] | None = None) -> ImportedFile:
    header, rows = read_csv(path, WHAT)
    chosen = check_mapping(header, guess_mapping(header) if mapping is None else mapping)
    games: list[OwnedGame] = []
    skipped: list[tuple[str, str]] = []
    for row in rows:
        problem = row_error(row)
        if problem is None:
            try:
                games.append(game_from({f: row.cells[c] for f, c in chosen.items()}))
                continue
            except RowError as exc:
                problem = str(exc)
        skipped.append((f"line {row.line}", problem))
    if not games and skipped:
        raise UnreadableFile(
            f"No game in the {WHAT} could be read; the first problem is at {skipped[0][0]}: "
            f"{skipped[0][1]}."
        )
    fingerprint = hashlib.sha1("\x1f".join(sorted(header)).encode()).hexdigest()[:12]
    return ImportedFile(
        account_id=f"csv-{fingerprint}", display_name="CSV import", owned=games, skipped=skipped
    )


def game_from(cells: Mapping[str, str]) -> OwnedGame:
    title = cells.get("title", "").strip()
    if not title:
        raise RowError("the title is empty")
    platform = cells.get("platform", "").split(",")[0].strip()
    store = store_code(platform) if platform else None
    store_id = cells.get("store_id", "").strip()
    if store and store_id and len(store_id) <= 64:
        external_id = store_id
    else:
        store, external_id = MANUAL_STORE, manual_release_id(platform or "other", title)
    minutes = _number(cells.get("playtime_minutes"), "playtime")
    hours = _number(cells.get("playtime_hours"), "playtime")
    playtime = int(minutes) if minutes is not None else int((hours or 0) * 60)
    status_text = cells.get("status", "")
    status = STATUS_WORDS.get(column_key(status_text)) if not is_none(status_text) else None
    if status_text and not is_none(status_text) and status is None:
        raise RowError(
            f"status {status_text[:30]!r} is not one of backlog, playing, completed, abandoned, wishlist"
        )
    score = _number(cells.get("rating"), "rating")
    rating = None
    if score is not None and score > 0:
        rating = max(1, min(10, round(score if score <= 10 else score / 10)))
    notes = cells.get("notes", "")
    igdb = cells.get("igdb_id", "")
    return OwnedGame(
        external_id=external_id,
        name=title[:300],
        store=store,
        playtime_minutes=max(0, playtime),
        last_played=parse_datetime(cells.get("last_played")),
        hidden=parse_bool(cells.get("hidden")),
        status=status,
        user_rating=rating,
        notes=notes or None,
        started_on=parse_date(cells.get("started_on")),
        finished_on=parse_date(cells.get("finished_on")),
        external_ids=() if is_none(igdb) else (("igdb", igdb),),
    )


def _number(value: str | None, what: str) -> float | None:
    if is_none(value):
        return None
    text = str(value).strip().replace(",", ".")
    try:
        return float(text)
    except ValueError:
        raise RowError(f"{what} {text[:20]!r} is not a number") from None
