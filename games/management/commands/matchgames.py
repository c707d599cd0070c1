"""manage.py matchgames [--dry-run] [--owner USERNAME]

Re-matches the whole household's releases (or one owner's) across stores: prints each join and
suggestion with its evidence, one line each, then a summary. With --dry-run nothing is written.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from games.services.matching import match_releases, releases_of_owner


class Command(BaseCommand):
    help = "Match releases of different stores that are one game (joins and suggestions)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would happen; write nothing."
        )
        parser.add_argument("--owner", help="Only this user's releases (default: everyone's).")

    def handle(self, *args: Any, **options: Any) -> None:
        release_ids = None
        if options["owner"]:
            owner = get_user_model().objects.filter(username=options["owner"]).first()
            if owner is None:
                raise CommandError(f"There is no user named {options['owner']}.")
            release_ids = releases_of_owner(owner)
        report = match_releases(release_ids, dry_run=options["dry_run"])
        for decision in report.joins + report.suggestions:
            self.stdout.write(report.describe(decision))
        if report.dry_run:
            summary = (
                f"Dry run: would join {len(report.joins)} pair(s) and suggest "
                f"{len(report.suggestions)}; nothing was written."
            )
        else:
            summary = (
                f"Joined {len(report.joins)} pair(s) ({report.merged_games} game(s) merged "
                f"away) and suggested {len(report.suggestions)}."
            )
        self.stdout.write(summary)
