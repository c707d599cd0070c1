"""manage.py demo (make demo): Game Djinn with a household of local demo stores syncing live.

For a newcomer without store accounts. Starts platforms.integrations.steam.fake_server on
127.0.0.1 with a generated library, a little latency and compressed rate limits (so every phase
takes a few seconds and the progress is there to watch), and the loopback fake of every other
account store (GOG, Epic, Xbox, PlayStation, … — whichever folders have one), each owning some of
the Steam library's games too, so the household owns games on two or three stores. It points
each store's settings at its fake, adds a demo library per store for the first admin through the
real add_library, requests the syncs through the real request_sync, then serves the app exactly
as ``manage.py serve`` does.
"""

from __future__ import annotations

import importlib
import time
from contextlib import ExitStack
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gamedjinn.auth import ensure_admin
from gamedjinn.env import RateLimit
from libraries.models import Library, SyncRun
from libraries.services.libraries import LibraryError, add_library
from libraries.services.sync import request_sync
from platforms.integrations.steam.fake_server import FakeSteam, SteamWorld, generate_world
from platforms.registry import account_integrations

# Requests per second: a real Steam store allows 200 per 5 minutes, which would make a 200-game
# demo take five minutes; these keep each phase around ten to twenty seconds.
DEMO_STORE_LIMIT = RateLimit(15, 1)
DEMO_API_LIMIT = RateLimit(25, 1)
DEMO_LATENCY_SECONDS = 0.03


class Command(BaseCommand):
    help = "Serve Game Djinn with a local demo Steam server and a demo library syncing live."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--games", type=int, default=200, help="Games in the demo library.")
        parser.add_argument("--host", default="0.0.0.0", help="Interface to bind.")
        parser.add_argument("--port", type=int, default=settings.WEB_PORT, help="Web port.")

    def handle(self, *args: Any, games: int, host: str, port: int, **options: Any) -> None:
        if not settings.EMBEDDED_MODE:
            raise CommandError(
                "The demo runs in embedded mode (its Steam server lives in this process): "
                "unset REDIS_URL and DATABASE_URL, e.g. `make demo`."
            )
        call_command("migrate", interactive=False, verbosity=0)
        ensure_admin(stdout=self.stdout)
        admin = get_user_model().objects.filter(is_superuser=True).earliest("pk")

        world = generate_world(games, now=int(time.time()))
        fake = FakeSteam(world)
        fake.latency_seconds = DEMO_LATENCY_SECONDS
        # The fake enforces a store limit too, a little above ours, like a real upstream would.
        fake.set_rate_limit("store", (DEMO_STORE_LIMIT.requests + 2, DEMO_STORE_LIMIT.seconds))
        fake.start()
        # This process is the whole app (web, worker, beat), so settings changed here reach
        # every Steam client it builds.
        settings.STEAM_API_URL = settings.STEAM_STORE_URL = fake.url
        settings.STEAM_STORE_RATE_LIMIT = DEMO_STORE_LIMIT
        settings.STEAM_API_RATE_LIMIT = DEMO_API_LIMIT
        with ExitStack() as stores:
            stores.callback(fake.stop)
            try:
                run = self._start_demo_sync(admin, world)
                self.stdout.write(
                    f"\n  Demo Steam server: {fake.url} ({games} games, account '{world.vanity}')\n"
                    f"  Sync run #{run.pk} of '{run.library.display_name}' is under way: sign in "
                    f"as {admin.get_username()} at http://localhost:{port}/ to watch it,\n"
                    f"  or follow GET /api/libraries/runs/{run.pk}.\n"
                )
                for line in self._other_stores(admin, world, stores):
                    self.stdout.write(f"  {line}\n")
            except LibraryError as exc:
                raise CommandError(f"Could not add a demo library: {exc.message}") from None
            call_command("serve", host=host, port=port)

    def _other_stores(self, admin: User, world: SteamWorld, stores: ExitStack) -> list[str]:
        """Start every other account store's fake with a share of the Steam games plus games of
        its own, connect a library to it the way a user would, and start its sync."""
        steam_titles = [game["name"] for game in world.player.owned]
        own_titles = [game["name"] for game in generate_world(400, seed=99).player.owned]
        lines = []
        others = [spec for spec in account_integrations() if spec.fake and spec.code != "steam"]
        for index, spec in enumerate(others):
            fake = stores.enter_context(_load(spec.fake)())
            # Every store shares a slice of the Steam games (some with two or three stores) and
            # has forty of its own.
            shared = steam_titles[index * 15 : index * 15 + 30]
            fake.set_titles(shared + own_titles[index * 40 : index * 40 + 40])
            for name, value in fake.settings().items():
                setattr(settings, name, value)
            library = Library.objects.filter(owner=admin, platform__code=spec.code).first()
            if library is None:
                library = add_library(
                    admin, spec.code, fake.connect_values(), display_name=f"Demo {spec.name}"
                )
            run = request_sync(library, trigger=SyncRun.Trigger.MANUAL, force=True)
            lines.append(
                f"Demo {spec.name} server: {fake.url} (70 games; sync run #{run.pk} under way)"
            )
        return lines

    def _start_demo_sync(self, admin: User, world: SteamWorld) -> SyncRun:
        library = Library.objects.filter(
            owner=admin, platform__code="steam", user_identifier=world.steamid
        ).first()
        if library is None:
            library = add_library(
                admin,
                "steam",
                {"account": world.vanity, "api_key": world.api_key},
                display_name="Demo library",
            )
        # force: a demo started again still shows every phase at work.
        return request_sync(library, trigger=SyncRun.Trigger.MANUAL, force=True)


def _load(path: str) -> Any:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)
