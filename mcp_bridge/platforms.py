"""What the platform tools show: the platforms with the user's libraries on each, and one library.
No field carries a credential; `uses_own_api_key` only says whether there is one."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from pydantic import BaseModel, Field, SecretStr

from libraries.queries import counted_libraries
from platforms.models import Platform

if TYPE_CHECKING:
    from libraries.queries import CountedLibrary


class LibraryOut(BaseModel):
    library_id: int
    platform: str
    display_name: str
    account_id: str = Field(description="The account on the platform, e.g. a SteamID64.")
    uses_own_api_key: bool = Field(description="False when the server's key is used.")
    last_synced_at: datetime | None
    games: int = Field(
        description="Games in this library you see: present, not hidden, within your rating cap."
    )


class PlatformInfo(BaseModel):
    code: str
    name: str
    sync_supported: bool = Field(description="Game Djinn can import libraries from it.")
    capabilities: list[str] = Field(description="What a sync brings: owned, playtime, …")
    configured: bool = Field(
        description="Ready to add a library: the server has an API key, or you added one."
    )
    libraries: list[LibraryOut] = Field(description="Your libraries on this platform.")


class Platforms(BaseModel):
    platforms: list[PlatformInfo]


class PlatformCredentials(BaseModel):
    user_identifier: str = Field(
        min_length=1,
        max_length=300,
        description="The account: for Steam a SteamID64, a custom URL name or a profile URL.",
    )
    api_key: SecretStr | None = Field(
        None,
        description="The platform API key (Steam Web API key). Leave out to use the server's key.",
    )


def library_out(library: CountedLibrary) -> LibraryOut:
    """LIBRARY as the tools show it; it must come from counted_libraries (for its game_count)."""
    return LibraryOut(
        library_id=library.pk,
        platform=library.platform.code,
        display_name=library.display_name,
        account_id=library.user_identifier,
        uses_own_api_key=bool((library.credentials or {}).get("api_key")),
        last_synced_at=library.last_synced_at,
        games=library.game_count,
    )


def one_library(user, library_id: int) -> LibraryOut:
    return library_out(counted_libraries(user).get(pk=library_id))


def supported_platforms(user) -> Platforms:
    libraries: dict[int, list[CountedLibrary]] = {}
    for library in counted_libraries(user):
        libraries.setdefault(library.platform_id, []).append(library)
    server_keys = {"steam": bool(settings.STEAM_API_KEY)}
    return Platforms(
        platforms=[
            PlatformInfo(
                code=platform.code,
                name=platform.name,
                sync_supported=platform.api_available,
                capabilities=list(platform.capabilities),
                configured=platform.api_available
                and (server_keys.get(platform.code, False) or platform.pk in libraries),
                libraries=[library_out(library) for library in libraries.get(platform.pk, [])],
            )
            for platform in Platform.objects.all()
        ]
    )
