"""`manage.py checkbeat`: the beat container's health probe. Exits 0 when the beat ticked recently."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from gamedjinn import health


class Command(BaseCommand):
    help = "Exit 0 if Celery beat recorded a tick recently, 1 (with the reason) if not."
    # A probe runs every 30 s: skip the system checks, the web process runs them.
    requires_system_checks: list[str] = []

    def handle(self, *args, **options):
        try:
            detail = health.check_beat()["detail"]
        except Exception as exc:
            raise CommandError(f"Celery beat is unhealthy: {exc}") from None
        self.stdout.write(f"Celery beat is healthy: {detail}.")
