"""Platforms & libraries: add a library (validated against the platform before it is saved), its
schedule, sync now, retry after a rate limit, delete, sync history, and the live sync fragment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from gamedjinn.request_types import PageRequest
from libraries.forms import LibrarySettingsForm, StoreForm
from libraries.models import Library
from libraries.queries import (
    library_for,
    library_state,
    library_states,
    sync_history,
)
from libraries.schemas import library_out, run_out
from libraries.services.imports import (
    discard_staged,
    import_staged,
    maps_columns,
    preview_columns,
    preview_file,
    stage_upload,
    staged_file,
)
from libraries.services.libraries import (
    LibraryError,
    add_library,
    delete_library,
    reconnect_library,
    update_library,
)
from libraries.services.sync import SyncAlreadyRunning, request_sync, retry_now
from libraries.uploads import upload_refused
from platforms import registry
from platforms.contract import HelpStep, IntegrationSpec, Kind

if TYPE_CHECKING:
    from libraries.queries import CountedLibrary


def _own_library(request: PageRequest, library_id: int) -> CountedLibrary:
    try:
        return library_for(request.user, library_id)
    except Library.DoesNotExist:
        raise Http404("No such library.") from None


def _status_fragment(
    request: PageRequest, library: CountedLibrary, variant: str = ""
) -> HttpResponse:
    state = library_state(library)
    return render(
        request,
        "libraries/_sync_status.html",
        {"library": state.library, "run": state.run, "variant": variant},
    )


@require_GET
def index(request: PageRequest) -> HttpResponse:
    return render(
        request,
        "libraries/index.html",
        {"libraries": library_states(request.user), "stores": _stores()},
    )


def _stores() -> list[IntegrationSpec]:
    return list(registry.integrations_by_code().values())


def _spec_or_404(code: str) -> IntegrationSpec:
    spec = registry.integration(code)
    if spec is None:
        raise Http404("No such store.")
    return spec


@require_GET
def add(request: PageRequest) -> HttpResponse:
    """Choose a store (or a file to import)."""
    return render(request, "libraries/add.html", {"stores": _stores()})


@require_http_methods(["GET", "POST"])
def add_store(request: PageRequest, platform: str) -> HttpResponse:
    spec = _spec_or_404(platform)
    form = StoreForm(spec, request.POST or None, request.FILES or None)
    if request.method == "POST":
        too_large = upload_refused(request)
        if too_large:
            # What arrived of the upload was cut off: show the form anew with the one sentence.
            form = StoreForm(spec, {})
            form.is_valid()
            form.errors.clear()
            form.add_error(None, too_large)
        elif form.is_valid() and spec.kind is Kind.FILE:
            # A file is kept aside and previewed; nothing is imported before Confirm.
            token = stage_upload(request.user, spec.code, form.cleaned_data["file"])
            try:
                return _preview_page(
                    request, spec, token, form.cleaned_data["display_name"], mapping=None
                )
            except LibraryError as exc:
                discard_staged(request.user, token)
                form.add_error(None, exc.message)
        elif form.is_valid():
            try:
                library = add_library(
                    request.user,
                    spec.code,
                    form.store_values(),
                    display_name=form.cleaned_data.get("display_name") or None,
                )
                request_sync(library, trigger="manual")
            except LibraryError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, f"Added {library.display_name}. Your games are on their way."
                )
                return redirect("libraries:detail", library_id=library.pk)
    return render(
        request,
        "libraries/add_store.html",
        {"form": form, "spec": spec, "help_steps": _help_steps(spec)},
    )


def _help_steps(spec: IntegrationSpec) -> tuple[HelpStep, ...]:
    return spec.help_steps({s.name: getattr(settings, s.name, s.default) for s in spec.settings})


# The skipped rows listed on the preview page; the count says how many there are in all.
SKIPPED_SHOWN = 50
MAPPING_PREFIX = "map_"


def _posted_mapping(data) -> dict[str, str] | None:
    """The column mapping the preview's form sent (None: none sent, so guess it)."""
    if not data.get("mapped"):
        return None
    return {
        key.removeprefix(MAPPING_PREFIX): value
        for key, value in data.items()
        if key.startswith(MAPPING_PREFIX) and value
    }


def _preview_page(
    request: PageRequest,
    spec: IntegrationSpec,
    token: str,
    name: str,
    mapping: dict[str, str] | None,
) -> HttpResponse:
    """What importing the staged upload would do (and, for a CSV, its columns), with Confirm and
    Cancel. Raises LibraryError when the file cannot be read at all."""
    path = staged_file(request.user, spec.code, token)
    columns = None
    options = None
    if maps_columns(spec):
        columns = preview_columns(spec, path, mapping)
        options = {"mapping": columns.mapping}
    preview = None
    problem = columns.problem if columns else ""
    if not problem:
        try:
            preview = preview_file(request.user, spec.code, path, name=name, options=options)
        except LibraryError as exc:
            if columns is None:
                raise
            problem = exc.message  # e.g. this mapping reads no row: the user changes it
    context = {
        "spec": spec,
        "token": token,
        "name": name,
        "columns": columns,
        "preview": preview,
        "problem": problem,
        "skipped": preview.skipped[:SKIPPED_SHOWN] if preview else [],
        "prefix": MAPPING_PREFIX,
    }
    template = "libraries/_import_preview.html" if request.htmx else "libraries/import_preview.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def import_preview(request: PageRequest, platform: str, token: str) -> HttpResponse:
    """GET: the preview again (a changed column mapping). POST: Confirm or Cancel."""
    spec = _spec_or_404(platform)
    if spec.kind is not Kind.FILE:
        raise Http404("No such file source.")
    data = request.POST if request.method == "POST" else request.GET
    name = data.get("name", "")[:128]
    mapping = _posted_mapping(data)
    try:
        if request.method == "GET":
            return _preview_page(request, spec, token, name, mapping)
        if data.get("action") == "cancel":
            discard_staged(request.user, token)
            messages.info(request, "Nothing was imported.")
            return redirect("libraries:add_store", platform=spec.code)
        library, _, _ = import_staged(
            request.user,
            spec.code,
            token,
            name=name or None,
            options={"mapping": mapping} if maps_columns(spec) and mapping is not None else None,
        )
    except LibraryError as exc:
        messages.error(request, exc.message)
        return redirect("libraries:add_store", platform=spec.code)
    messages.success(request, f"Importing {library.display_name}. Your games are on their way.")
    return redirect("libraries:detail", library_id=library.pk)


@require_http_methods(["GET", "POST"])
def reconnect(request: PageRequest, library_id: int) -> HttpResponse:
    """Sign a library in again (a new key, code or token); for a file, upload a newer one."""
    library = _own_library(request, library_id)
    spec = _spec_or_404(library.platform.code)
    if spec.kind is Kind.FILE:
        return redirect("libraries:add_store", platform=spec.code)
    form = StoreForm(spec, request.POST or None, reconnecting=True)
    if request.method == "POST" and form.is_valid():
        try:
            reconnect_library(library, form.store_values())
        except LibraryError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"{library.display_name} is connected again.")
            return redirect("libraries:detail", library_id=library.pk)
    return render(
        request,
        "libraries/reconnect.html",
        {
            "form": form,
            "spec": spec,
            "library": library_out(library),
            "help_steps": _help_steps(spec),
        },
    )


@require_GET
def detail(request: PageRequest, library_id: int) -> HttpResponse:
    library = _own_library(request, library_id)
    state = library_state(library)
    form = LibrarySettingsForm(
        initial={
            "display_name": library.display_name,
            "sync_enabled": library.sync_enabled,
            "sync_interval_hours": library.sync_interval_hours,
        },
        interval=library.sync_interval_hours,
    )
    return render(
        request,
        "libraries/detail.html",
        {
            "library": state.library,
            "state": state,
            "history": [run_out(run) for run in sync_history(library)],
            "form": form,
        },
    )


@require_POST
def edit(request: PageRequest, library_id: int) -> HttpResponse:
    library = _own_library(request, library_id)
    form = LibrarySettingsForm(request.POST, interval=library.sync_interval_hours)
    if form.is_valid():
        data = form.cleaned_data
        try:
            update_library(
                library,
                display_name=data["display_name"],
                sync_enabled=data["sync_enabled"],
                sync_interval_hours=data["sync_interval_hours"],
            )
        except LibraryError as exc:
            form.add_error(None, exc.message)
        else:
            if not request.htmx:
                messages.success(request, "Library settings saved.")
                return redirect("libraries:detail", library_id=library.pk)
            response = render(
                request,
                "libraries/_settings_form.html",
                {"form": form, "library": library_out(library)},
            )
            return trigger_client_event(
                response, "gd:toast", {"kind": "success", "title": "Library settings saved"}
            )
    return render(
        request, "libraries/_settings_form.html", {"form": form, "library": library_out(library)}
    )


@require_POST
def sync(request: PageRequest, library_id: int) -> HttpResponse:
    """Sync now; from the rate-limit banner, retry a parked run at once."""
    library = _own_library(request, library_id)
    try:
        if request.POST.get("retry"):
            retry_now(library)
        else:
            request_sync(library, trigger="manual", force=bool(request.POST.get("force")))
    except SyncAlreadyRunning:
        if not request.htmx:
            messages.info(request, "A sync of this library is already running.")
    if request.htmx:
        return _status_fragment(request, library, request.POST.get("variant", ""))
    return redirect("libraries:detail", library_id=library.pk)


@require_GET
def sync_status(request: PageRequest, library_id: int) -> HttpResponse:
    """The sync fragment, rendered from the SyncRun row: what the page re-fetches on reconnect."""
    library = _own_library(request, library_id)
    return _status_fragment(request, library, request.GET.get("variant", ""))


@require_http_methods(["GET", "POST"])
def delete(request: PageRequest, library_id: int) -> HttpResponse:
    library = _own_library(request, library_id)
    if request.method == "POST":
        name = library.display_name
        delete_library(library)
        messages.success(request, f"Deleted {name} and its sync history.")
        return redirect("libraries:list")
    state = library_state(library)
    return render(request, "libraries/delete.html", {"library": state.library, "state": state})
