"""manage.py backup [PATH]: the database and the DATA_DIR keys in one archive (mode 0600)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gamedjinn.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database and the DATA_DIR keys into one archive (default: "
        "DATA_DIR/backups/gamedjinn-YYYYmmdd-HHMMSS.tar.gz). Prints the archive's path last."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", type=Path, help="where to write the archive")

    def handle(self, *args, **options):
        try:
            result = backup(options["path"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        manifest = result.manifest
        games = manifest.row_counts.get("games_game", 0)
        self.stdout.write(
            f"Backed up {len(manifest.row_counts)} tables ({games} games) of the "
            f"{manifest.engine} database and {len(manifest.members) - _database_files(manifest)} "
            "key file(s)."
        )
        for name in manifest.keys_from_environment:
            self.stdout.write(
                f"{name} comes from the environment and is not in the archive: keep it with "
                "the backup."
            )
        self.stdout.write(str(result.path))


def _database_files(manifest) -> int:
    return sum(1 for name in manifest.members if name.startswith("database/"))
