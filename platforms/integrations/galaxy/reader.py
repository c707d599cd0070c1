"""Read a GOG Galaxy 2.0 database (``galaxy-2.0.db``) into records.

Galaxy's schema is undocumented; what this relies on is written down in docs/integrations/galaxy.md. In short:

* ``LibraryReleases`` lists the user's releases; ``LicensedReleases.isOwned`` says which are
  owned. A release whose only licence is not owned comes from a subscription (Game Pass) and is
  left out, reported in ``skipped``.
* Titles, DLC lists and release groups are JSON "game pieces" whose type ids differ from one
  installation to the next, so types are always looked up by name in ``GamePieceTypes``.
* A release key is ``<platform>_<id>``; the platform names the store, the id is the store's own
  (``steam_1091500`` is Steam app 1091500, the release a Steam sync creates too).

The file is opened read-only and immutable: the reader never writes to it, never creates a
journal beside it, and ignores a ``-wal`` file Galaxy may have left (a copy rarely carries one).
Every query is set-based (a handful per file, none per release), so 10,000 releases read in a
fraction of a second.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from platforms.contract import ImportedFile
from platforms.errors import UnreadableFile
from platforms.records import OwnedGame

# Release-key platform → Game Djinn store code. Galaxy names platforms after its integrations
# ("origin" for EA, "uplay" for Ubisoft, "psn" for PlayStation); anything not listed here
# (generic_, rockstar_, test_, …) lands on "other".
STORE_BY_PLATFORM: Mapping[str, str] = {
    "gog": "gog",
    "steam": "steam",
    "epic": "epic",
    "xboxone": "xbox",
    "xbox": "xbox",
    "psn": "playstation",
    "uplay": "ubisoft",
    "origin": "ea",
    "battlenet": "battlenet",
    "amazon": "amazon",
    "humble": "humble",
    "itch": "itch",
}
OTHER_STORE = "other"
# Stores whose ids are numbers: a group entry such as "steam_steam_292030" is Galaxy noise.
_NUMERIC_ID_STORES = frozenset({"gog", "steam"})

SQLITE_HEADER = b"SQLite format 3\x00"

# The tables and columns read below. A database without one of them is a schema we do not know.
REQUIRED_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "Users": ("id",),
    "LibraryReleases": ("id", "userId", "releaseKey"),
    "LicensedReleases": ("libraryId", "isOwned"),
    "ReleaseProperties": ("releaseKey", "isDlc"),
    "UserReleaseProperties": ("userId", "releaseKey", "isHidden"),
    "GamePieceTypes": ("id", "type"),
    "GamePieces": ("releaseKey", "gamePieceTypeId", "userId", "value"),
    "GameTimes": ("userId", "releaseKey", "minutesInGame"),
    "LastPlayedDates": ("userId", "gameReleaseKey", "lastPlayedDate"),
    "ProductPurchaseDates": ("gameReleaseKey", "userId", "purchaseDate", "addedDate"),
}

_LIBRARY_QUERY = """
SELECT lr.releaseKey,
       COUNT(lic.libraryId),
       MAX(lic.isOwned = 1),
       MAX(rp.isDlc),
       MAX(urp.isHidden),
       MAX(gt.minutesInGame),
       MAX(lpd.lastPlayedDate),
       MAX(ppd.purchaseDate),
       MAX(ppd.addedDate)
FROM LibraryReleases AS lr
LEFT JOIN LicensedReleases AS lic ON lic.libraryId = lr.id
LEFT JOIN ReleaseProperties AS rp ON rp.releaseKey = lr.releaseKey
LEFT JOIN UserReleaseProperties AS urp
       ON urp.releaseKey = lr.releaseKey AND urp.userId = lr.userId
LEFT JOIN GameTimes AS gt ON gt.releaseKey = lr.releaseKey AND gt.userId = lr.userId
LEFT JOIN LastPlayedDates AS lpd
       ON lpd.gameReleaseKey = lr.releaseKey AND lpd.userId = lr.userId
LEFT JOIN ProductPurchaseDates AS ppd
       ON ppd.gameReleaseKey = lr.releaseKey AND ppd.userId = lr.userId
WHERE lr.userId = ?
GROUP BY lr.releaseKey
ORDER BY lr.releaseKey
"""


def read_galaxy_database(path: Path) -> ImportedFile:
    """The owned releases of the database's user, each on its store."""
    with _open(path) as galaxy:
        library = galaxy.library()
        owned_keys = [row.key for row in library if row.owned]
        titles = galaxy.titles(owned_keys)
        parents = galaxy.dlc_parents(owned_keys)
        groups = {key: _group_members(galaxy, key) for key in owned_keys}
        owned: list[OwnedGame] = []
        skipped: list[tuple[str, str]] = []
        for row in library:
            if not row.owned:
                skipped.append((row.key, _skip_reason(row)))
                continue
            store, external_id = split_release_key(row.key)
            owned.append(
                OwnedGame(
                    external_id=external_id,
                    name=titles.get(row.key) or row.key,
                    playtime_minutes=max(0, _as_int(row.minutes)),
                    last_played=_parse_time(row.last_played),
                    store=store,
                    is_dlc=bool(_as_int(row.is_dlc)),
                    hidden=bool(_as_int(row.hidden)),
                    acquired_at=_parse_time(row.purchased) or _parse_time(row.added),
                    parent_external_id=parents.get(row.key, ""),
                    external_ids=tuple(
                        ("galaxy_group", f"{member_store}:{member_id}")
                        for member_store, member_id in sorted(groups.get(row.key, ()))
                        if (member_store, member_id) != (store, external_id)
                    ),
                )
            )
        return ImportedFile(
            account_id=galaxy.user_id,
            display_name=f"GOG Galaxy (user {galaxy.user_id})",
            owned=owned,
            skipped=skipped,
        )


def release_groups(path: Path) -> list[frozenset[tuple[str, str]]]:
    """The releases Galaxy says are one game, as sets of (store, external id), for cross-store
    matching: one set per owned game whose group names at least two releases on known stores.

    Galaxy's groups are noisy (``test_…``, ``generic_…``, console keys of other regions), so only
    releases on a store of STORE_BY_PLATFORM are kept, and numeric stores keep numeric ids only.
    """
    with _open(path) as galaxy:
        owned_keys = [row.key for row in galaxy.library() if row.owned]
        groups: list[frozenset[tuple[str, str]]] = []
        seen: set[frozenset[tuple[str, str]]] = set()
        for key in owned_keys:
            members = _group_members(galaxy, key)
            group = frozenset(members)
            if len(group) > 1 and group not in seen:
                seen.add(group)
                groups.append(group)
        return groups


def _group_members(galaxy: _Galaxy, key: str) -> set[tuple[str, str]]:
    """The releases Galaxy groups with KEY (KEY included), on known stores only."""
    members = {split_release_key(key)}
    for other in galaxy.group_keys().get(key, ()):
        store, external_id = split_release_key(other)
        if store == OTHER_STORE or not external_id:
            continue
        if store in _NUMERIC_ID_STORES and not external_id.isdigit():
            continue
        members.add((store, external_id))
    return members


def split_release_key(key: str) -> tuple[str, str]:
    """``steam_1091500`` → ("steam", "1091500"); the id is everything after the first "_"."""
    platform, _, external_id = key.partition("_")
    return STORE_BY_PLATFORM.get(platform.lower(), OTHER_STORE), external_id


# --- the file ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _LibraryRow:
    key: str
    licences: int
    owned: bool
    is_dlc: Any
    hidden: Any
    minutes: Any
    last_played: Any
    purchased: Any
    added: Any


class _Galaxy:
    """An open, checked database and the user whose library is read."""

    def __init__(self, connection: sqlite3.Connection, user: object) -> None:
        self.connection = connection
        self.user = user  # as stored, so comparisons use Galaxy's own type
        self.user_id = str(user)
        self.piece_types: dict[str, int] = {
            str(name): int(type_id)
            for type_id, name in connection.execute("SELECT id, type FROM GamePieceTypes")
        }
        self._group_keys: dict[str, list[str]] | None = None

    def library(self) -> list[_LibraryRow]:
        rows = self.connection.execute(_LIBRARY_QUERY, (self.user,)).fetchall()
        return [
            _LibraryRow(
                key=str(key),
                licences=int(licences),
                owned=bool(owned),
                is_dlc=is_dlc,
                hidden=hidden,
                minutes=minutes,
                last_played=last_played,
                purchased=purchased,
                added=added,
            )
            for key, licences, owned, is_dlc, hidden, minutes, last_played, purchased, added in rows
        ]

    def titles(self, keys: list[str]) -> dict[str, str]:
        """Each release's title: the user's own ``title`` piece, else Galaxy's, else the
        ``originalTitle`` (the user's, then Galaxy's)."""
        ranked_types = [
            self.piece_types[name]
            for name in ("title", "originalTitle")
            if name in self.piece_types
        ]
        if not ranked_types:
            return {}
        wanted = set(keys)
        rank_of_type = {type_id: rank for rank, type_id in enumerate(ranked_types)}
        best: dict[str, tuple[tuple[int, int], str]] = {}
        placeholders = ", ".join("?" for _ in ranked_types)
        # SQLite's JSON functions pick the title out of each piece: decoding tens of thousands
        # of JSON documents in Python was most of an import's time.
        rows = self.connection.execute(
            "SELECT releaseKey, gamePieceTypeId, userId IS NULL, "
            "CASE WHEN json_valid(value) AND json_type(value) = 'object' "
            "THEN json_extract(value, '$.title') END FROM GamePieces "
            f"WHERE gamePieceTypeId IN ({placeholders}) AND (userId = ? OR userId IS NULL)",
            (*ranked_types, self.user),
        )
        for key, type_id, shared, title in rows:
            if key not in wanted or not isinstance(title, str) or not title.strip():
                continue
            rank = (rank_of_type[type_id], int(shared))
            current = best.get(key)
            if current is None or rank < current[0]:
                best[key] = (rank, title.strip())
        return {key: title for key, (_, title) in best.items()}

    def dlc_parents(self, keys: list[str]) -> dict[str, str]:
        """DLC release key → the store id of its base game, from the base games' ``dlcs``
        pieces; only when the base game is on the same store."""
        type_id = self.piece_types.get("dlcs")
        if type_id is None:
            return {}
        wanted = set(keys)
        parents: dict[str, str] = {}
        # Materialised first, so json_each only ever sees valid JSON: one malformed piece must
        # not make the whole file unreadable.
        rows = self.connection.execute(
            "WITH piece AS MATERIALIZED ("
            "  SELECT releaseKey, value FROM GamePieces"
            "  WHERE gamePieceTypeId = ? AND (userId = ? OR userId IS NULL) AND json_valid(value)"
            ") SELECT piece.releaseKey, dlc.value FROM piece, json_each(piece.value) AS dlc_list, "
            "json_each(dlc_list.value) AS dlc WHERE dlc_list.key = 'dlcs' "
            "AND dlc_list.type = 'array' ORDER BY piece.releaseKey",
            (type_id, self.user),
        )
        for base_key, dlc_key in rows:
            if not isinstance(dlc_key, str) or dlc_key not in wanted or dlc_key in parents:
                continue
            base_store, base_id = split_release_key(str(base_key))
            if split_release_key(dlc_key)[0] == base_store and dlc_key != base_key:
                parents[dlc_key] = base_id
        return parents

    def group_keys(self) -> dict[str, list[str]]:
        """Release key → the keys of its ``allGameReleases`` piece (read once)."""
        if self._group_keys is None:
            self._group_keys = {}
            type_id = self.piece_types.get("allGameReleases")
            if type_id is not None:
                # As for the DLC lists: SQLite's JSON functions unpack the lists (decoding them
                # in Python was a third of a re-import), and only valid JSON reaches json_each.
                rows = self.connection.execute(
                    "WITH piece AS MATERIALIZED ("
                    "  SELECT releaseKey, value, userId IS NULL AS shared FROM GamePieces"
                    "  WHERE gamePieceTypeId = ? AND (userId = ? OR userId IS NULL)"
                    "  AND json_valid(value)"
                    ") SELECT piece.releaseKey, piece.shared, member.value "
                    "FROM piece, json_each(piece.value) AS list, json_each(list.value) AS member "
                    "WHERE list.key = 'releases' AND list.type = 'array' "
                    "ORDER BY piece.shared, piece.releaseKey",
                    (type_id, self.user),
                )
                owner: dict[str, int] = {}
                for key, shared, member in rows:
                    key = str(key)
                    # The user's own piece wins; a shared one only fills what it lacks.
                    if owner.setdefault(key, shared) != shared or not isinstance(member, str):
                        continue
                    self._group_keys.setdefault(key, []).append(member)
        return self._group_keys


@contextmanager
def _open(path: Path) -> Iterator[_Galaxy]:
    _check_header(path)
    uri = f"{Path(path).resolve().as_uri()}?mode=ro&immutable=1"
    try:
        connection = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as error:
        raise UnreadableFile("The GOG Galaxy database could not be opened.") from error
    try:
        try:
            _check_schema(connection)
            yield _Galaxy(connection, _pick_user(connection))
        except sqlite3.DatabaseError as error:
            raise _damaged() from error
    finally:
        connection.close()


def _check_header(path: Path) -> None:
    """Refuse what is not an SQLite file, and an SQLite file cut short, before SQLite opens it:
    SQLite would only notice the missing pages once a query reached them."""
    try:
        with open(path, "rb") as file:
            header = file.read(100)
            size = file.seek(0, 2)
    except OSError as error:
        raise UnreadableFile("The uploaded file could not be read.") from error
    if not header.startswith(SQLITE_HEADER):
        raise UnreadableFile(
            "This file is not a GOG Galaxy database: galaxy-2.0.db is an SQLite file, "
            "and this one is not."
        )
    if len(header) < 100:
        raise _damaged()
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The page count in the header is only trustworthy when its "valid-for" counter matches.
    if pages and header[24:28] == header[92:96] and page_size * pages > size:
        raise _damaged()


def _damaged() -> UnreadableFile:
    return UnreadableFile(
        "The GOG Galaxy database is damaged or incomplete: quit Galaxy, copy the file again "
        "and upload the copy."
    )


def _check_schema(connection: sqlite3.Connection) -> None:
    tables = {
        str(name)
        for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    if not tables & set(REQUIRED_COLUMNS):
        raise UnreadableFile(
            "This SQLite file is not a GOG Galaxy database: it has none of Galaxy's tables."
        )
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    for table, columns in REQUIRED_COLUMNS.items():
        if table not in tables:
            raise _unknown_schema(version, f"it has no {table} table")
        present = {str(row[1]) for row in connection.execute(f"PRAGMA table_info('{table}')")}
        missing = [column for column in columns if column not in present]
        if missing:
            raise _unknown_schema(version, f"its {table} table has no {missing[0]} column")


def _unknown_schema(version: int, what: str) -> UnreadableFile:
    return UnreadableFile(
        f"This GOG Galaxy database has an unknown schema version (user_version {version}): {what}."
    )


def _pick_user(connection: sqlite3.Connection) -> object:
    """The database's user. Galaxy keeps one; should a copy hold several, read the one with
    the largest library (ties: the lowest id) so re-imports stay on the same account."""
    row = connection.execute(
        "SELECT u.id FROM Users AS u "
        "LEFT JOIN LibraryReleases AS lr ON lr.userId = u.id "
        "GROUP BY u.id ORDER BY COUNT(lr.id) DESC, u.id LIMIT 1"
    ).fetchone()
    if row is None or row[0] is None:
        raise UnreadableFile(
            "This GOG Galaxy database has no user: sign in to Galaxy once, then copy the "
            "file again."
        )
    return row[0]


# --- values --------------------------------------------------------------------------------


def _skip_reason(row: _LibraryRow) -> str:
    if row.licences == 0:
        return "Galaxy records no licence for it: not owned"
    if split_release_key(row.key)[0] == "xbox":
        return "Game Pass subscription title: not owned"
    return "subscription title: not owned"


def _json_field(value: object, name: str) -> object:
    try:
        document = json.loads(value) if isinstance(value, str | bytes) else None
    except ValueError:
        return None
    return document.get(name) if isinstance(document, dict) else None


def _as_int(value: object) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip()) if value is not None else 0
    except ValueError:
        return 0


def _parse_time(value: object) -> datetime | None:
    """Galaxy writes UTC as 'YYYY-MM-DD HH:MM:SS'; anything unreadable is no date at all."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
