"""What the user edited by hand stays: IGDB fills the other fields around it."""

from __future__ import annotations

from games.models import Game
from games.services.enrichment import enrich_library


def test_it_keeps_the_users_own_fields(fake_igdb, household):
    Game.objects.filter(pk=household.portal.game_id).update(
        description="My own words.",
        esrb_rating="T",
        time_to_beat_main=300,
        user_edited_fields=["description", "esrb_rating", "time_to_beat_main"],
    )

    enrich_library(household.steam.pk)

    portal = Game.objects.get(pk=household.portal.game_id)
    assert (portal.description, portal.esrb_rating, portal.time_to_beat_main) == (
        "My own words.",
        "T",
        300,
    )
    assert portal.developers == ["Valve"]  # not edited: IGDB's
