"""Libraries imported from a file (a GOG Galaxy database, a launcher's library files).

A file source is a library like an account: importing creates (or, for the same account's newer
file, updates) the library and requests a sync run, and the run's owned phase reads the stored
copy through the source's reader, so progress, history, removed-entry flags and every door work
as they do for accounts. The uploaded file is copied under DATA_DIR/imports (owner-only), read
before anything is written — a file that is not what the source reads gets one sentence and
leaves nothing behind — and the copy of the previous import is removed once the new one is in.
"""

from __future__ import annotations

import importlib
import logging
import os
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from libraries.models import Library, SyncRun
from libraries.services.libraries import LibraryError, platform_client_for, spec_for
from platforms.contract import ImportedFile, IntegrationSpec, Kind
from platforms.errors import UnreadableFile
from platforms.models import Platform
from platforms.records import OwnedGame

logger = logging.getLogger(__name__)


def imports_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def client_for_run(library: Library, spec: IntegrationSpec) -> Any:
    """What a run reads its library from: the store's client, or the stored file's reader."""
    if spec.kind is Kind.ACCOUNT:
        return platform_client_for(library)
    return StoredFile(spec, library)


class StoredFile:
    """A file library's last upload, read the way a store client is asked for its owned list."""

    def __init__(self, spec: IntegrationSpec, library: Library) -> None:
        self._spec = spec
        self._library = library

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        pass

    def get_owned_games(self, account_id: str) -> list[OwnedGame]:
        name = (self._library.credentials or {}).get("file", "")
        path = imports_dir() / Path(name).name if name else None
        if path is None or not path.is_file():
            raise UnreadableFile(
                f"The uploaded {self._spec.name} file is gone from the server; upload it again."
            )
        imported = read_file(self._spec, path, (self._library.credentials or {}).get("options"))
        if imported.account_id != account_id:
            raise UnreadableFile(
                f"The stored {self._spec.name} file belongs to another account; upload it again."
            )
        return imported.owned


def read_file(
    spec: IntegrationSpec, path: Path, options: Mapping[str, Any] | None = None
) -> ImportedFile:
    """Read PATH with the source's reader; OPTIONS (a CSV column mapping) go to the reader.

    The last stored copy read is remembered, so the run that follows an upload in the same
    process does not read a large file twice. A stored copy is never changed after it was
    written (each upload gets a new name), so this cannot go stale."""
    key = (path, tuple(sorted((options or {}).items())))
    with _last_read_lock:
        if _last_read is not None and _last_read[0] == key:
            return _last_read[1]
    reader: Callable[..., ImportedFile] = spec.load_client_factory()
    imported = reader(path, **options) if options else reader(path)
    if path.parent == imports_dir():
        _remember(key, imported)
    return imported


_last_read: tuple[tuple[Path, tuple[Any, ...]], ImportedFile] | None = None
_last_read_lock = threading.Lock()


def _remember(key: tuple[Path, tuple[Any, ...]], imported: ImportedFile) -> None:
    global _last_read
    with _last_read_lock:
        _last_read = (key, imported)


def file_spec(source_code: str) -> IntegrationSpec:
    spec = spec_for(source_code)
    if spec.kind is not Kind.FILE:
        raise LibraryError(f"{spec.name} libraries are added by signing in, not from a file.")
    return spec


def import_file(
    owner: User,
    source_code: str,
    path: Path,
    *,
    name: str | None = None,
    trigger: str = SyncRun.Trigger.UPLOAD,
    enqueue: bool = True,
    options: Mapping[str, Any] | None = None,
) -> tuple[Library, SyncRun, ImportedFile]:
    """Check and keep a copy of the file at ``path``, make or update ``owner``'s library for its
    account, and request the run that imports it. Raises LibraryError with one sentence (and
    keeps nothing) when the file is not what the source reads."""
    from libraries.services.sync import request_sync

    spec = file_spec(source_code)
    suffix = spec.accepts[0] if spec.accepts else ""
    stored = imports_dir() / f"{spec.code}-{uuid.uuid4().hex}{suffix}"
    try:
        _copy_private(path, stored)
        imported = _read_checked(spec, stored, options)
    except LibraryError:
        stored.unlink(missing_ok=True)
        raise
    if imported.restore is not None:
        # Our own export restores several libraries: it is written at once, not by a run.
        stored.unlink(missing_ok=True)
        return _restore(owner, imported, trigger)
    credentials: dict[str, Any] = {"file": stored.name}
    if options:
        credentials["options"] = dict(options)

    platform = Platform.objects.get(code=spec.code)
    previous = ""
    try:
        with transaction.atomic():
            library = (
                Library.objects.select_for_update()
                .filter(owner=owner, platform=platform, user_identifier=imported.account_id)
                .first()
            )
            if library is None:
                library = Library.objects.create(
                    owner=owner,
                    platform=platform,
                    user_identifier=imported.account_id,
                    display_name=(name or "").strip()[:128] or imported.display_name[:128],
                    credentials=credentials,
                    # A file does not change by itself: it is refreshed by uploading it again.
                    sync_enabled=False,
                )
            else:
                previous = (library.credentials or {}).get("file", "")
                library.credentials = credentials
                fields = ["credentials"]
                if name and name.strip():
                    library.display_name = name.strip()[:128]
                    fields.append("display_name")
                library.save(update_fields=fields)
            # A newer upload replaces a run still reading the previous one.
            run = request_sync(library, trigger=trigger, force=True, enqueue=enqueue)
            if previous and previous != stored.name:
                transaction.on_commit(lambda: (imports_dir() / Path(previous).name).unlink(True))
    except BaseException:
        stored.unlink(missing_ok=True)
        raise
    logger.info(
        "Imported a %s file as library %s for user %s (%d entries, %d left out)",
        spec.code,
        library.pk,
        owner.pk,
        len(imported.owned),
        len(imported.skipped),
    )
    return library, run, imported


def _restore(
    owner: User, imported: ImportedFile, trigger: str
) -> tuple[Library, SyncRun, ImportedFile]:
    """Restore an export (libraries.services.restore) in one transaction, and record a finished
    run per library so its history says what the import did. Returns the first library."""
    from django.utils import timezone

    from libraries.services.restore import restore_export

    now = timezone.now()
    with transaction.atomic():
        restored = restore_export(owner, imported.restore)
        if not restored.libraries:
            raise LibraryError(
                "No library in this export can be restored here: "
                + "; ".join(f"{what}: {why}" for what, why in restored.skipped[:3])
                + "."
            )
        runs = [
            SyncRun.objects.create(
                library=library,
                status=SyncRun.Status.SUCCEEDED,
                phase=SyncRun.Phase.OWNED,
                phases=[SyncRun.Phase.OWNED],
                trigger=trigger,
                done=counts.added + counts.updated + counts.unchanged,
                total=counts.added + counts.updated + counts.unchanged,
                games_added=counts.added,
                games_updated=counts.updated,
                games_unchanged=counts.unchanged,
                games_removed=counts.removed,
                started_at=now,
                finished_at=timezone.now(),
            )
            for library, counts in restored.libraries
        ]
    from games.search import refresh_search_index

    refresh_search_index()
    logger.info(
        "Restored a Game Djinn export as %d libraries for user %s",
        len(restored.libraries),
        owner.pk,
    )
    result = ImportedFile(
        account_id=imported.account_id,
        display_name=imported.display_name,
        owned=imported.owned,
        skipped=restored.skipped,
        restore=imported.restore,
    )
    return restored.libraries[0][0], runs[0], result


def _read_checked(
    spec: IntegrationSpec, path: Path, options: Mapping[str, Any] | None = None
) -> ImportedFile:
    """read_file, with every way a file can be unreadable turned into one LibraryError."""
    try:
        return read_file(spec, path, options)
    except UnreadableFile as exc:
        raise LibraryError(exc.message) from None
    except UnicodeDecodeError:
        raise LibraryError(f"The {spec.name} file is not UTF-8 text; save it as UTF-8.") from None
    except OSError as exc:
        raise LibraryError(f"The file could not be read ({exc.strerror or 'I/O error'}).") from None


@dataclass(frozen=True)
class ImportPreview:
    """What importing a file would do, computed without writing anything."""

    source: str
    library_name: str
    library_id: int | None  # None: the import would make a new library
    new: int
    updated: int
    unchanged: int
    removed: int  # entries of the library the file no longer lists
    skipped: list[tuple[str, str]]
    # An export restoring several libraries: library_name lists them.
    several: bool = False

    @property
    def skipped_count(self) -> int:
        return len(self.skipped)


def preview_file(
    owner: User,
    source_code: str,
    path: Path,
    *,
    name: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> ImportPreview:
    """import_file's outcome (n new, n updated, n skipped and why) without writing anything:
    the owned phase runs on the file's records inside a transaction that is rolled back, so the
    counts are exactly what the import would report, user edits and all."""
    from libraries.services.phases.owned import import_owned_games

    spec = file_spec(source_code)
    imported = _read_checked(spec, path, options)
    if imported.restore is not None:
        return _preview_restore(owner, spec, imported)
    platform = Platform.objects.get(code=spec.code)
    with transaction.atomic():
        library = Library.objects.filter(
            owner=owner, platform=platform, user_identifier=imported.account_id
        ).first()
        existing_id = library.pk if library else None
        if library is None:
            library = Library.objects.create(
                owner=owner,
                platform=platform,
                user_identifier=imported.account_id,
                display_name=(name or "").strip()[:128] or imported.display_name[:128],
                sync_enabled=False,
            )
        counts = import_owned_games(library, imported.owned)
        transaction.set_rollback(True)
    return ImportPreview(
        source=spec.code,
        library_name=library.display_name,
        library_id=existing_id,
        new=counts.added,
        updated=counts.updated,
        unchanged=counts.unchanged,
        removed=counts.removed,
        skipped=list(imported.skipped),
    )


@dataclass(frozen=True)
class ColumnsPreview:
    """A column-mapped file's first rows under a mapping, for the user to check or change it."""

    header: list[str]
    rows: list[list[str]]  # the first rows' cells, in the header's order
    fields: list[tuple[str, str, str]]  # (our field, its label, the column chosen or "")
    mapping: dict[str, str]  # the choices that name a column
    problem: str  # "" or the one sentence that says why the mapping cannot be used


def maps_columns(spec: IntegrationSpec) -> bool:
    return bool(spec.column_mapping)


def preview_columns(
    spec: IntegrationSpec, path: Path, mapping: Mapping[str, str] | None = None
) -> ColumnsPreview:
    """The file's header and first rows with MAPPING (default: guessed from the header).
    Raises LibraryError when the file cannot be read at all."""
    module = importlib.import_module(spec.column_mapping)
    try:
        header, first = module.header_of(path)
    except UnreadableFile as exc:
        raise LibraryError(exc.message) from None
    chosen = dict(module.guess_mapping(header) if mapping is None else mapping)
    chosen = {field: column for field, column in chosen.items() if column}
    problem = ""
    try:
        module.check_mapping(header, chosen)
    except UnreadableFile as exc:
        problem = exc.message
    labels: Mapping[str, str] = module.FIELD_LABELS
    return ColumnsPreview(
        header=header,
        rows=[[row.cells.get(column, "") for column in header] for row in first],
        fields=[(field, label, chosen.get(field, "")) for field, label in labels.items()],
        mapping=chosen,
        problem=problem,
    )


# A staged upload nobody confirmed or cancelled is removed after this long.
STAGED_FOR = timedelta(days=1)


def _preview_restore(owner: User, spec: IntegrationSpec, imported: ImportedFile) -> ImportPreview:
    from libraries.services.restore import restore_export

    with transaction.atomic():
        restored = restore_export(owner, imported.restore)
        transaction.set_rollback(True)
    known = [library for library, _ in restored.libraries if library.pk]
    return ImportPreview(
        source=spec.code,
        library_name=", ".join(library.display_name for library in known),
        library_id=None,
        new=sum(counts.added for _, counts in restored.libraries),
        updated=sum(counts.updated for _, counts in restored.libraries),
        unchanged=sum(counts.unchanged for _, counts in restored.libraries),
        removed=sum(counts.removed for _, counts in restored.libraries),
        skipped=restored.skipped,
        several=True,
    )


def stage_upload(owner: User, source_code: str, upload: UploadedFile) -> str:
    """Keep an upload aside (owner-only, under DATA_DIR) until the user confirms its import;
    returns the token that names it. Nothing else is written."""
    spec = file_spec(source_code)
    _drop_stale_staged()
    token = f"{owner.pk}-{spec.code}-{uuid.uuid4().hex}"
    target = staged_path(owner, token)
    temporary = getattr(upload, "temporary_file_path", None)
    if temporary is not None:
        _copy_private(Path(temporary()), target)
    else:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
    return token


def staged_path(owner: User, token: str) -> Path:
    """The staged upload TOKEN names; only its owner's tokens resolve (else LibraryError)."""
    if not token.startswith(f"{owner.pk}-") or not token.replace("-", "").isalnum():
        raise LibraryError("That upload is not yours or has expired; upload the file again.")
    folder = imports_dir() / "staged"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder / token


def discard_staged(owner: User, token: str) -> None:
    staged_path(owner, token).unlink(missing_ok=True)


def staged_file(owner: User, source_code: str, token: str) -> Path:
    """The staged upload of SOURCE_CODE that TOKEN names, still there (else LibraryError)."""
    spec = file_spec(source_code)
    path = staged_path(owner, token)
    if not token.startswith(f"{owner.pk}-{spec.code}-") or not path.is_file():
        raise LibraryError("That upload is not yours or has expired; upload the file again.")
    return path


def import_staged(
    owner: User,
    source_code: str,
    token: str,
    *,
    name: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> tuple[Library, SyncRun, ImportedFile]:
    """The user confirmed the preview: import the staged upload, then let the staged copy go."""
    path = staged_file(owner, source_code, token)
    result = import_file(owner, source_code, path, name=name, options=options)
    path.unlink(missing_ok=True)
    return result


def _drop_stale_staged() -> None:
    folder = imports_dir() / "staged"
    if not folder.is_dir():
        return
    oldest = time.time() - STAGED_FOR.total_seconds()
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < oldest:
                path.unlink(missing_ok=True)
        except OSError:
            continue  # another process removed it first


def import_uploaded_file(
    owner: User, source_code: str, upload: UploadedFile, *, name: str | None = None
) -> tuple[Library, SyncRun, ImportedFile]:
    """import_file for an upload: from Django's temporary file, or a small one kept in memory."""
    spec = file_spec(source_code)
    temporary = getattr(upload, "temporary_file_path", None)
    if temporary is not None:
        return import_file(owner, spec.code, Path(temporary()), name=name)
    with tempfile.NamedTemporaryFile(suffix=spec.accepts[0] if spec.accepts else "") as copy:
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        return import_file(owner, spec.code, Path(copy.name), name=name)


def _copy_private(source: Path, target: Path) -> None:
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
        shutil.copyfileobj(src, out, length=1024 * 1024)
