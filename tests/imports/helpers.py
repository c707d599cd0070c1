"""Shared steps of the import tests: import a file through the service and run its sync."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from libraries.models import Library, LibraryGame, SyncRun
from libraries.services.imports import import_file
from libraries.services.sync import perform_run


def run_import(owner, source: str, path: Path, **options: Any) -> tuple[Library, SyncRun, Any]:
    library, run, imported = import_file(owner, source, path, enqueue=False, **options)
    perform_run(run.pk)
    run.refresh_from_db()
    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    return library, run, imported


def entries(library: Library) -> dict[tuple[str, str], LibraryGame]:
    return {
        (entry.release.platform.code, entry.release.external_id): entry
        for entry in LibraryGame.objects.filter(library=library).select_related(
            "release__platform", "release__game"
        )
    }
