"""Back up and restore a whole install: the database and the keys in DATA_DIR, in one archive.

The archive is a gzipped tar whose first member, ``manifest.json``, names the format and version,
the engine, the migrations applied per app, the row count of every table and the sha256 of every
other member. Restore checks all of it before it touches anything.

SQLite is copied with the online backup API, so a running server is fine, and restored the same
way into the live file. PostgreSQL is copied table by table with COPY inside one REPEATABLE READ
transaction (a consistent snapshot with the ids kept), and restored in one transaction: pg_dump
would have to match the server's major version, and the image's Debian client (15) does not
match the compose file's server (16). Cross-engine restore is refused: the JSON export moves a
library between engines.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
import tomllib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

FORMAT = "gamedjinn-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/gamedjinn.sqlite3"
KEY_FILES = ("secret_key", "field_keys")
_CHUNK = 1 << 20


class BackupError(Exception):
    """Why a backup or restore cannot go ahead; one sentence for the person running it."""


@dataclass
class Manifest:
    created_at: str
    app_version: str
    engine: str
    migrations: dict[str, list[str]]
    row_counts: dict[str, int]
    members: dict[str, str] = field(default_factory=dict)
    tables: dict[str, list[str]] = field(default_factory=dict)
    keys_from_environment: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "format_version": FORMAT_VERSION, **self.__dict__}


@dataclass
class BackupResult:
    path: Path
    manifest: Manifest


def app_version() -> str:
    try:
        with open(settings.BASE_DIR / "pyproject.toml", "rb") as handle:
            return str(tomllib.load(handle)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def engine() -> str:
    return connection.vendor  # "sqlite" or "postgresql"


def default_path() -> Path:
    return settings.DATA_DIR / "backups" / f"gamedjinn-{timezone.now():%Y%m%d-%H%M%S}.tar.gz"


def _applied_migrations() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        applied: dict[str, list[str]] = {}
        for app, name in cursor.fetchall():
            applied.setdefault(app, []).append(name)
    return applied


def _tables() -> list[str]:
    return sorted(connection.introspection.table_names())


def _row_counts(tables: list[str]) -> dict[str, int]:
    quote = connection.ops.quote_name
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@contextlib.contextmanager
def _snapshot() -> Iterator[None]:
    """One consistent view of the database for every statement of the backup."""
    if connection.in_atomic_block or engine() != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


# --- backup ----------------------------------------------------------------------------------


def backup(path: Path | None = None) -> BackupResult:
    """Write the database and the DATA_DIR keys to PATH (default: DATA_DIR/backups/…), mode 0600."""
    path = Path(path) if path else default_path()
    if path.exists() and path.is_dir():
        raise BackupError(f"{path} is a folder; give the archive's file name.")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".gamedjinn-backup-", dir=path.parent) as staging:
        stage = Path(staging)
        with _snapshot():
            manifest = Manifest(
                created_at=timezone.now().isoformat(),
                app_version=app_version(),
                engine=engine(),
                migrations=_applied_migrations(),
                row_counts=_row_counts(_tables()),
            )
            if manifest.engine == "sqlite":
                _dump_sqlite(stage / SQLITE_MEMBER)
            else:
                manifest.tables = _dump_postgresql(stage, list(manifest.row_counts))
        _stage_keys(stage, manifest)
        for member in sorted(p for p in stage.rglob("*") if p.is_file()):
            manifest.members[member.relative_to(stage).as_posix()] = _sha256(member)
        _write_archive(path, stage, manifest)
    return BackupResult(path=path, manifest=manifest)


def _dump_sqlite(target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()


def _dump_postgresql(stage: Path, tables: list[str]) -> dict[str, list[str]]:
    quote = connection.ops.quote_name
    columns: dict[str, list[str]] = {}
    (stage / "database").mkdir(parents=True, exist_ok=True)
    connection.ensure_connection()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for table in tables:
            description = connection.introspection.get_table_description(cursor, table)
            columns[table] = [column.name for column in description]
            names = ", ".join(quote(name) for name in columns[table])
            with (
                open(stage / "database" / f"{table}.copy", "wb") as out,
                raw.copy(f"COPY {quote(table)} ({names}) TO STDOUT") as copy,
            ):
                for block in copy:
                    out.write(block)
    return columns


def _stage_keys(stage: Path, manifest: Manifest) -> None:
    (stage / "keys").mkdir()
    for name in KEY_FILES:
        source = settings.DATA_DIR / name
        if source.is_file():
            shutil.copyfile(source, stage / "keys" / name)
    if os.environ.get("SECRET_KEY") or os.environ.get("SECRET_KEY_FILE"):
        manifest.keys_from_environment.append("SECRET_KEY")
    if os.environ.get("FIELD_ENCRYPTION_KEYS") or os.environ.get("FIELD_ENCRYPTION_KEYS_FILE"):
        manifest.keys_from_environment.append("FIELD_ENCRYPTION_KEYS")


def _write_archive(path: Path, stage: Path, manifest: Manifest) -> None:
    partial = path.with_name(f".{path.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with (
            os.fdopen(fd, "wb") as handle,
            tarfile.open(fileobj=handle, mode="w:gz", compresslevel=6) as tar,
        ):
            body = json.dumps(manifest.to_json(), indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(body), 0o600, int(timezone.now().timestamp())
            tar.addfile(info, io.BytesIO(body))
            for name in manifest.members:
                tar.add(stage / name, arcname=name, recursive=False, filter=_private)
        os.chmod(partial, 0o600)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _private(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
    return info


# --- restore ---------------------------------------------------------------------------------


@dataclass
class Plan:
    """A checked archive, unpacked into a private folder, ready to replace the install's data."""

    manifest: Manifest
    folder: Path
    older_schema: bool

    def describe(self) -> str:
        games = self.manifest.row_counts.get("games_game", 0)
        tables = len(self.manifest.row_counts)
        database = settings.DATABASES["default"]["NAME"]
        return (
            f"This replaces every row of every table of the {engine()} database {database!r} and "
            f"the keys in {settings.DATA_DIR} with the backup made {self.manifest.created_at} "
            f"by Game Djinn {self.manifest.app_version} ({tables} tables, {games} games)."
        )


def inspect(path: Path, into: Path) -> Plan:
    """Check PATH completely (format, checksums, engine, schema) and unpack it INTO a folder.

    Nothing outside INTO is touched, so a refused archive changes nothing."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file.")
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            manifest = _read_manifest(tar)
            wanted = dict(manifest.members)
            for info in tar:
                if info.name == MANIFEST:
                    continue
                expected = wanted.pop(info.name, None)
                if expected is None or not info.isfile():
                    raise BackupError(
                        f"The archive holds {info.name!r}, which its manifest does not list; "
                        "it was altered after the backup."
                    )
                target = into / info.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                source = tar.extractfile(info)
                assert source is not None  # a regular file, checked above
                with open(target, "wb") as out:
                    while chunk := source.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                if digest.hexdigest() != expected:
                    raise BackupError(
                        f"The archive is damaged: {info.name} does not match its checksum."
                    )
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise BackupError(f"The archive is damaged or truncated ({_reason(exc)}).") from None
    if wanted:
        raise BackupError(
            f"The archive is incomplete: {', '.join(sorted(wanted))} is missing (truncated?)."
        )
    if manifest.engine != engine():
        raise BackupError(
            f"This archive holds a {manifest.engine} database and this install uses {engine()}; "
            "restore it into an install on the same engine (move a library across engines with "
            "the JSON export)."
        )
    older = _check_schema(manifest.migrations)
    return Plan(manifest=manifest, folder=into, older_schema=older)


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def _read_manifest(tar: tarfile.TarFile) -> Manifest:
    first = tar.next()
    if first is None or first.name != MANIFEST or not first.isfile():
        raise BackupError("This is not a Game Djinn backup (it has no manifest).")
    handle = tar.extractfile(first)
    try:
        data = json.loads(handle.read() if handle else b"")
    except ValueError:
        raise BackupError("The archive's manifest is damaged.") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError("This is not a Game Djinn backup (its manifest is someone else's).")
    if data.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"This backup has format version {data.get('format_version')!r}, which this Game "
            f"Djinn ({app_version()}, format {FORMAT_VERSION}) does not know; restore it with "
            "the version that made it."
        )
    try:
        return Manifest(
            created_at=str(data["created_at"]),
            app_version=str(data["app_version"]),
            engine=str(data["engine"]),
            migrations={str(k): list(v) for k, v in data["migrations"].items()},
            row_counts={str(k): int(v) for k, v in data["row_counts"].items()},
            members={str(k): str(v) for k, v in data["members"].items()},
            tables={str(k): list(v) for k, v in data.get("tables", {}).items()},
            keys_from_environment=list(data.get("keys_from_environment", [])),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        raise BackupError("The archive's manifest is damaged (a field is missing).") from None


def _check_schema(archived: dict[str, list[str]]) -> bool:
    """Refuse an archive from a newer schema; say whether it is from an older one."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(
        f"{app}.{name}" for app, names in archived.items() for name in names
        if (app, name) not in known
    )  # fmt: skip
    if unknown:
        raise BackupError(
            f"This backup comes from a newer Game Djinn (migration {unknown[0]} is unknown "
            "here); upgrade this install first, then restore."
        )
    return {(a, n) for a, names in archived.items() for n in names} != {
        (a, n) for a, names in _applied_migrations().items() for n in names
    }


def restore(plan: Plan) -> None:
    """Replace the database and the DATA_DIR keys with the checked archive's, then migrate an
    archive from an older schema forward."""
    if plan.manifest.engine == "sqlite":
        _restore_sqlite(plan)
    else:
        _restore_postgresql(plan)
    _restore_keys(plan.folder / "keys")
    if plan.older_schema:
        call_command("migrate", interactive=False, verbosity=0)


def _restore_sqlite(plan: Plan) -> None:
    source_path = plan.folder / SQLITE_MEMBER
    source = sqlite3.connect(source_path)
    try:
        check = source.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"The archived database fails SQLite's integrity check ({check}).")
        _check_counts(source.cursor(), plan.manifest.row_counts, '"')
        connection.ensure_connection()
        # Into the live file through SQLite itself: other processes keep working and see the
        # restored data, where replacing the file under them would leave them on the old inode.
        source.backup(connection.connection)
    finally:
        source.close()


def _check_counts(cursor: Any, expected: dict[str, int], quote_char: str) -> None:
    for table, count in expected.items():
        cursor.execute(f"SELECT COUNT(*) FROM {quote_char}{table}{quote_char}")
        found = cursor.fetchone()[0]
        if found != count:
            raise BackupError(
                f"The archive is inconsistent: table {table} holds {found} rows, its manifest "
                f"says {count}."
            )


def _restore_postgresql(plan: Plan) -> None:
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        if plan.older_schema:
            _rebuild_schema_at(plan.manifest.migrations)
        current = _tables()
        missing = sorted(set(plan.manifest.tables) - set(current))
        if missing:
            raise BackupError(f"This database has no table {missing[0]} to restore into.")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(
            "TRUNCATE " + ", ".join(quote(t) for t in current) + " RESTART IDENTITY CASCADE"
        )
        raw = cursor.cursor
        for table, columns in plan.manifest.tables.items():
            names = ", ".join(quote(name) for name in columns)
            with (
                open(plan.folder / "database" / f"{table}.copy", "rb") as source,
                raw.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy,
            ):
                while block := source.read(_CHUNK):
                    copy.write(block)
        _check_counts(cursor, plan.manifest.row_counts, '"')
        models = apps.get_models(include_auto_created=True)
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def _rebuild_schema_at(migrations: dict[str, list[str]]) -> None:
    """Drop every table and migrate from nothing to the archive's state, so its rows fit."""
    from django.db.migrations.executor import MigrationExecutor

    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(f"DROP TABLE IF EXISTS {quote(table)} CASCADE")
    executor = MigrationExecutor(connection)  # made after the drop: it sees nothing applied
    graph = executor.loader.graph
    targets: list[tuple[str, str | None]] = []
    for app in sorted({app for app, _ in graph.leaf_nodes()}):
        nodes = [(app, name) for name in migrations.get(app, []) if (app, name) in graph.nodes]
        # An app's applied migrations form a chain; its last is the one with the longest plan.
        last = max(nodes, key=lambda node: len(graph.forwards_plan(node)), default=None)
        targets.append(last or (app, None))
    executor.migrate(targets)


def _restore_keys(folder: Path) -> None:
    for name in KEY_FILES:
        source = folder / name
        if not source.is_file():
            continue
        target = settings.DATA_DIR / name
        partial = target.with_name(f".{name}.restoring")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(source.read_bytes())
        os.replace(partial, target)
