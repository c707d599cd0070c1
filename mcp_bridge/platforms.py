"""What the platform tools show: the platforms with the user's libraries on each, and one library.
No field carries a credential; `uses_own_api_key` only says whether there is one."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from pydantic import BaseModel, Field

from libraries.queries import counted_libraries
from platforms import registry
from platforms.contract import IntegrationSpec, Kind
from platforms.models import Platform

if TYPE_CHECKING:
    from libraries.queries import CountedLibrary


class LibraryOut(BaseModel):
    library_id: int
    platform: str
    kind: str = Field(description="account (synced) or file (imported from an upload).")
    needs_reconnect: bool = Field(
        description="The store signed it out; it waits until its owner reconnects it in the web UI "
        "or with add_platform_library's credentials."
    )
    reconnect_reason: str = Field(description="Why it needs reconnecting ('' when it does not).")
    display_name: str
    account_id: str = Field(description="The account on the platform, e.g. a SteamID64.")
    uses_own_api_key: bool = Field(description="False when the server's key is used.")
    last_synced_at: datetime | None
    games: int = Field(
        description="Games in this library you see: present, not hidden, within your rating cap."
    )


class CredentialFieldInfo(BaseModel):
    name: str = Field(description="The key to use in add_platform_library's credentials.")
    label: str
    help: str
    secret: bool
    required: bool


class PlatformInfo(BaseModel):
    code: str
    name: str
    kind: str = Field(
        description="account (add_platform_library signs in), file (imported by uploading a file "
        "in the web UI or with manage.py importlibrary), or store (releases only arrive through "
        "another source)."
    )
    sync_supported: bool = Field(description="Game Djinn can import libraries from it.")
    capabilities: list[str] = Field(
        description="What a sync brings: owned, playtime, last_played, metadata, achievements."
    )
    credential_fields: list[CredentialFieldInfo] = Field(
        description="What add_platform_library's credentials must hold for this store."
    )
    note: str = Field(description="What to know about this store's data ('' when nothing).")
    configured: bool = Field(
        description="Ready to add a library: the server has an API key, or you added one."
    )
    libraries: list[LibraryOut] = Field(description="Your libraries on this platform.")


class Platforms(BaseModel):
    platforms: list[PlatformInfo]


def library_out(library: CountedLibrary) -> LibraryOut:
    """LIBRARY as the tools show it; it must come from counted_libraries (for its game_count)."""
    return LibraryOut(
        library_id=library.pk,
        platform=library.platform.code,
        kind=library.platform.kind,
        needs_reconnect=library.needs_reconnect,
        reconnect_reason=library.reconnect_reason,
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
    items = []
    for platform in Platform.objects.all():
        spec = registry.integration(platform.code)
        items.append(
            PlatformInfo(
                code=platform.code,
                name=platform.name,
                kind=platform.kind,
                sync_supported=spec is not None,
                capabilities=list(platform.capabilities),
                credential_fields=[
                    CredentialFieldInfo(
                        name=field.name,
                        label=field.label,
                        help=field.help_text,
                        secret=field.secret,
                        required=field.required,
                    )
                    for field in (spec.fields if spec and spec.kind is Kind.ACCOUNT else ())
                ],
                note=spec.note if spec else "",
                configured=spec is not None
                and (_ready_without_library(spec) or platform.pk in libraries),
                libraries=[library_out(library) for library in libraries.get(platform.pk, [])],
            )
        )
    return Platforms(platforms=items)


def _ready_without_library(spec: IntegrationSpec) -> bool:
    """A store whose add form can be filled by anyone (a code, a token, a file) is ready; one
    whose key is optional only because the server may have one needs that server key."""
    server_secrets = [setting for setting in spec.settings if setting.kind == "secret"]
    if not server_secrets:
        return True
    return any(getattr(settings, setting.name, "") for setting in server_secrets)
