"""Games added by hand: a console cartridge, a physical disc, a key no store reports.

A manual game is an entry of the owner's "Manual entries" library (on the "manual" platform,
made on first use) and a release like any other: on the "manual" store under its device and
title (the same release a Grouvee or Playnite import of that game makes), or, when the user names
a store and its id, that store's own release. It is filtered, capped by rating, exported and
matched as every other copy. Every field here was typed by the user, so all of them count as the
user's edits: no import ever replaces them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from games.services import NotFound, ServiceError
from games.services.catalogue import NewRelease, releases_for
from games.services.rollups import refresh_for_releases
from libraries.models import Library, LibraryGame
from platforms.devices import MANUAL_STORE, device_of, device_slug, manual_release_id, store_code
from platforms.models import Platform

MANUAL_ACCOUNT = "manual"
LIBRARY_NAME = "Manual entries"
EDITABLE = (
    "status",
    "user_rating",
    "playtime_minutes",
    "notes",
    "started_on",
    "finished_on",
    "last_played_at",
    "hidden",
)


@dataclass(frozen=True)
class ManualGame:
    entry_id: int
    game_id: int
    title: str
    platform: str  # the device ("Nintendo Switch", "Physical copy") or the store's code
    store: str
    store_id: str
    status: str
    user_rating: int | None
    playtime_minutes: int
    notes: str
    started_on: date | None
    finished_on: date | None
    last_played_at: datetime | None
    hidden: bool


def manual_library(owner) -> Library:
    """The owner's library of games added by hand, made on first use."""
    platform = Platform.objects.get(code=MANUAL_STORE)
    library, _ = Library.objects.get_or_create(
        owner=owner,
        platform=platform,
        user_identifier=MANUAL_ACCOUNT,
        defaults={"display_name": LIBRARY_NAME, "sync_enabled": False},
    )
    return library


def add_manual_game(
    owner,
    title: str,
    *,
    platform: str = "physical",
    store_id: str = "",
    **values: Any,
) -> ManualGame:
    """Add TITLE on PLATFORM (a device such as "Nintendo Switch" or "physical", or a store such
    as "steam" with its STORE_ID) with the player's own VALUES (see EDITABLE)."""
    title = _title(title)
    values = _checked(values)
    with transaction.atomic():
        library = manual_library(owner)
        release_id = _release_id(title, platform, store_id)
        if LibraryGame.objects.filter(library=library, release_id=release_id).exists():
            raise ServiceError(f"{title} on {_platform_label(platform)} is already in your games.")
        entry = LibraryGame.objects.create(
            library=library,
            release_id=release_id,
            user_edited_fields=sorted(values),
            **values,
        )
        refresh_for_releases([release_id], owner_ids=[owner.pk])
    return _out(entry)


def edit_manual_game(
    owner,
    entry_id: int,
    *,
    title: str | None = None,
    platform: str | None = None,
    store_id: str | None = None,
    **values: Any,
) -> ManualGame:
    """Change a manual game. A new title or platform moves the entry to that release."""
    values = _checked(values)
    with transaction.atomic():
        entry = _manual_entry(owner, entry_id, lock=True)
        moved_from = entry.release_id
        if title is not None or platform is not None or store_id is not None:
            current = _out(entry)
            release_id = _release_id(
                _title(title) if title is not None else current.title,
                platform if platform is not None else current.platform,
                store_id if store_id is not None else current.store_id,
            )
            if release_id != entry.release_id:
                if LibraryGame.objects.filter(
                    library=entry.library, release_id=release_id
                ).exists():
                    raise ServiceError("That game is already in your manual entries.")
                entry.release_id = release_id
                values["release_id"] = release_id
        for name, value in values.items():
            setattr(entry, name, value)
        entry.user_edited_fields = sorted(
            set(entry.user_edited_fields or ()) | (set(values) - {"release_id"})
        )
        entry.updated_at = timezone.now()
        entry.save()
        refresh_for_releases({moved_from, entry.release_id}, owner_ids=[owner.pk])
    return _out(
        LibraryGame.objects.select_related("release__platform", "release__game").get(pk=entry.pk)
    )


def delete_manual_game(owner, entry_id: int) -> None:
    with transaction.atomic():
        entry = _manual_entry(owner, entry_id)
        release_id = entry.release_id
        entry.delete()
        refresh_for_releases([release_id], owner_ids=[owner.pk])


def get_manual_game(owner, entry_id: int) -> ManualGame:
    return _out(_manual_entry(owner, entry_id))


def is_manual(entry: LibraryGame) -> bool:
    return entry.library.user_identifier == MANUAL_ACCOUNT and (
        entry.library.platform.code == MANUAL_STORE
    )


# --- helpers ----------------------------------------------------------------------------------


def _manual_entry(owner, entry_id: int, *, lock: bool = False) -> LibraryGame:
    entries = LibraryGame.objects.select_related(
        "library__platform", "release__platform", "release__game"
    )
    if lock:
        entries = entries.select_for_update(of=("self",))
    try:
        return entries.get(
            pk=entry_id,
            library__owner=owner,
            library__platform__code=MANUAL_STORE,
            library__user_identifier=MANUAL_ACCOUNT,
        )
    except LibraryGame.DoesNotExist:
        raise NotFound(f"No manual game {entry_id} in your library.") from None


def _title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ServiceError("A game needs a title.")
    if len(title) > 300:
        raise ServiceError("A title has at most 300 characters.")
    return title


def _checked(values: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(values) - set(EDITABLE))
    if unknown:
        raise ServiceError(f"A manual game has no field {', '.join(unknown)}.")
    values = {
        name: value
        for name, value in values.items()
        if value is not None
        or name in ("user_rating", "started_on", "finished_on", "last_played_at")
    }
    if "status" in values and values["status"] not in LibraryGame.Status.values:
        raise ServiceError(f"status must be one of: {', '.join(LibraryGame.Status.values)}.")
    rating = values.get("user_rating")
    if rating is not None and not 1 <= rating <= 10:
        raise ServiceError("user_rating must be between 1 and 10.")
    if values.get("playtime_minutes", 0) < 0:
        raise ServiceError("playtime_minutes cannot be negative.")
    if "notes" in values:
        values["notes"] = str(values["notes"])[:10_000]
    started, finished = values.get("started_on"), values.get("finished_on")
    if started and finished and finished < started:
        raise ServiceError("A game cannot be finished before it was started.")
    return values


def _release_id(title: str, platform: str, store_id: str) -> int:
    store = store_code(platform) if platform else None
    store_id = (store_id or "").strip()
    if store and store_id:
        if len(store_id) > 64:
            raise ServiceError("A store id has at most 64 characters.")
        code, external_id = store, store_id
    else:
        code, external_id = MANUAL_STORE, manual_release_id(platform or "physical", title)
    release = releases_for(Platform.objects.get(code=code), [NewRelease(external_id, title)])
    return release[external_id].release_id


def _platform_label(platform: str) -> str:
    return platform if store_code(platform) else device_of(device_slug(platform or "physical"))


def _out(entry: LibraryGame) -> ManualGame:
    release = entry.release
    store = release.platform.code
    return ManualGame(
        entry_id=entry.pk,
        game_id=release.game_id,
        title=release.game.title,
        platform=device_of(release.external_id) if store == MANUAL_STORE else store,
        store=store,
        store_id="" if store == MANUAL_STORE else release.external_id,
        status=entry.status,
        user_rating=entry.user_rating,
        playtime_minutes=entry.playtime_minutes,
        notes=entry.notes,
        started_on=entry.started_on,
        finished_on=entry.finished_on,
        last_played_at=entry.last_played_at,
        hidden=entry.hidden,
    )
