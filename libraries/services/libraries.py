"""Adding, changing and removing libraries, and building the platform client for one.

Every door (REST, CLI, admin, MCP, demo) goes through these functions, so the rules live here
once: a library is validated against its platform *before* it is saved, the API key is stored
encrypted on the library (or left out to use ``STEAM_API_KEY``), and no message ever carries it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from libraries.models import Library
from platforms.errors import PlatformError, PlatformUnavailable, PrivateProfile, RateLimited
from platforms.models import Platform
from platforms.records import (
    AchievementDefinition,
    GameDetails,
    OwnedGame,
    PlayerAchievements,
    PlayerProfile,
)

logger = logging.getLogger(__name__)

MAX_SYNC_INTERVAL_HOURS = 24 * 365


class LibraryError(Exception):
    """A library cannot be added or changed; ``message`` is one sentence for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PlatformClient(Protocol):
    """What the sync needs from a platform integration (Steam's client is the first)."""

    def resolve_user(self, identifier: str) -> PlayerProfile: ...
    def get_owned_games(self, external_user_id: str) -> list[OwnedGame]: ...
    def get_app_details(self, external_id: str) -> GameDetails | None: ...
    def get_achievement_schema(self, external_id: str) -> list[AchievementDefinition]: ...
    def get_player_achievements(
        self, external_user_id: str, external_id: str
    ) -> PlayerAchievements: ...
    def close(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


# api_key (None → the platform's key from settings) → a ready client.
ClientFactory = Callable[[str | None], PlatformClient]


def _steam_client(api_key: str | None) -> PlatformClient:
    from platforms.integrations.steam.client import SteamClient

    # An empty stored key means "use STEAM_API_KEY"; from_settings falls back only on None.
    return SteamClient.from_settings(api_key or None)


# Platform code → client factory. A new store (GOG, …) adds one line here and one folder under
# platforms/integrations/; nothing in the sync service names a platform.
PLATFORM_CLIENTS: dict[str, ClientFactory] = {"steam": _steam_client}


def platform_client_for(library: Library) -> PlatformClient:
    """The one place a client is built from a library: its own key, else the settings key."""
    return _client(library.platform.code, (library.credentials or {}).get("api_key"))


def _client(platform_code: str, api_key: str | None) -> PlatformClient:
    factory = PLATFORM_CLIENTS.get(platform_code)
    if factory is None:
        raise LibraryError(f"Game Djinn cannot sync {platform_code} libraries yet.")
    return factory(api_key)


def add_library(
    owner: User,
    platform_code: str,
    identifier: str,
    *,
    api_key: str | None = None,
    display_name: str | None = None,
) -> Library:
    """Validate the account against the platform, then save it as ``owner``'s library.

    ``identifier`` is whatever the user typed (for Steam: a SteamID64, a custom URL name or a
    profile URL). Raises LibraryError when the key is rejected, the account does not exist, its
    game details are private, or the same account is already one of ``owner``'s libraries.
    """
    platform = Platform.objects.filter(code=platform_code).first()
    if platform is None:
        raise LibraryError(f"'{platform_code}' is not a platform Game Djinn knows.")
    api_key = (api_key or "").strip() or None
    profile = _validate(platform, identifier, api_key)

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
        credentials={"api_key": api_key} if api_key else {},
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


def update_library(
    library: Library,
    *,
    display_name: str | None = None,
    api_key: str | None = None,
    sync_enabled: bool | None = None,
    sync_interval_hours: int | None = None,
) -> Library:
    """Change the fields given (None leaves a field as it is).

    A new ``api_key`` is checked against the platform before it replaces the old one; an empty
    string removes the library's own key so the server-wide key is used again.
    """
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
    if api_key is not None:
        key = api_key.strip() or None
        _validate(library.platform, library.user_identifier, key)
        credentials = dict(library.credentials or {})
        if key:
            credentials["api_key"] = key
        else:
            credentials.pop("api_key", None)
        library.credentials = credentials
        fields.append("credentials")
    if fields:
        library.save(update_fields=fields)
    return library


def delete_library(library: Library) -> None:
    """Delete the library with its entries and run history; the games stay for other owners.

    A worker in the middle of one of its runs finds the run gone at its next checkpoint and
    stops (libraries.progress fences every write on the run's row).
    """
    library_id = library.pk
    library.delete()
    logger.info("Deleted library %s", library_id)


def _validate(platform: Platform, identifier: str, api_key: str | None) -> PlayerProfile:
    """Resolve the account and read its owned list once: that proves the key works, the
    account exists and its game details are visible, which is everything a sync needs."""
    try:
        with _client(platform.code, api_key) as client:
            profile = client.resolve_user(identifier)
            client.get_owned_games(profile.external_id)
    except PrivateProfile:
        raise LibraryError(
            f"This {platform.name} profile's game details are private, so Game Djinn cannot "
            "read its library. Set 'Game details' to Public in the profile's privacy "
            "settings, then add it again."
        ) from None
    except RateLimited as exc:
        raise LibraryError(
            f"{platform.name} is limiting requests right now; try again after "
            f"{exc.retry_at:%H:%M} UTC."
        ) from None
    except PlatformUnavailable:
        raise LibraryError(
            f"{platform.name} is not answering right now; try again in a few minutes."
        ) from None
    except PlatformError as exc:
        # Platform messages are written for users and never contain the key.
        raise LibraryError(exc.message) from None
    return profile


def _url(value: str) -> str:
    return value if value.startswith(("https://", "http://")) and len(value) <= 500 else ""
