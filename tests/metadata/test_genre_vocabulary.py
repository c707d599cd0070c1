"""One genre vocabulary: IGDB's "Role-playing (RPG)", Steam's "RPG" and GOG's "Role-playing" are
the same genre on every page, and a filter by either spelling finds it."""

from __future__ import annotations

from games.genres import canonical_genres
from games.models import Game
from games.queries import LibraryFilters, filter_entries
from games.services.catalogue import metadata_of
from games.services.enrichment import enrich_library
from tests.metadata.conftest import store_details


def test_it_names_every_sources_spelling_the_same():
    assert canonical_genres(["Role-playing (RPG)", "RPG", " role-playing ", "Simulator"]) == [
        "Role-playing",
        "Simulation",
    ]
    assert canonical_genres(["Massively Multiplayer", "Sport", "Roguelite"]) == [
        "MMO",
        "Roguelite",
        "Sports",
    ]


def test_a_stores_genres_are_kept_in_the_vocabulary():
    steam = store_details(genres=["RPG", "Action", "Action"])
    assert metadata_of(steam)["genres"] == ["Action", "Role-playing"]


def test_igdb_genres_reach_the_game_and_the_filter_finds_either_spelling(
    fake_igdb, household, alice
):
    enrich_library(household.gog.pk)

    stardew = Game.objects.get(pk=household.stardew.game_id)
    assert sorted(g.name for g in stardew.genres.all()) == ["Indie", "Role-playing", "Simulation"]
    for spelling in ("RPG", "Role-playing", "role-playing (rpg)"):
        found = filter_entries(alice, LibraryFilters(genre=spelling))
        assert household.stardew.pk in {entry.release_id for entry in found}, spelling
