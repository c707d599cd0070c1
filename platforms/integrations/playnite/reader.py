"""Read the Playnite Library Exporter add-on's CSV or JSON export into records.

The format is told by content, not by the file's name: JSON starts with ``[`` or ``{``.

* CSV: a header of localized column names (English expected: "Name", "Game Id", "Sources",
  "Time Played", "Last Played", "Completion Status", "User Score", "Hidden", "Notes",
  "Platforms", "Added", "Id"); the user chooses which columns exist and their order varies.
  Lists are joined with the add-on's list separator (", " by default).
* JSON: a list of Playnite game objects (or ``{"Games": [...]}``) with Playnite's property names
  (``Name``, ``GameId``, ``Source``, ``Playtime``, ``LastActivity``, ``CompletionStatus``,
  ``UserScore``, ``Hidden``, ``Notes``, ``Platforms``, ``Added``, ``Id``); named things may be a
  string or an object with a ``Name``.

Time played is in seconds; the user score is 0-100 (we keep 1-10). A game whose source is a
known store keeps that store's id (Playnite's GameId: a Steam app id, a GOG product id); any other
game lands on the "manual" store under its device and title (platforms.devices).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from platforms.contract import ImportedFile
from platforms.devices import MANUAL_STORE, manual_release_id, store_code
from platforms.errors import UnreadableFile
from platforms.filetext import (
    RowError,
    find_columns,
    is_none,
    parse_bool,
    parse_datetime,
    parse_int,
    read_csv,
    row_error,
    sniff_text,
)
from platforms.records import OwnedGame

WHAT = "Playnite export"
ACCOUNT_ID = "playnite"
# The largest JSON export read whole; a real 10,000-game export is a few megabytes.
MAX_JSON_BYTES = 64 * 1024 * 1024

# Our field → the CSV header's names (English) and the JSON property name.
COLUMNS: Mapping[str, tuple[str, ...]] = {
    "name": ("Name",),
    "game_id": ("Game Id", "GameId", "Game ID"),
    "source": ("Sources", "Source"),
    "playtime": ("Time Played", "Playtime"),
    "last_activity": ("Last Played", "Last Activity", "LastActivity"),
    "completion": ("Completion Status", "CompletionStatus"),
    "user_score": ("User Score", "UserScore"),
    "hidden": ("Hidden",),
    "notes": ("Notes",),
    "platforms": ("Platforms", "Platform"),
    "added": ("Added", "Date Added"),
    "id": ("Id",),
}
_PLAYNITE_ONLY = ("game_id", "source", "playtime", "completion")

# Playnite's default completion statuses (users may add their own: those are not carried).
STATUSES: Mapping[str, str] = {
    "notplayed": "backlog",
    "plantoplay": "backlog",
    "onhold": "backlog",
    "playing": "playing",
    "beaten": "completed",
    "completed": "completed",
    "played": "completed",
    "abandoned": "abandoned",
}


def read_playnite_export(path: Path) -> ImportedFile:
    head = sniff_text(path, WHAT).lstrip()
    if head[:1] in (b"[", b"{"):
        games, skipped = _from_json(path)
    else:
        games, skipped = _from_csv(path)
    if not games and skipped:
        raise UnreadableFile(
            f"No game in the {WHAT} could be read; the first problem is at {skipped[0][0]}: "
            f"{skipped[0][1]}."
        )
    return ImportedFile(
        account_id=ACCOUNT_ID, display_name="Playnite", owned=games, skipped=skipped
    )


def _from_csv(path: Path) -> tuple[list[OwnedGame], list[tuple[str, str]]]:
    header, rows = read_csv(path, WHAT)
    columns = find_columns(header, COLUMNS)
    if "name" not in columns or not any(name in columns for name in _PLAYNITE_ONLY):
        raise UnreadableFile(
            f"This is not a {WHAT}: its header has no Name, Game Id, Sources or Time Played "
            "column (English column names are expected)."
        )
    games: list[OwnedGame] = []
    skipped: list[tuple[str, str]] = []
    for row in rows:
        problem = row_error(row)
        if problem is None:
            values: dict[str, Any] = {f: row.cells[c] for f, c in columns.items()}
            values["platforms"] = _split(values.get("platforms", ""))
            try:
                games.append(game_from(values))
                continue
            except RowError as exc:
                problem = str(exc)
        skipped.append((f"line {row.line}", problem))
    return games, skipped


def _from_json(path: Path) -> tuple[list[OwnedGame], list[tuple[str, str]]]:
    if path.stat().st_size > MAX_JSON_BYTES:
        raise UnreadableFile(f"The file is too large to be a {WHAT}.")
    try:
        with open(path, encoding="utf-8-sig") as handle:
            data = json.load(handle)
    except UnicodeDecodeError:
        raise UnreadableFile(f"The {WHAT} is not UTF-8 text; save it again as UTF-8.") from None
    except json.JSONDecodeError as exc:
        raise UnreadableFile(
            f"The {WHAT} is not valid JSON (line {exc.lineno}: {exc.msg}); it may be cut short."
        ) from None
    if isinstance(data, dict):
        data = data.get("Games", data.get("games"))
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise UnreadableFile(f"This is not a {WHAT}: it holds no list of games.")
    if data and not any("Name" in item and "GameId" in item for item in data[:50]):
        raise UnreadableFile(f"This is not a {WHAT}: its games have no Name and GameId.")
    games: list[OwnedGame] = []
    skipped: list[tuple[str, str]] = []
    for number, item in enumerate(data, start=1):
        values: dict[str, Any] = {f: _json_value(item, n) for f, n in _JSON_NAMES.items()}
        values["platforms"] = [_named(p) for p in item.get("Platforms") or [] if _named(p)]
        try:
            games.append(game_from(values))
        except RowError as exc:
            skipped.append((f"game {number}", str(exc)))
    return games, skipped


_JSON_NAMES: Mapping[str, str] = {
    "name": "Name",
    "game_id": "GameId",
    "source": "Source",
    "playtime": "Playtime",
    "last_activity": "LastActivity",
    "completion": "CompletionStatus",
    "user_score": "UserScore",
    "hidden": "Hidden",
    "notes": "Notes",
    "added": "Added",
    "id": "Id",
}


def _json_value(item: Mapping[str, Any], name: str) -> str:
    value = item.get(name)
    if isinstance(value, dict):
        return _named(value)
    if value is None:
        return ""
    return str(value)


def _named(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("Name") or "").strip()
    return str(value or "").strip()


def _split(cell: str) -> list[str]:
    separator = ";" if ";" in cell else ","
    return [part.strip() for part in cell.split(separator) if part.strip()]


def game_from(values: Mapping[str, Any]) -> OwnedGame:
    """One Playnite game (CSV cells or JSON values as text) as a record. Raises RowError."""
    name = str(values.get("name") or "").strip()
    if not name:
        raise RowError("the game has no name")
    source = str(values.get("source") or "").split(",")[0].strip()
    store = store_code(source) if source else None
    game_id = str(values.get("game_id") or "").strip()
    if store and game_id and len(game_id) <= 64:
        external_id = game_id
    else:
        platforms: Iterable[str] = values.get("platforms") or ()
        device = next(iter(platforms), "") or "pc"
        store, external_id = MANUAL_STORE, manual_release_id(device, name)
    seconds = parse_int(values.get("playtime"), "time played") or 0
    score = parse_int(values.get("user_score"), "user score")
    completion = str(values.get("completion") or "").strip()
    notes = str(values.get("notes") or "")
    return OwnedGame(
        external_id=external_id,
        name=name[:300],
        store=store,
        playtime_minutes=max(0, seconds) // 60,
        last_played=parse_datetime(values.get("last_activity")),
        acquired_at=parse_datetime(values.get("added")),
        hidden=parse_bool(values.get("hidden")),
        status=STATUSES.get(_key(completion)) if completion else None,
        user_rating=None if score is None or score <= 0 else max(1, min(10, round(score / 10))),
        notes=None if is_none(notes) else notes,
        external_ids=(("playnite", str(values["id"])),) if values.get("id") else (),
    )


def _key(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())
