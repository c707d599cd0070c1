"""IGDB's ESRB ratings make the content cap work for every store: a GOG game no store rated
becomes visible to a capped account once IGDB rates it within the cap, and stays hidden when
IGDB rates it above (ratings in the current and the retired IGDB shapes alike)."""

from __future__ import annotations

from gamedjinn.models import profile_for
from games.models import Game
from games.queries import visible_entries
from games.services.enrichment import enrich_library
from platforms.metadata.igdb.fake_server import FakeIgdbGame
from tests.factories import LibraryFactory, LibraryGameFactory
from tests.metadata.conftest import owned


def _capped(user, cap: str):
    profile = profile_for(user)
    profile.esrb_cap = cap
    profile.save()
    return user


def test_a_capped_account_sees_a_gog_game_igdb_rated_within_its_cap(fake_igdb, household, charlie):
    _capped(charlie, "T")
    library = LibraryFactory(owner=charlie, platform=household.gog.platform, credentials={})
    for release in (household.stardew, household.witcher_gog):
        LibraryGameFactory(library=library, release=release)
    assert not visible_entries(charlie).exists()  # no store rated them: hidden

    enrich_library(library.pk)

    visible = {entry.release_id for entry in visible_entries(charlie)}
    assert visible == {household.stardew.pk}  # E (retired enum shape) in, M out
    assert Game.objects.get(pk=household.stardew.game_id).pegi_rating == "7"


def test_it_reads_an_early_childhood_rating_as_everyone(fake_igdb, household):
    fake_igdb.games.append(
        FakeIgdbGame(id=5, name="Tiny Tots", esrb="EC", external={5: "1207664999"})
    )

    release = owned(household.gog, "gog", "1207664999", "Tiny Tots")

    enrich_library(household.gog.pk)

    assert Game.objects.get(pk=release.game_id).esrb_rating == "E"
