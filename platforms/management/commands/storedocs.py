"""`manage.py storedocs`: rewrite docs/stores.md from the stores' specs; `--check` only
reports whether it is up to date (exit 1 when not)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from platforms.docs import DOC_PATH, render


class Command(BaseCommand):
    help = "Regenerate docs/stores.md from platforms/integrations/*/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Fail if the file is out of date.")

    def handle(self, *args: Any, check: bool, **options: Any) -> None:
        wanted = render()
        current = DOC_PATH.read_text() if DOC_PATH.exists() else ""
        if check:
            if wanted != current:
                raise CommandError(f"{DOC_PATH} is out of date; run manage.py storedocs.")
            self.stdout.write(f"{DOC_PATH} is up to date.")
            return
        DOC_PATH.write_text(wanted)
        self.stdout.write(f"Wrote {DOC_PATH}.")
