"""manage.py restore PATH: replace the database and the DATA_DIR keys with a backup's."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gamedjinn.backup import BackupError, inspect, restore


class Command(BaseCommand):
    help = (
        "Restore a `manage.py backup` archive: checks it whole first (checksums, format, engine, "
        "schema), then replaces every row and the DATA_DIR keys."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--yes",
            "--no-input",
            "--noinput",
            action="store_true",
            dest="yes",
            help="do not ask for confirmation",
        )

    def handle(self, *args, **options):
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".gamedjinn-restore-", dir=settings.DATA_DIR) as d:
            try:
                plan = inspect(options["path"], Path(d))
            except BackupError as exc:
                raise CommandError(f"{exc} Nothing was changed.") from None
            self.stdout.write(plan.describe())
            if plan.older_schema:
                self.stdout.write("The backup predates this version; it is migrated forward after.")
            if not options["yes"]:
                answer = input("Type 'yes' to replace them: ")
                if answer.strip().lower() != "yes":
                    raise CommandError("Restore cancelled. Nothing was changed.")
            try:
                restore(plan)
            except BackupError as exc:
                raise CommandError(f"{exc} Nothing was changed.") from None
        self.stdout.write(
            "Restored. Restart every Game Djinn process (web, worker, beat, MCP) so they load "
            "the restored keys."
        )
