"""The game page and GET /api/games/{id} go through one service: the same copies and numbers."""

from __future__ import annotations

import re

from games.models import Game
from tests.factories import AchievementFactory, LibraryGameFactory, ReleaseFactory
from tests.web.conftest import own


def test_it_shows_each_copys_own_achievements_on_both_doors(alice_client, alice_library):
    # A merged game whose two Steam releases (the original and a re-release) sit in one library.
    original = own(alice_library, "Dark Souls", playtime_minutes=600)
    game: Game = original.release.game
    remaster = LibraryGameFactory(
        library=alice_library, release=ReleaseFactory(game=game), playtime_minutes=90
    )
    for entry, total, unlocked in ((original, 2, 1), (remaster, 3, 2)):
        for n in range(total):
            achievement = AchievementFactory(release=entry.release)
            if n < unlocked:
                achievement.unlocks.create(library=alice_library)

    api = alice_client.get(f"/api/games/{game.pk}").json()
    html = alice_client.get(f"/games/{game.pk}/").content.decode()

    assert [
        (c["playtime_minutes"], c["achievements_unlocked"], c["achievements_total"])
        for c in api["owned_on"]
    ] == [(600, 1, 2), (90, 2, 3)]
    assert re.findall(r"(\d+) / (\d+) achievements", html) == [("1", "2"), ("2", "3")]
    assert api["total_playtime_minutes"] == 690
