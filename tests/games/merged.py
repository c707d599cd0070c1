"""A game Alice owns on two stores, merged into one: 3 h on Steam, 5 h on GOG."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from games.models import Game, Release
from games.services.curation import merge_games
from libraries.models import Library, LibraryGame
from platforms.models import Platform
from tests.factories import GameFactory, LibraryFactory, LibraryGameFactory, ReleaseFactory


@dataclass
class Merged:
    game: Game
    steam: LibraryGame
    gog: LibraryGame
    gog_library: Library


def merged_game(alice, alice_library, title: str = "Hollow Knight") -> Merged:
    """Two copies of TITLE (Steam 180 min, GOG 300 min) whose games a curator merged."""
    gog = Platform.objects.get(code="gog")
    gog_library = Library.objects.filter(owner=alice, platform=gog).first() or LibraryFactory(
        owner=alice, platform=gog, display_name="Alice on GOG"
    )
    steam = LibraryGameFactory(
        library=alice_library,
        release=ReleaseFactory(game=GameFactory(title=title)),
        playtime_minutes=180,
        last_played_at=timezone.now() - timezone.timedelta(days=3),
    )
    on_gog = LibraryGameFactory(
        library=gog_library,
        release=ReleaseFactory(platform=gog, game=GameFactory(title=title)),
        playtime_minutes=300,
    )
    game = merge_games(steam.release.game, [on_gog.release.game], user=alice)
    assert Release.objects.get(pk=on_gog.release_id).game_id == game.pk
    return Merged(game=game, steam=steam, gog=on_gog, gog_library=gog_library)
