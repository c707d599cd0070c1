"""manage.py addlibrary steam <steamid64|vanity|profile-url> [--api-key KEY] [--name NAME] [--owner USER]"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from libraries.services.libraries import PLATFORM_CLIENTS, LibraryError, add_library


class Command(BaseCommand):
    help = (
        "Add a library after checking the account against the platform (key, account, privacy). "
        "Prints the new library's id on stdout."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("platform", choices=sorted(PLATFORM_CLIENTS), help="e.g. steam")
        parser.add_argument(
            "identifier", help="A SteamID64, a Steam custom URL name, or a profile URL."
        )
        parser.add_argument(
            "--api-key",
            help="The library's own Web API key (stored encrypted). Default: STEAM_API_KEY.",
        )
        parser.add_argument("--name", help="A name for the library (default: the persona name).")
        parser.add_argument("--owner", help="Username of the owner (default: the first admin).")

    def handle(self, *args: Any, **options: Any) -> None:
        owner = _owner(options["owner"])
        try:
            library = add_library(
                owner,
                options["platform"],
                options["identifier"],
                api_key=options["api_key"],
                display_name=options["name"],
            )
        except LibraryError as exc:
            raise CommandError(exc.message) from None
        self.stderr.write(
            f"Added {library} for {owner.get_username()} (account {library.user_identifier})."
        )
        self.stdout.write(str(library.pk))


def _owner(username: str | None):
    users = get_user_model().objects
    if username:
        owner = users.filter(username=username).first()
        if owner is None:
            raise CommandError(f"There is no user named '{username}'.")
        return owner
    owner = users.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if owner is None:
        raise CommandError("There is no admin yet; start Game Djinn once or pass --owner.")
    return owner
