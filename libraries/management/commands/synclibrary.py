"""manage.py synclibrary <library-id> [--phase owned|details|achievements|all] [--force]

Runs the sync in the foreground, in this process, printing progress. Exits 0 when it succeeds;
otherwise prints one line saying why and exits 1, or 75 (EX_TEMPFAIL) when the platform asked us
to wait, in which case the run stays parked and a worker resumes it at the time given.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from libraries.models import Library, SyncRun
from libraries.services.sync import ALL_PHASES, SyncAlreadyRunning, perform_run, request_sync

EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Sync one library now, in the foreground, printing progress."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("library_id", type=int)
        parser.add_argument("--phase", choices=[*ALL_PHASES, "all"], default="all")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a sync already in progress and refetch data that is still fresh.",
        )

    def handle(self, *args: Any, library_id: int, phase: str, force: bool, **options: Any) -> None:
        library = Library.objects.select_related("platform").filter(pk=library_id).first()
        if library is None:
            raise CommandError(f"There is no library {library_id}.")
        try:
            run = request_sync(
                library, trigger=SyncRun.Trigger.CLI, phases=phase, force=force, enqueue=False
            )
        except SyncAlreadyRunning as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"Syncing {library} (run #{run.pk})")
        perform_run(run.pk, task_id=f"cli-{os.getpid()}", echo=self._print)
        run.refresh_from_db()
        if run.status == SyncRun.Status.SUCCEEDED:
            self.stdout.write(
                f"Done: {run.games_added} added, {run.games_updated} updated, "
                f"{run.games_unchanged} unchanged, {run.games_removed} removed; "
                f"{run.details_fetched} store pages, {run.achievements_synced} games' achievements"
                + (f", {run.errors} skipped" if run.errors else "")
                + "."
            )
            if run.error_message:  # a notice, e.g. achievements are private
                self.stdout.write(run.error_message)
            return
        if run.status == SyncRun.Status.RATE_LIMITED:
            raise CommandError(
                f"Rate limited until {run.retry_at:%Y-%m-%d %H:%M:%S} UTC; run #{run.pk} "
                "resumes then on its own when a worker is running.",
                returncode=EX_TEMPFAIL,
            )
        raise CommandError(_line(run.error_message or f"The sync ended as {run.status}."))

    def _print(self, message: dict[str, Any]) -> None:
        if message["status"] != SyncRun.Status.RUNNING or not message["total"]:
            return
        eta = f", about {message['eta_seconds']} s left" if message["eta_seconds"] else ""
        self.stdout.write(
            f"  {message['phase']}: {message['done']}/{message['total']} "
            f"({message['percent']}%){eta}"
        )
        self.stdout.flush()


def _line(text: str) -> str:
    return " ".join(text.split())
