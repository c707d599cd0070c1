"""Read Game Djinn's JSON export (format "gamedjinn", version 2) into typed records.

The file is checked whole before anything is returned: a file that is not our export, an export
too old to hold the user's data (version 1 had only the flat rows), or one cut short gets one
sentence. Within a good file, an entry that cannot be read is left out with its place
("library 2, entry 14") and the reason.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from platforms.contract import ImportedFile
from platforms.errors import UnreadableFile
from platforms.records import OwnedGame

WHAT = "Game Djinn export"
ACCOUNT_ID = "gamedjinn"
VERSION = 2
MAX_BYTES = 256 * 1024 * 1024


class EntryError(ValueError):
    pass


@dataclass(frozen=True)
class ExportedEntry:
    record: OwnedGame
    game: str  # the key of the game the release belongs to ("steam:620")
    added_at: datetime | None
    removed_at: datetime | None
    user_edited_fields: list[str]
    snapshots: list[tuple[date, int]]


@dataclass(frozen=True)
class ExportedLibrary:
    platform: str
    account: str
    name: str
    settings: dict[str, Any]
    entries: list[ExportedEntry]


@dataclass(frozen=True)
class ExportedMatch:
    release: tuple[str, str]  # (store, store id)
    matched_release: tuple[str, str]
    method: str
    confidence: float
    verified: bool


@dataclass(frozen=True)
class Export:
    libraries: list[ExportedLibrary]
    games: dict[str, dict[str, Any]]  # key → the game's fields as exported
    matches: list[ExportedMatch]
    collections: list[tuple[str, dict[str, Any]]]
    skipped: list[tuple[str, str]] = field(default_factory=list)


def read_gamedjinn_export(path: Path) -> ImportedFile:
    data = _load(path)
    skipped: list[tuple[str, str]] = []
    libraries = []
    for number, item in enumerate(data.get("libraries") or [], start=1):
        if not isinstance(item, dict) or not item.get("platform") or not item.get("account"):
            skipped.append((f"library {number}", "it names no store and account"))
            continue
        entries = []
        for place, raw in enumerate(item.get("entries") or [], start=1):
            try:
                entries.append(_entry(raw))
            except EntryError as exc:
                skipped.append((f"library {number}, entry {place}", str(exc)))
        libraries.append(
            ExportedLibrary(
                platform=str(item["platform"])[:32],
                account=str(item["account"])[:64],
                name=str(item.get("name") or item["platform"])[:128],
                settings={
                    k: item[k]
                    for k in ("sync_enabled", "sync_interval_hours", "avatar_url", "profile_url")
                    if k in item
                },
                entries=entries,
            )
        )
    if not libraries:
        raise UnreadableFile(f"The {WHAT} holds no library.")
    games = {
        str(game["key"]): game
        for game in data.get("game_records") or []
        if isinstance(game, dict) and game.get("key")
    }
    matches = []
    for item in data.get("matches") or []:
        try:
            matches.append(
                ExportedMatch(
                    release=_release_key(item["release"]),
                    matched_release=_release_key(item["matched_release"]),
                    method=str(item["method"]),
                    confidence=float(item.get("confidence", 1.0)),
                    verified=bool(item.get("verified")),
                )
            )
        except (KeyError, TypeError, ValueError, EntryError):
            skipped.append(("a match", "it does not name two releases"))
    collections = [
        (str(item["name"])[:100], item.get("rules") or {})
        for item in data.get("collections") or []
        if isinstance(item, dict) and item.get("name") and isinstance(item.get("rules", {}), dict)
    ]
    export = Export(libraries, games, matches, collections, skipped)
    return ImportedFile(
        account_id=ACCOUNT_ID,
        display_name=", ".join(library.name for library in libraries)[:128],
        owned=[entry.record for library in libraries for entry in library.entries],
        skipped=skipped,
        restore=export,
    )


def _load(path: Path) -> Mapping[str, Any]:
    if path.stat().st_size > MAX_BYTES:
        raise UnreadableFile(f"The file is too large to be a {WHAT}.")
    try:
        with open(path, encoding="utf-8-sig") as handle:
            data = json.load(handle)
    except UnicodeDecodeError:
        raise UnreadableFile(f"The {WHAT} is not UTF-8 text.") from None
    except json.JSONDecodeError as exc:
        raise UnreadableFile(
            f"The {WHAT} is not valid JSON (line {exc.lineno}: {exc.msg}); it may be cut short."
        ) from None
    if not isinstance(data, dict) or "games" not in data:
        raise UnreadableFile(f"This is not a {WHAT}.")
    if data.get("format") != "gamedjinn" or "libraries" not in data:
        raise UnreadableFile(
            f"This {WHAT} was made by an older Game Djinn and holds only the game list; export "
            "again from a newer one."
        )
    version = data.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise UnreadableFile(
            f"This {WHAT} is version {version}; this Game Djinn reads up to version {VERSION}."
        )
    return data


def _release_key(value: Any) -> tuple[str, str]:
    store, sep, store_id = str(value).partition(":")
    if not sep or not store or not store_id:
        raise EntryError("it does not name a release")
    return store, store_id


def _entry(raw: Any) -> ExportedEntry:
    if not isinstance(raw, dict):
        raise EntryError("it is not an object")
    store = str(raw.get("store") or "").strip()
    store_id = str(raw.get("store_id") or "").strip()
    if not store or not store_id or len(store_id) > 64:
        raise EntryError("it names no release (store and store id)")
    title = str(raw.get("store_name") or "").strip() or store_id
    ids = raw.get("external_ids") or {}
    record = OwnedGame(
        external_id=store_id,
        name=title[:300],
        store=store[:32],
        playtime_minutes=_int(raw.get("playtime_minutes"), "playtime") or 0,
        playtime_2weeks_minutes=_int(raw.get("playtime_2weeks_minutes"), "playtime"),
        last_played=_moment(raw.get("last_played_at")),
        icon_url=str(raw.get("icon_url") or ""),
        hidden=bool(raw.get("hidden")),
        acquired_at=_moment(raw.get("acquired_at")),
        status=str(raw["status"]) if raw.get("status") else None,
        user_rating=_int(raw.get("user_rating"), "rating"),
        notes=str(raw.get("notes") or ""),
        started_on=_day(raw.get("started_on")),
        finished_on=_day(raw.get("finished_on")),
        external_ids=tuple(sorted((str(k), str(v)) for k, v in ids.items()))
        if isinstance(ids, dict)
        else (),
    )
    snapshots = []
    for item in raw.get("snapshots") or []:
        try:
            day, minutes = item
            taken = _day(day)
            if taken is not None:
                snapshots.append((taken, max(0, int(minutes))))
        except (TypeError, ValueError):
            raise EntryError("its playtime history is not a list of [date, minutes]") from None
    edited = raw.get("user_edited_fields") or []
    return ExportedEntry(
        record=record,
        game=str(raw.get("game") or f"{store}:{store_id}"),
        added_at=_moment(raw.get("added_at")),
        removed_at=_moment(raw.get("removed_at")),
        user_edited_fields=[str(name) for name in edited] if isinstance(edited, list) else [],
        snapshots=snapshots,
    )


def _int(value: Any, what: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise EntryError(f"{what} {str(value)[:20]!r} is not a number") from None


def _moment(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        raise EntryError(f"{str(value)[:40]!r} is not a date and time") from None


def _day(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise EntryError(f"{str(value)[:40]!r} is not a date") from None
