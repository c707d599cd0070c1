"""manage.py addlibrary <platform> [ACCOUNT] [--set FIELD=VALUE ...] [--api-key KEY] [--name NAME] [--owner USER]"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from libraries.services.libraries import LibraryError, add_library
from platforms import registry


class Command(BaseCommand):
    help = (
        "Add a store account as a library after checking it with the store. Each store takes the "
        "fields of its add form (see --help-fields). Prints the new library's id on stdout."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        codes = [spec.code for spec in registry.account_integrations()]
        parser.add_argument("platform", choices=codes, help=f"One of {', '.join(codes)}.")
        parser.add_argument(
            "account",
            nargs="?",
            default="",
            help="The account, for stores that name one (Steam: a SteamID64, custom URL name or "
            "profile URL).",
        )
        parser.add_argument(
            "--set",
            dest="fields",
            action="append",
            default=[],
            metavar="FIELD=VALUE",
            help="One of the store's add-form fields, e.g. --set code=… for GOG.",
        )
        parser.add_argument("--api-key", help="Shorthand for --set api_key=KEY (stored encrypted).")
        parser.add_argument("--name", help="A name for the library (default: the account's).")
        parser.add_argument("--owner", help="Username of the owner (default: the first admin).")

    def handle(self, *args: Any, **options: Any) -> None:
        spec = registry.integration(options["platform"])
        assert spec is not None  # argparse's choices
        values: dict[str, str] = {}
        for item in options["fields"]:
            name, sep, value = item.partition("=")
            if not sep:
                raise CommandError(f"--set takes FIELD=VALUE, not {item!r}.")
            values[name.strip()] = value
        if options["account"]:
            if not spec.account_field:
                raise CommandError(f"{spec.name} takes no account argument; use --set.")
            values[spec.account_field] = options["account"]
        if options["api_key"]:
            values["api_key"] = options["api_key"]
        owner = _owner(options["owner"])
        try:
            library = add_library(owner, spec.code, values, display_name=options["name"])
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
