"""What the platform tools show: the platforms with the user's libraries on each, and one library.
A library has the one shape every door shows (libraries.schemas.LibraryOut); no field carries a
credential."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from pydantic import BaseModel, Field

from libraries.queries import counted_libraries, library_for
from libraries.schemas import LibraryOut, library_out
from platforms import registry
from platforms.contract import IntegrationSpec, Kind
from platforms.models import Platform

if TYPE_CHECKING:
    from libraries.queries import CountedLibrary


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


def one_library(user, library_id: int) -> LibraryOut:
    return library_out(library_for(user, library_id))


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
