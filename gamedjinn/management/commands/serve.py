"""Start Game Djinn: migrate, ensure the admin, run the ASGI server (and, embedded, the worker)."""

from __future__ import annotations

import gc

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from gamedjinn.auth import ensure_admin


class Command(BaseCommand):
    help = "Migrate, create the first admin if needed, and serve HTTP + WebSockets with daphne."

    def add_arguments(self, parser):
        parser.add_argument(
            "--host", default="0.0.0.0", help="Interface to bind (default 0.0.0.0)."
        )
        parser.add_argument(
            "--port", type=int, default=settings.WEB_PORT, help="Port (default WEB_PORT)."
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Embedded mode only: do not start the in-process Celery worker and beat.",
        )

    def handle(self, *args, host: str, port: int, no_worker: bool, **options):
        call_command("migrate", interactive=False, verbosity=0)
        ensure_admin(stdout=self.stdout)
        embedded = None
        if settings.EMBEDDED_MODE and not no_worker:
            from gamedjinn.embedded import EmbeddedCelery

            embedded = EmbeddedCelery()
            embedded.start()
            self._recover_interrupted_syncs()
        mode = (
            "embedded (SQLite, in-process worker)"
            if settings.EMBEDDED_MODE
            else "production (web only)"
        )
        self.stdout.write(
            f"Game Djinn is starting in {mode} mode: http://{host}:{port} (public URL {settings.PUBLIC_URL})"
        )
        self.stdout.flush()

        from daphne.cli import CommandLineInterface

        # Everything imported so far lives as long as the process: keep it out of the collector's
        # full passes, which otherwise stall a request for ~50 ms now and then.
        gc.collect()
        gc.freeze()

        try:
            CommandLineInterface().run(
                ["--bind", host, "--port", str(port), "gamedjinn.asgi:application"]
            )
        finally:
            if embedded is not None:
                embedded.stop()

    def _recover_interrupted_syncs(self) -> None:
        try:
            from libraries.services.recovery import resume_interrupted_runs
        except ImportError:
            return
        resumed = resume_interrupted_runs()
        if resumed:
            self.stdout.write(f"Resumed {resumed} interrupted sync(s).")
