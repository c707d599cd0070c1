"""Phase 1: the owned list lands in one transaction, so the library is browsable within seconds.

New Game/Release/LibraryGame rows go out as bulk inserts, changed ones as bulk upserts; rows are
compared in Python first and unchanged ones are not written at all. Playtime snapshots are
written for new entries and for entries whose playtime changed; entries that left the list get
``removed_at`` (never deleted). An entry is a release on any store: a GOG Galaxy database lists
Steam and Epic releases too, and each lands on its own store, where the same store id is the same
release whichever library brought it.

The player's own data (status, rating, notes, dates, ids elsewhere) comes only from sources that
keep it: another manager's export, a tracker, our own export. A new entry takes what the record
carries. An existing entry takes only the fields the record carries, and never a field the user
changed in Game Djinn since (``LibraryGame.user_edited_fields``, kept by every door that edits an
entry): the user's edits win over any file, and re-importing the same file changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from django.db import transaction
from django.utils import timezone

from games.models import Release
from games.search import refresh_search_index
from games.services.catalogue import (
    BULK_BATCH_SIZE,
    NewRelease,
    chunks,
    clean_url,
    releases_for,
)
from games.services.matching import enqueue_matching, store_external_ids
from games.services.rollups import refresh_for_releases
from libraries.models import Library, LibraryGame, PlaytimeSnapshot, SyncRun
from libraries.services import bulk
from libraries.services.phases import Job
from platforms.models import Platform
from platforms.records import OwnedGame

Phase = SyncRun.Phase
logger = logging.getLogger(__name__)

# Where a record names a store Game Djinn has no row for.
UNKNOWN_STORE = "other"


@dataclass
class OwnedCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    # Releases new to this library or with new cross-store ids: the matcher looks at these.
    to_match: list[int] = field(default_factory=list)


def phase_owned(job: Job) -> None:
    job.progress.start_phase(Phase.OWNED, total=0, position=job.position())
    owned = job.client.get_owned_games(job.library.user_identifier)
    with transaction.atomic():
        counts = import_owned_games(job.library, owned)
        seen = counts.added + counts.updated + counts.unchanged
        job.progress.checkpoint(
            done=seen,
            total=seen,
            games_added=counts.added,
            games_updated=counts.updated,
            games_unchanged=counts.unchanged,
            games_removed=counts.removed,
        )
    if counts.added:
        refresh_search_index()
    # The matcher runs as its own task after this commit: the import does not wait for it, and
    # a matching failure can never undo it.
    enqueue_matching(counts.to_match)


_ENTRY_UPDATE_FIELDS = [
    "playtime_minutes",
    "playtime_2weeks_minutes",
    "last_played_at",
    "acquired_at",
    "removed_at",
    "updated_at",
]

_USER_UPDATE_FIELDS = [
    "status",
    "user_rating",
    "notes",
    "started_on",
    "finished_on",
    "external_ids",
]

StoreKey = tuple[int, str]  # (platform id, store id): one release

# Status.values builds a new list on every access: once per record was 6% of a 10,000-row import.
_STATUSES = frozenset(LibraryGame.Status.values)


class _Current(NamedTuple):
    entry_id: int
    release_id: int
    game_id: int
    icon_url: str
    has_stats: bool
    playtime: int
    two_weeks: int | None
    last_played: datetime | None
    acquired: datetime | None
    removed_at: datetime | None
    status: str
    user_rating: int | None
    notes: str
    started_on: date | None
    finished_on: date | None
    external_ids: dict[str, str]
    user_edited_fields: list[str]

    def user_changes(self, game: OwnedGame) -> dict[str, Any]:
        """The player's fields GAME would change here, leaving alone what the user edited."""
        edited = set(self.user_edited_fields or ())
        changes = {
            name: value
            for name, value in user_values(game).items()
            if name not in edited and getattr(self, name) != value
        }
        if game.external_ids and "external_ids" not in edited:
            merged = {**(self.external_ids or {}), **_clean_ids(dict(game.external_ids))}
            if merged != (self.external_ids or {}):
                changes["external_ids"] = merged
        return changes


def import_owned_games(
    library: Library, owned: Iterable[OwnedGame], *, mark_missing: bool = True
) -> OwnedCounts:
    """Make ``library``'s entries match the source's owned list, in one transaction.

    Everything is compared in Python first, so an unchanged library costs one read and no
    writes. Rows that change go out as bulk upserts (never per-row saves, never bulk_update,
    whose CASE statements grow super-linearly); rows that are new go through the engine's bulk
    insert path (libraries.services.bulk). Safe to repeat: a second pass finds nothing to do.
    """
    stores = _stores(library)
    default_store = library_store(library)
    own_store = stores.get(default_store)
    # Only the release's own store, through an account, may change what a release is (its icon,
    # whether it has stats): a Galaxy database or a launcher's file listing a Steam or Epic game
    # must not undo what that store said.
    own_platform_id = own_store.pk if own_store and _is_account(library) else None
    now = timezone.now()
    today = timezone.localdate(now)
    incoming: dict[StoreKey, OwnedGame] = {}
    for game in owned:  # also drops duplicate ids
        platform = stores.get(game.store or default_store) or stores[UNKNOWN_STORE]
        incoming[(platform.pk, game.external_id)] = game
    # A store account's records carry no player data (Steam's never do): then the entries'
    # own fields, JSON included, need not even be read, which is most of an unchanged re-sync.
    carries_user_data = any(game.external_ids or game.user_data() for game in incoming.values())
    counts = OwnedCounts()
    changed: list[LibraryGame] = []
    changed_user_data: list[LibraryGame] = []  # these also write the player's own fields
    release_updates: list[Release] = []
    played: set[int] = set()  # release ids whose total playtime moved: they get a snapshot

    with transaction.atomic():
        current = _current_entries(library, with_user_data=carries_user_data)
        newcomers: list[tuple[StoreKey, OwnedGame]] = []
        for key, game in incoming.items():
            row = current.get(key)
            if row is None:
                newcomers.append((key, game))
                continue
            icon = clean_url(game.icon_url)
            release_changed = key[0] == own_platform_id and (
                row.icon_url != icon or row.has_stats != game.has_stats
            )
            playtime_changed = row.playtime != _minutes(game.playtime_minutes)
            user_changes = row.user_changes(game) if carries_user_data else {}
            entry_changed = (
                bool(user_changes)
                or playtime_changed
                or row.two_weeks != _optional_minutes(game.playtime_2weeks_minutes)
                or row.last_played != game.last_played
                or (game.acquired_at is not None and row.acquired != game.acquired_at)
                or row.removed_at is not None  # it came back
            )
            if release_changed:
                release_updates.append(_release(key, row.game_id, icon, game.has_stats))
            if entry_changed:
                entry = _entry(library, row, game, now, user_changes)
                (changed_user_data if user_changes else changed).append(entry)
                if playtime_changed:
                    played.add(row.release_id)
            if release_changed or entry_changed:
                counts.updated += 1
            else:
                counts.unchanged += 1

        release_ids: dict[StoreKey, int] = {}
        if newcomers:
            by_platform: dict[int, list[OwnedGame]] = {}
            for (platform_id, _), game in newcomers:
                by_platform.setdefault(platform_id, []).append(game)
            platforms = {platform.pk: platform for platform in stores.values()}
            for platform_id, games in by_platform.items():
                known = releases_for(
                    platforms[platform_id],
                    [
                        NewRelease(
                            g.external_id, g.name, clean_url(g.icon_url), g.has_stats, g.is_dlc
                        )
                        for g in games
                    ],
                )
                for game in games:
                    release = known[game.external_id]
                    release_ids[(platform_id, game.external_id)] = release.release_id
                    icon = clean_url(game.icon_url)
                    if platform_id == own_platform_id and (release.icon_url, release.has_stats) != (
                        icon,
                        game.has_stats,
                    ):
                        release_updates.append(
                            _release(
                                (platform_id, game.external_id),
                                release.game_id,
                                icon,
                                game.has_stats,
                            )
                        )
            _insert_entries(library, [(release_ids[key], game) for key, game in newcomers], now)
            counts.added = len(newcomers)
            counts.to_match = sorted(set(release_ids.values()))

        linked = [
            (current[key].release_id if key in current else release_ids[key], source, value)
            for key, game in incoming.items()
            for source, value in game.external_ids
        ]
        if linked:
            gained = store_external_ids(linked)
            counts.to_match = sorted(set(counts.to_match) | gained)

        if release_updates:
            Release.objects.bulk_create(
                release_updates,
                update_conflicts=True,
                unique_fields=["platform", "external_id"],
                update_fields=["icon_url", "has_stats"],
                batch_size=BULK_BATCH_SIZE,
            )
        for batch, fields in (
            (changed, _ENTRY_UPDATE_FIELDS),
            (changed_user_data, _ENTRY_UPDATE_FIELDS + _USER_UPDATE_FIELDS),
        ):
            if batch:
                # update_conflicts also makes the database return each row's id.
                LibraryGame.objects.bulk_create(
                    batch,
                    update_conflicts=True,
                    unique_fields=["library", "release"],
                    update_fields=fields,
                    batch_size=BULK_BATCH_SIZE,
                )
        changed += changed_user_data
        if changed:
            # One snapshot per entry and day: a second sync on the same day corrects it.
            PlaytimeSnapshot.objects.bulk_create(
                [
                    PlaytimeSnapshot(
                        entry_id=entry.pk, taken_on=today, playtime_minutes=entry.playtime_minutes
                    )
                    for entry in changed
                    if entry.release_id in played
                ],
                update_conflicts=True,
                unique_fields=["entry", "taken_on"],
                update_fields=["playtime_minutes"],
                batch_size=BULK_BATCH_SIZE,
            )
        left = [
            row.entry_id
            for key, row in current.items()
            if mark_missing and key not in incoming and row.removed_at is None
        ]
        for chunk in chunks(left):
            LibraryGame.objects.filter(pk__in=chunk).update(removed_at=now, updated_at=now)
        counts.removed = len(left)
        # One card per game: the games whose copies here changed get their totals again (an
        # unchanged pass touches none and writes nothing).
        touched = {entry.release_id for entry in changed}
        touched.update(release_ids[key] for key, _ in newcomers)
        touched.update(
            row.release_id
            for key, row in current.items()
            if mark_missing and key not in incoming and row.removed_at is None
        )
        if touched:
            refresh_for_releases(touched, owner_ids=[library.owner_id])
    return counts


_CURRENT_COLUMNS = (
    "release__platform_id",
    "release__external_id",
    "id",
    "release_id",
    "release__game_id",
    "release__icon_url",
    "release__has_stats",
    "playtime_minutes",
    "playtime_2weeks_minutes",
    "last_played_at",
    "acquired_at",
    "removed_at",
)
_USER_COLUMNS = (
    "status",
    "user_rating",
    "notes",
    "started_on",
    "finished_on",
    "external_ids",
    "user_edited_fields",
)
# Stand-ins for the player's fields when they were not read: never written back, because an
# entry is then updated with _ENTRY_UPDATE_FIELDS only.
_UNREAD_USER_DATA: tuple[Any, ...] = (LibraryGame.Status.BACKLOG, None, "", None, None, {}, [])


def _current_entries(library: Library, *, with_user_data: bool) -> dict[StoreKey, _Current]:
    if with_user_data:
        rows = LibraryGame.objects.filter(library=library).values_list(
            *_CURRENT_COLUMNS, *_USER_COLUMNS
        )
        return {(row[0], row[1]): _Current._make(row[2:]) for row in rows}
    rows = LibraryGame.objects.filter(library=library).values_list(*_CURRENT_COLUMNS)
    return {(row[0], row[1]): _Current._make((*row[2:], *_UNREAD_USER_DATA)) for row in rows}


def library_store(library: Library) -> str:
    """The store a record of this library belongs to when it names none."""
    from platforms.registry import integration

    spec = integration(library.platform.code)
    return spec.release_store if spec else library.platform.code


def _is_account(library: Library) -> bool:
    from platforms.contract import Kind
    from platforms.registry import integration

    spec = integration(library.platform.code)
    return spec is not None and spec.kind is Kind.ACCOUNT


def _stores(library: Library) -> dict[str, Platform]:
    stores = {platform.code: platform for platform in Platform.objects.all()}
    stores.setdefault(library.platform.code, library.platform)
    if UNKNOWN_STORE not in stores:
        stores[UNKNOWN_STORE] = Platform.objects.get_or_create(
            code=UNKNOWN_STORE, defaults={"name": "Other store", "sort_order": 80}
        )[0]
    return stores


def _insert_entries(
    library: Library, newcomers: Sequence[tuple[int, OwnedGame]], now: datetime
) -> None:
    """Entries (and their first playtime snapshot) for releases new to this library.

    Nothing else writes entries of a library while its run holds the one active slot, so these
    rows cannot exist yet and take the bulk insert path.
    """
    ids = bulk.reserve_ids(LibraryGame, len(newcomers))
    bulk.insert_rows(
        LibraryGame,
        [
            "id",
            "release_id",
            "playtime_minutes",
            "playtime_2weeks_minutes",
            "last_played_at",
            "acquired_at",
            "hidden",
            "status",
            "user_rating",
            "notes",
            "started_on",
            "finished_on",
            "external_ids",
        ],
        (
            (
                entry_id,
                release_id,
                _minutes(game.playtime_minutes),
                _optional_minutes(game.playtime_2weeks_minutes),
                game.last_played,
                game.acquired_at,
                # The source's own "hidden" (set by the user in their launcher) is kept on
                # arrival only; afterwards the flag is the user's to change here.
                game.hidden,
                *_new_user_values(game),
            )
            for entry_id, (release_id, game) in zip(ids, newcomers, strict=True)
        ),
        shared={"library_id": library.pk, "added_at": now, "updated_at": now},
    )
    bulk.insert_rows(
        PlaytimeSnapshot,
        ["entry_id", "playtime_minutes"],
        (
            (entry_id, _minutes(game.playtime_minutes))
            for entry_id, (_, game) in zip(ids, newcomers, strict=True)
        ),
        shared={"taken_on": timezone.localdate(now)},
    )


def _entry(
    library: Library, row: _Current, game: OwnedGame, now: datetime, user_changes: dict[str, Any]
) -> LibraryGame:
    kept = {name: getattr(row, name) for name in _USER_UPDATE_FIELDS}
    return LibraryGame(
        library=library,
        release_id=row.release_id,
        playtime_minutes=_minutes(game.playtime_minutes),
        playtime_2weeks_minutes=_optional_minutes(game.playtime_2weeks_minutes),
        last_played_at=game.last_played,
        acquired_at=game.acquired_at or row.acquired,
        removed_at=None,
        added_at=now,
        updated_at=now,
        **(kept | user_changes),
    )


def user_values(game: OwnedGame) -> dict[str, Any]:
    """The player's fields GAME carries, with values the entry cannot hold left out."""
    values = game.user_data()
    if "status" in values and values["status"] not in _STATUSES:
        del values["status"]
    rating = values.get("user_rating")
    if rating is not None and not (isinstance(rating, int) and 1 <= rating <= 10):
        del values["user_rating"]
    return values


def _new_user_values(game: OwnedGame) -> tuple[Any, ...]:
    values = user_values(game)
    return (
        values.get("status", LibraryGame.Status.BACKLOG),
        values.get("user_rating"),
        values.get("notes", ""),
        values.get("started_on"),
        values.get("finished_on"),
        _clean_ids(dict(game.external_ids)),
    )


def _clean_ids(ids: dict[str, str]) -> dict[str, str]:
    return {str(key)[:32]: str(value)[:128] for key, value in ids.items() if value}


def _release(key: StoreKey, game_id: int, icon_url: str, has_stats: bool) -> Release:
    # Only icon_url/has_stats are updated on conflict; the other values satisfy NOT NULL.
    platform_id, external_id = key
    return Release(
        platform_id=platform_id,
        external_id=external_id,
        game_id=game_id,
        icon_url=icon_url,
        has_stats=has_stats,
    )


def _minutes(value: int) -> int:
    return max(0, value)


def _optional_minutes(value: int | None) -> int | None:
    return None if value is None else max(0, value)
