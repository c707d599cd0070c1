"""REST endpoints for libraries and their syncs, mounted at /api/libraries/.

Each endpoint parses, checks ownership (other users' libraries are 404, never 403, so ids do not
leak), calls a service and returns a schema. Authentication (session or API key) is global; keys
with the "read" scope may only read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from django.http import Http404
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from gamedjinn.api_auth import require_write
from gamedjinn.api_schemas import JsonObjectBody
from gamedjinn.request_types import ApiRequest
from libraries.models import Library, SyncRun
from libraries.queries import counted_libraries, library_for, run_for, sync_history
from libraries.schemas import LibraryOut, SyncRunOut, library_out, run_out
from libraries.services.imports import import_uploaded_file
from libraries.services.libraries import (
    MAX_SYNC_INTERVAL_HOURS,
    LibraryError,
    add_library,
    delete_library,
    update_library,
)
from libraries.services.sync import SyncAlreadyRunning, request_sync, retry_now
from libraries.uploads import upload_limit_bytes, upload_refused, upload_refused_sentence

if TYPE_CHECKING:
    from libraries.queries import CountedLibrary

router = Router(tags=["libraries"])


# --- schemas --------------------------------------------------------------------------------


class LibraryIn(JsonObjectBody):
    platform: str = Field(description="The store's code (GET /api/libraries/platforms).")
    credentials: dict[str, str] = Field(
        description="The store's add-form fields by name, as GET /api/libraries/platforms lists "
        "them (e.g. Steam: account and api_key; GOG: code). Checked with the store before "
        "anything is saved; stored encrypted; never returned.",
        examples=[{"account": "76561197960287930", "api_key": "…"}, {"code": "…"}],
    )
    display_name: str | None = Field(
        None, description="A name for the library; defaults to the account's name."
    )


class LibraryPatch(JsonObjectBody):
    display_name: str | None = Field(None, description="A new name.")
    credentials: dict[str, str] | None = Field(
        None,
        description="Reconnect: the store's add-form fields (a new key, code or token), checked "
        "with the store first; it must sign in as the same account. For Steam an empty api_key "
        "removes the library's own key so the server's key is used.",
    )
    sync_enabled: bool | None = Field(None, description="Whether scheduled syncs run.")
    sync_interval_hours: int | None = Field(
        None,
        ge=1,
        le=MAX_SYNC_INTERVAL_HOURS,
        description="Hours between scheduled syncs (default 24), at most a year.",
    )


class SyncRequest(JsonObjectBody):
    # Defaults by keyword: under ninja's dataclass_transform mypy sees no other, and start_sync
    # builds SyncRequest() itself.
    phases: list[Literal["owned", "details", "achievements", "all"]] | None = Field(
        default=None,
        min_length=1,
        description="Phases to run, in their natural order; all of them by default.",
    )
    force: bool = Field(
        default=False,
        description="Replace a sync that is already running and refetch metadata and "
        "achievements even when they are fresh.",
    )


class Problem(Schema):
    detail: str


class Conflict(Schema):
    detail: str
    run_id: int | None = Field(description="The sync that is already active.")


# --- endpoints ------------------------------------------------------------------------------


def _library(request: ApiRequest, library_id: int) -> CountedLibrary:
    try:
        return library_for(request.user, library_id)
    except Library.DoesNotExist:
        raise Http404 from None


@router.get("/", response=list[LibraryOut], summary="List your libraries")
def list_libraries(request: ApiRequest):
    return [library_out(library) for library in counted_libraries(request.user)]


@router.post("/", response={201: LibraryOut, 400: Problem}, summary="Add a library")
def create_library(request: ApiRequest, payload: LibraryIn):
    """Checks the account against the platform (key, account, privacy) before saving it."""
    require_write(request)
    try:
        library = add_library(
            request.user,
            payload.platform,
            payload.credentials,
            display_name=payload.display_name,
        )
    except LibraryError as exc:
        return Status(400, {"detail": exc.message})
    return Status(201, library_out(_library(request, library.pk)))


class ImportOut(Schema):
    library: LibraryOut
    run: SyncRunOut = Field(description="The run importing the file; follow it at /runs/{id}.")
    left_out: list[str] = Field(
        description="Entries the file lists that were deliberately not imported, with the "
        "reason (e.g. subscription titles, which are not owned)."
    )


@router.post(
    "/import",
    response={202: ImportOut, 400: Problem, 413: Problem},
    summary="Import a library file",
)
def import_library(
    request: ApiRequest,
    source: Form[str],
    file: File[UploadedFile],
    name: Form[str | None] = None,
):
    """Upload a library file (source: a file source's code, e.g. galaxy for a GOG Galaxy
    database). The whole file is read before anything is saved; a newer file of the same
    account updates its library in place. The import itself runs as a sync run."""
    require_write(request)
    if upload_refused(request) or (file.size or 0) > upload_limit_bytes():
        return Status(413, {"detail": upload_refused_sentence()})
    try:
        library, run, imported = import_uploaded_file(request.user, source, file, name=name)
    except LibraryError as exc:
        return Status(400, {"detail": exc.message})
    return Status(
        202,
        {
            "library": library_out(_library(request, library.pk)),
            "run": run_out(run),
            "left_out": [f"{what}: {why}" for what, why in imported.skipped],
        },
    )


@router.get("/{id:library_id}", response=LibraryOut, summary="Get a library")
def get_library(request: ApiRequest, library_id: int):
    return library_out(_library(request, library_id))


@router.patch(
    "/{id:library_id}", response={200: LibraryOut, 400: Problem}, summary="Change a library"
)
def patch_library(request: ApiRequest, library_id: int, payload: LibraryPatch):
    require_write(request)
    library = _library(request, library_id)
    try:
        update_library(library, **payload.model_dump(exclude_unset=True))
    except LibraryError as exc:
        return Status(400, {"detail": exc.message})
    return Status(200, library_out(_library(request, library_id)))


@router.delete("/{id:library_id}", response={204: None}, summary="Delete a library")
def remove_library(request: ApiRequest, library_id: int):
    """Deletes the library, its entries and its sync history; games stay for other owners."""
    require_write(request)
    delete_library(_library(request, library_id))
    return Status(204, None)


@router.post(
    "/{id:library_id}/sync",
    response={202: SyncRunOut, 409: Conflict},
    summary="Start a sync",
)
def start_sync(request: ApiRequest, library_id: int, payload: SyncRequest | None = None):
    """Queues a sync and answers at once; follow it at GET /runs/{run_id} or on ws/sync/."""
    require_write(request)
    library = _library(request, library_id)
    payload = payload or SyncRequest()
    try:
        run = request_sync(
            library, trigger=SyncRun.Trigger.API, phases=payload.phases, force=payload.force
        )
    except SyncAlreadyRunning as exc:
        return Status(409, {"detail": exc.message, "run_id": exc.run.pk if exc.run else None})
    return Status(202, run_out(run))


@router.post(
    "/{id:library_id}/retry",
    response={202: SyncRunOut, 409: Problem},
    summary="Resume a sync waiting on a rate limit",
)
def retry_sync(request: ApiRequest, library_id: int):
    """A sync the platform rate-limited waits until its retry_at; this resumes it at once
    (where it stopped). 409 when no sync of the library is waiting."""
    require_write(request)
    library = _library(request, library_id)
    run = retry_now(library)
    if run is None:
        return Status(409, {"detail": "No sync of this library is waiting on a rate limit."})
    return Status(202, run_out(run))


@router.get("/{id:library_id}/runs", response=list[SyncRunOut], summary="Sync history")
def list_runs(request: ApiRequest, library_id: int, limit: int = 20):
    """The library's syncs, newest first (at most 100)."""
    library = _library(request, library_id)
    return [run_out(run) for run in sync_history(library, max(1, min(limit, 100)))]


@router.get("/runs/{id:run_id}", response=SyncRunOut, summary="Sync status")
def get_run(request: ApiRequest, run_id: int):
    try:
        return run_out(run_for(request.user, run_id))
    except SyncRun.DoesNotExist:
        raise Http404 from None
