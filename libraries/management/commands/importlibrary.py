"""manage.py importlibrary <format> PATH [--owner USERNAME] [--name NAME]

Imports a library file in the foreground: a GOG Galaxy database (galaxy), and the other file
sources in platforms/integrations/. Reads the whole file before writing anything; a file that is
not what the format reads exits non-zero with one sentence. The library id is the last line.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from libraries.management.commands.addlibrary import _owner
from libraries.models import SyncRun
from libraries.services.imports import import_file
from libraries.services.libraries import LibraryError
from libraries.services.sync import perform_run
from platforms import registry
from platforms.errors import UnreadableFile
from platforms.integrations.csv.reader import guess_mapping, header_of


class Command(BaseCommand):
    help = "Import a library from a file (prints the library id on its last line)."

    def add_arguments(self, parser: CommandParser) -> None:
        formats = [spec.code for spec in registry.file_integrations()]
        parser.add_argument("format", choices=formats, help=f"One of {', '.join(formats)}.")
        parser.add_argument("path", type=Path)
        parser.add_argument("--owner", help="Username of the owner (default: the first admin).")
        parser.add_argument("--name", help="A name for the library (default: from the file).")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help="csv only: which column feeds a field (default: guessed from the header).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        owner = _owner(options["owner"])
        try:
            reader_options = self._mapping(options["format"], path, options["map"])
            library, run, imported = import_file(
                owner,
                options["format"],
                path,
                name=options["name"],
                trigger=SyncRun.Trigger.CLI,
                enqueue=False,
                options=reader_options,
            )
        except LibraryError as exc:
            raise CommandError(exc.message) from None
        if run.status != SyncRun.Status.SUCCEEDED:  # an export restored is written at once
            perform_run(run.pk, task_id=f"cli-{os.getpid()}")
        run.refresh_from_db()
        if run.status != SyncRun.Status.SUCCEEDED:
            raise CommandError(" ".join((run.error_message or f"Ended as {run.status}.").split()))
        self.stderr.write(
            f"Imported {library} for {owner.get_username()}: {run.games_added} added, "
            f"{run.games_updated} updated, {run.games_unchanged} unchanged, "
            f"{run.games_removed} no longer in the file."
        )
        for what, why in imported.skipped[:20]:
            self.stderr.write(f"  left out {what}: {why}")
        if len(imported.skipped) > 20:
            self.stderr.write(f"  … and {len(imported.skipped) - 20} more left out.")
        self.stdout.write(str(library.pk))

    def _mapping(self, source: str, path: Path, pairs: list[str]) -> dict[str, Any] | None:
        """csv: the guessed mapping with the --map choices over it, printed; else None."""
        if source != "csv":
            if pairs:
                raise CommandError("--map is for the csv format only.")
            return None
        try:
            header, _ = header_of(path)
        except UnreadableFile as exc:
            raise CommandError(exc.message) from None
        mapping = guess_mapping(header)
        for pair in pairs:
            field, separator, column = pair.partition("=")
            if not separator:
                raise CommandError(f"--map takes FIELD=COLUMN, not {pair!r}.")
            mapping[field.strip()] = column.strip()
        for field, column in mapping.items():
            self.stderr.write(f"  {field} ← {column}")
        return {"mapping": mapping}
