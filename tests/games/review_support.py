"""A household where Alice owns one game on Steam and on GOG, still two games, with the
matcher's suggestion between them (and Bob owns nothing of it)."""

from __future__ import annotations

from games.models import Match
from games.services.matching import match_releases
from libraries.models import LibraryGame
from platforms.models import Platform
from tests.factories import LibraryFactory, LibraryGameFactory
from tests.games.matching_support import release


def owned(user, store: str, title: str, minutes: int = 0, **kwargs) -> LibraryGame:
    """USER owns TITLE on STORE (one library per user and store)."""
    item = release(store, title, **kwargs)
    platform = Platform.objects.get(code=store)
    library = user.libraries.filter(platform=platform).first() or LibraryFactory(
        owner=user, platform=platform, display_name=f"{user.username} on {platform.name}"
    )
    return LibraryGameFactory(library=library, release=item, playtime_minutes=minutes)


def suggested_pair(user) -> tuple[LibraryGame, LibraryGame, Match]:
    steam = owned(user, "steam", "Fallout 3", 600, year=2008)
    gog = owned(user, "gog", "Fallout 3: Game of the Year Edition", 90, year=2008)
    match_releases(None)
    return steam, gog, Match.objects.get(status="suggested")
