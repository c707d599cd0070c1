"""`manage.py mcpdocs`: rewrite the tool reference in docs/mcp.md from the tool schemas.
`--check` only reports whether it is up to date (exit 1 when not), for CI."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from mcp_bridge.docs import DOC_PATH, render


class Command(BaseCommand):
    help = "Regenerate the MCP tool reference in docs/mcp.md from the tool schemas."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--check", action="store_true", help="Fail if the file is out of date.")

    def handle(self, *args, check: bool, **options) -> None:
        current = DOC_PATH.read_text()
        wanted = render(current)
        if check:
            if wanted != current:
                raise CommandError(f"{DOC_PATH} is out of date; run manage.py mcpdocs.")
            self.stdout.write(f"{DOC_PATH} is up to date.")
        elif wanted != current:
            DOC_PATH.write_text(wanted)
            self.stdout.write(f"Wrote the tool reference to {DOC_PATH}.")
        else:
            self.stdout.write(f"{DOC_PATH} was already up to date.")
