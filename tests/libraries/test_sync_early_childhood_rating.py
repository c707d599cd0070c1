"""An Early Childhood ("ec") game from Steam is stored as E, so a capped account still sees it."""

from __future__ import annotations

from gamedjinn.models import profile_for
from games.models import Game
from games.queries import visible_entries
from tests.libraries.conftest import run_sync_now


def test_it_stores_early_childhood_as_everyone_and_shows_it_under_a_cap(alice, library, world):
    appid = next(g["appid"] for g in world.player.owned if world.apps[g["appid"]])
    world.apps[appid].setdefault("ratings", {})["esrb"] = {"rating": "ec", "descriptors": ""}
    profile = profile_for(alice)
    profile.esrb_cap = "E"
    profile.save()

    run_sync_now(library, phases=["owned", "details"])

    game = Game.objects.get(releases__external_id=str(appid))
    assert game.esrb_rating == "E"
    assert visible_entries(alice).filter(release__game=game).exists()
