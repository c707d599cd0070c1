"""Restoring Game Djinn's own export: one file, several libraries, the games they form.

The gamedjinn file source's reader returns the whole export (platforms.integrations.gamedjinn);
this writes it for one owner in the caller's transaction. Each exported library is found (same
store and account) or made, and its entries go through the owned phase's import
(import_owned_games), so the same rules hold as for any file: the user's edits here win, and
importing the same file again changes nothing. Then what an owned list cannot say is put back:
for entries this import made, when they were added and removed, the hidden flag and the playtime
history as exported; for every entry, the fields the user had edited (so later imports keep
leaving them alone). Releases exported as one game are made one game again (and releases exported
apart are split), matches between them are recorded, and the user's collections come back.
Accounts come back signed out: an export never holds credentials.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from games.models import Collection, Game, Genre, Match, Release
from games.services.catalogue import chunks
from games.services.rollups import refresh_game_rollups
from games.titles import normalize_title, sort_title
from libraries.models import Library, LibraryGame, PlaytimeSnapshot
from libraries.services.phases.owned import OwnedCounts, import_owned_games
from platforms.contract import Kind
from platforms.integrations.gamedjinn.reader import Export, ExportedEntry, ExportedLibrary
from platforms.models import Platform
from platforms.registry import integration

SIGNED_OUT = "Restored from a Game Djinn export, which never holds sign-ins: sign in again."
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

ReleaseKey = tuple[str, str]  # (store code, store id)


@dataclass
class Restored:
    libraries: list[tuple[Library, OwnedCounts]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def restore_export(owner: Any, export: Export) -> Restored:
    """Write EXPORT for OWNER (in one transaction) and say what each library got."""
    restored = Restored(skipped=list(export.skipped))
    started = timezone.now()
    platforms = {platform.code: platform for platform in Platform.objects.all()}
    groups: dict[str, list[ReleaseKey]] = defaultdict(list)
    with transaction.atomic():
        for exported in export.libraries:
            platform = platforms.get(exported.platform)
            if platform is None:
                restored.skipped.append(
                    (exported.name, f"this install has no store called {exported.platform!r}")
                )
                continue
            library = _library(owner, platform, exported, started)
            present = _present(library)
            existing = set(present.values())
            # An entry exported as removed is not brought back, only made when it is missing.
            records = [
                entry.record
                for entry in exported.entries
                if entry.removed_at is None
                or (entry.record.store, entry.record.external_id) not in present
            ]
            counts = import_owned_games(library, records, mark_missing=False)
            _put_back(library, exported.entries, existing)
            restored.libraries.append((library, counts))
            for entry in exported.entries:
                groups[entry.game].append((entry.record.store, entry.record.external_id))
        releases = _release_ids({key for keys in groups.values() for key in keys})
        regrouped = _regroup(groups, releases, export.games, started)
        _matches(owner, export, releases)
        # Removal and hiding came back for this owner; regrouping moved releases other
        # households may own too.
        refresh_game_rollups(owner_ids=[owner.pk])
        refresh_game_rollups(game_ids=regrouped)
        for name, rules in export.collections:
            Collection.objects.get_or_create(owner=owner, name=name, defaults={"rules": rules})
    return restored


def _present(library: Library) -> dict[ReleaseKey, int]:
    return {
        (store, store_id): pk
        for pk, store, store_id in LibraryGame.objects.filter(library=library).values_list(
            "pk", "release__platform__code", "release__external_id"
        )
    }


def _library(owner: Any, platform: Platform, exported: ExportedLibrary, now: datetime) -> Library:
    library = Library.objects.filter(
        owner=owner, platform=platform, user_identifier=exported.account
    ).first()
    if library is not None:
        return library
    spec = integration(platform.code)
    signed_out = spec is not None and spec.kind is Kind.ACCOUNT
    settings = exported.settings
    return Library.objects.create(
        owner=owner,
        platform=platform,
        user_identifier=exported.account,
        display_name=exported.name,
        sync_enabled=bool(settings.get("sync_enabled", False)),
        sync_interval_hours=int(settings.get("sync_interval_hours") or 24),
        avatar_url=str(settings.get("avatar_url") or "")[:500],
        profile_url=str(settings.get("profile_url") or "")[:500],
        reconnect_reason=SIGNED_OUT if signed_out else "",
        reconnect_since=now if signed_out else None,
    )


def _put_back(library: Library, exported: list[ExportedEntry], existing: set[int]) -> None:
    """What an owned list cannot carry: dates, flags, edited fields and playtime history."""
    by_key = {(e.record.store, e.record.external_id): e for e in exported}
    changed: list[LibraryGame] = []
    fresh_snapshots: list[PlaytimeSnapshot] = []
    kept_snapshots: list[PlaytimeSnapshot] = []
    made: list[int] = []
    for entry in LibraryGame.objects.filter(library=library).select_related("release__platform"):
        item = by_key.get((entry.release.platform.code, entry.release.external_id))
        if item is None:
            continue
        before = (entry.added_at, entry.removed_at, entry.hidden, entry.user_edited_fields)
        edited = sorted(set(entry.user_edited_fields or ()) | set(item.user_edited_fields))
        if entry.pk in existing:
            entry.user_edited_fields = edited
            target = kept_snapshots
        else:
            made.append(entry.pk)
            entry.added_at = item.added_at or entry.added_at
            entry.removed_at = item.removed_at
            entry.hidden = item.record.hidden
            entry.user_edited_fields = edited
            target = fresh_snapshots
        target.extend(
            PlaytimeSnapshot(entry_id=entry.pk, taken_on=day, playtime_minutes=minutes)
            for day, minutes in item.snapshots
        )
        if (entry.added_at, entry.removed_at, entry.hidden, entry.user_edited_fields) != before:
            changed.append(entry)
    LibraryGame.objects.bulk_update(
        changed, ["added_at", "removed_at", "hidden", "user_edited_fields"], batch_size=500
    )
    # The entries made here get the exported history in place of the import's first snapshot.
    for chunk in chunks(made):
        PlaytimeSnapshot.objects.filter(entry_id__in=chunk).delete()
    PlaytimeSnapshot.objects.bulk_create(fresh_snapshots, batch_size=1000)
    PlaytimeSnapshot.objects.bulk_create(
        kept_snapshots,
        update_conflicts=True,
        unique_fields=["entry", "taken_on"],
        update_fields=["playtime_minutes"],
        batch_size=1000,
    )


def _release_ids(keys: set[ReleaseKey]) -> dict[ReleaseKey, tuple[int, int]]:
    """(store, store id) → (release id, game id), for the releases the export names."""
    found: dict[ReleaseKey, tuple[int, int]] = {}
    by_store: dict[str, list[str]] = defaultdict(list)
    for store, store_id in keys:
        by_store[store].append(store_id)
    for store, ids in by_store.items():
        for chunk in chunks(ids):
            for pk, game_id, external_id in Release.objects.filter(
                platform__code=store, external_id__in=chunk
            ).values_list("pk", "game_id", "external_id"):
                found[(store, external_id)] = (pk, game_id)
    return found


def _regroup(
    groups: dict[str, list[ReleaseKey]],
    releases: dict[ReleaseKey, tuple[int, int]],
    games: dict[str, dict[str, Any]],
    started: datetime,
) -> set[int]:
    """Make the releases exported as one game one game here, and no more than that game.
    Returns the games that gained or lost releases."""
    claimed: set[int] = set()
    moves: dict[int, list[int]] = defaultdict(list)  # game id → release ids moving onto it
    targets: dict[str, int] = {}
    emptied: set[int] = set()
    for key in sorted(groups):
        members = sorted({releases[k] for k in groups[key] if k in releases})
        if not members:
            continue
        target = next((game for _, game in members if game not in claimed), None)
        if target is None:
            # Its releases' games already stand for other exported games: split this one off.
            exported = games.get(key, {})
            target = Game.objects.create(title=str(exported.get("title") or key)[:300]).pk
        claimed.add(target)
        targets[key] = target
        for release_id, game_id in members:
            if game_id != target:
                moves[target].append(release_id)
                emptied.add(game_id)
    for target, release_ids in moves.items():
        for chunk in chunks(release_ids):
            Release.objects.filter(pk__in=chunk).update(game_id=target)
    gone = [pk for pk in emptied - claimed if not Release.objects.filter(game_id=pk).exists()]
    for chunk in chunks(gone):
        Game.objects.filter(pk__in=chunk).delete()
    _game_fields(targets, games, started)
    return set(moves) | emptied


def _game_fields(
    targets: dict[str, int], games: dict[str, dict[str, Any]], started: datetime
) -> None:
    """Games made by this import take the exported title and details (a fresh install has
    fetched nothing yet); games this install already knew keep theirs."""
    made = {
        game.pk: game
        for game in Game.objects.filter(pk__in=list(targets.values()), created_at__gte=started)
    }
    genres: dict[str, Genre] = {}
    changed = []
    for key, pk in targets.items():
        game = made.get(pk)
        exported = games.get(key)
        if game is None or exported is None:
            continue
        for name in GAME_FIELDS:
            if name in exported:
                value = exported[name]
                if name == "release_date" and value:
                    value = datetime.fromisoformat(str(value)).date()
                setattr(game, name, value if value is not None or _nullable(name) else "")
        game.title = (game.title or key)[:300]
        game.normalized_title = normalize_title(game.title)[:300]
        game.sort_title = sort_title(game.title)
        changed.append(game)
        names = [str(n)[:64] for n in exported.get("genres") or []]
        for name in names:
            if name not in genres:
                genres[name] = Genre.objects.get_or_create(name=name)[0]
        if names:
            game.genres.set([genres[name] for name in names])
    Game.objects.bulk_update(
        changed, [*GAME_FIELDS, "normalized_title", "sort_title"], batch_size=500
    )


def _nullable(name: str) -> bool:
    return bool(getattr(Game._meta.get_field(name), "null", False))


def _matches(owner: Any, export: Export, releases: dict[ReleaseKey, tuple[int, int]]) -> None:
    Match.objects.bulk_create(
        [
            Match(
                release_id=releases[match.release][0],
                matched_release_id=releases[match.matched_release][0],
                method=match.method,
                confidence=min(1.0, max(0.0, match.confidence)),
                verified=match.verified,
                created_by=owner if match.method == Match.Method.MANUAL else None,
            )
            for match in export.matches
            if match.release in releases
            and match.matched_release in releases
            and match.release != match.matched_release
        ],
        ignore_conflicts=True,
    )
