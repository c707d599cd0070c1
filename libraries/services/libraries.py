"""Adding, changing and removing libraries, and building the store client for one.

Every door (REST, CLI, admin, MCP, web, demo) goes through these functions, so the rules live here
once: a library is checked with its store *before* it is saved (the store's client ``connect``s
with the values of its add form), the credentials are stored encrypted on the library, and no
message ever carries them. Nothing here names a store: what a store needs is in its folder's
spec (platforms.contract), found through platforms.registry.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from libraries.models import Library
from platforms import registry
from platforms.contract import (
    AccountClient,
    Connection,
    IntegrationSpec,
    Kind,
    MemoryCredentials,
)
from platforms.errors import (
    PlatformError,
    PlatformUnavailable,
    PrivateProfile,
    RateLimited,
)
from platforms.models import Platform

logger = logging.getLogger(__name__)

MAX_SYNC_INTERVAL_HOURS = 24 * 365


class LibraryError(Exception):
    """A library cannot be added or changed; ``message`` is one sentence for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class LibraryCredentials:
    """A saved library's encrypted credentials, as its store client reads and refreshes them.

    ``save`` writes in a transaction of its own and returns only once the row holds the new
    value, so a client that refreshed a rotating token stores it before it uses it. Clients are
    never called inside a caller's transaction (the sync phases call them outside theirs).
    """

    def __init__(self, library: Library) -> None:
        self._library = library

    def load(self) -> dict[str, Any]:
        return dict(self._library.credentials or {})

    def save(self, credentials: Mapping[str, Any]) -> None:
        values = dict(credentials)
        with transaction.atomic():
            Library.objects.filter(pk=self._library.pk).update(credentials=values)
        self._library.credentials = values

    def __repr__(self) -> str:  # never the values
        return f"<LibraryCredentials of library {self._library.pk}>"


def spec_for(platform_code: str) -> IntegrationSpec:
    spec = registry.integration(platform_code)
    if spec is None:
        raise LibraryError(f"Game Djinn cannot sync {platform_code} libraries.")
    return spec


def platform_client_for(library: Library) -> AccountClient:
    """The one place a sync builds a client: the library's store, its stored credentials."""
    spec = spec_for(library.platform.code)
    if spec.kind is not Kind.ACCOUNT:
        raise LibraryError(f"{spec.name} libraries are imported from a file, not synced.")
    return spec.load_client_factory()(LibraryCredentials(library))


def add_library(
    owner: User,
    platform_code: str,
    values: Mapping[str, str],
    *,
    display_name: str | None = None,
) -> Library:
    """Connect the account the add form describes, then save it as ``owner``'s library.

    ``values`` are the store's form fields (see its spec). Raises LibraryError when the store
    refuses them (a bad key or code, an unknown or private account, a store that is down), or
    when the same account is already one of ``owner``'s libraries.
    """
    platform = Platform.objects.filter(code=platform_code).first()
    if platform is None:
        raise LibraryError(f"'{platform_code}' is not a platform Game Djinn knows.")
    spec = spec_for(platform_code)
    if spec.kind is not Kind.ACCOUNT:
        raise LibraryError(f"{spec.name} libraries are added by uploading a file.")
    connection = _connect(spec, clean_values(spec, values))
    profile = connection.profile

    existing = Library.objects.filter(
        owner=owner, platform=platform, user_identifier=profile.external_id
    ).first()
    if existing is not None:
        raise LibraryError(
            f"You already have this {platform.name} account as library #{existing.pk} "
            f"({existing.display_name})."
        )
    library = Library(
        owner=owner,
        platform=platform,
        user_identifier=profile.external_id,
        display_name=(display_name or "").strip()[:128]
        or profile.display_name[:128]
        or profile.external_id,
        avatar_url=_url(profile.avatar_url),
        profile_url=_url(profile.profile_url),
        credentials=dict(connection.credentials),
    )
    try:
        with transaction.atomic():
            library.save()
    except IntegrityError:
        # Two requests for the same account raced past the check above.
        raise LibraryError(f"You already have this {platform.name} account.") from None
    logger.info(
        "Added %s library %s for user %s (account %s)",
        platform.code,
        library.pk,
        owner.pk,
        library.user_identifier,
    )
    return library


def reconnect_library(library: Library, values: Mapping[str, str]) -> Library:
    """Sign the library in again (a new key, code or token): checked with the store first, and
    it must be the same account. Clears *needs reconnecting*."""
    spec = spec_for(library.platform.code)
    values = dict(values)
    if spec.account_field and not (values.get(spec.account_field) or "").strip():
        values[spec.account_field] = library.user_identifier
    connection = _connect(spec, clean_values(spec, values, reconnecting=True))
    if connection.profile.external_id != library.user_identifier:
        raise LibraryError(
            f"That signs in as a different {spec.name} account; add it as a new library instead."
        )
    library.credentials = dict(connection.credentials)
    library.reconnect_reason = ""
    library.reconnect_since = None
    library.save(update_fields=["credentials", "reconnect_reason", "reconnect_since"])
    logger.info("Reconnected library %s", library.pk)
    return library


def mark_needs_reconnect(library: Library, reason: str) -> None:
    """Park the library until its owner signs in again; scheduled syncs skip it meanwhile."""
    Library.objects.filter(pk=library.pk, reconnect_since__isnull=True).update(
        reconnect_since=timezone.now()
    )
    Library.objects.filter(pk=library.pk).update(reconnect_reason=reason[:500])
    logger.warning("Library %s needs reconnecting: %s", library.pk, reason)


def update_library(
    library: Library,
    *,
    display_name: str | None = None,
    sync_enabled: bool | None = None,
    sync_interval_hours: int | None = None,
    credentials: Mapping[str, str] | None = None,
) -> Library:
    """Change the fields given (None leaves a field as it is). New ``credentials`` (the
    store's form values) are checked with the store before they replace the old ones."""
    fields: list[str] = []
    if display_name is not None:
        name = display_name.strip()[:128]
        if not name:
            raise LibraryError("The library's name cannot be empty.")
        library.display_name = name
        fields.append("display_name")
    if sync_interval_hours is not None:
        if sync_interval_hours < 1:
            raise LibraryError("The sync interval must be at least one hour.")
        if sync_interval_hours > MAX_SYNC_INTERVAL_HOURS:
            raise LibraryError(
                f"The sync interval must be at most a year ({MAX_SYNC_INTERVAL_HOURS} hours)."
            )
        library.sync_interval_hours = sync_interval_hours
        fields.append("sync_interval_hours")
    if sync_enabled is not None:
        library.sync_enabled = sync_enabled
        fields.append("sync_enabled")
    if credentials is not None:
        reconnect_library(library, credentials)
    if fields:
        library.save(update_fields=fields)
    return library


def delete_library(library: Library) -> None:
    """Delete the library with its entries and run history; the games stay for other owners.

    A worker in the middle of one of its runs finds the run gone at its next checkpoint and
    stops (libraries.progress fences every write on the run's row).
    """
    library_id = library.pk
    stored_file = (library.credentials or {}).get("file", "")
    with transaction.atomic():
        library.delete()
        # The owner's copies elsewhere may now stand for a game this library's copy stood for.
        from games.services.rollups import refresh_game_rollups

        refresh_game_rollups(owner_ids=[library.owner_id])
    if stored_file:
        from libraries.services.imports import imports_dir

        transaction.on_commit(lambda: (imports_dir() / Path(stored_file).name).unlink(True))
    logger.info("Deleted library %s", library_id)


def clean_values(
    spec: IntegrationSpec, values: Mapping[str, str], *, reconnecting: bool = False
) -> dict[str, str]:
    """The form values the spec declares, trimmed and checked for presence and length."""
    cleaned: dict[str, str] = {}
    for field in spec.fields:
        raw = values.get(field.name)
        value = raw.strip() if isinstance(raw, str) else ""
        if len(value) > field.max_length:
            raise LibraryError(
                f"{field.label} is too long (at most {field.max_length} characters)."
            )
        if field.required and not value and not reconnecting:
            raise LibraryError(f"{field.label} is missing (the {field.name} field).")
        cleaned[field.name] = value
    unknown = sorted(set(values) - {field.name for field in spec.fields})
    if unknown:
        raise LibraryError(
            f"{spec.name} does not take {', '.join(unknown)}; it takes "
            f"{', '.join(field.name for field in spec.fields)}."
        )
    return cleaned


def _connect(spec: IntegrationSpec, values: Mapping[str, str]) -> Connection:
    """Let the store's client check the values: the key or code works, the account exists and
    its games are visible, which is everything a sync needs."""
    name = spec.name
    try:
        with spec.load_client_factory()(MemoryCredentials()) as client:
            return client.connect(values)
    except PrivateProfile:
        raise LibraryError(
            f"This {name} profile's game details are private, so Game Djinn cannot read its "
            "library. Set 'Game details' to Public in the profile's privacy settings, then add "
            "it again."
        ) from None
    except RateLimited as exc:
        raise LibraryError(
            f"{name} is limiting requests right now; try again after {exc.retry_at:%H:%M} UTC."
        ) from None
    except PlatformUnavailable:
        raise LibraryError(
            f"{name} is not answering right now; try again in a few minutes."
        ) from None
    except PlatformError as exc:
        # Platform messages are written for users and never contain a credential.
        raise LibraryError(exc.message) from None


def _url(value: str) -> str:
    return value if value.startswith(("https://", "http://")) and len(value) <= 500 else ""
