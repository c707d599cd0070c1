"""Smart collections: validated rules, stored once, re-evaluated on every read."""

from __future__ import annotations

import pytest

from games.services import NotFound
from games.services.collections import (
    CollectionError,
    collection_games,
    create_collection,
    delete_collection,
    list_collections,
    update_collection,
)
from games.services.rollups import refresh_game_rollups
from tests.games.world import own


def titles(page) -> list[str]:
    return [row.title for row in page.games.items]


def test_it_stores_rules_and_counts_what_matches(alice, game_world):
    collection = create_collection(
        alice, "  Unplayed   acclaimed ", {"played": False, "metacritic_min": 90}
    )
    assert collection.name == "Unplayed acclaimed"
    assert collection.rules == {"played": False, "metacritic_min": 90}
    assert collection.game_count == 1


def test_it_re_evaluates_the_rules_on_every_read(alice, game_world):
    collection = create_collection(alice, "Short RPGs", {"genre": "rpg", "playtime_max": 600})
    assert collection.rules["genre"] == "RPG"  # stored in the genre's own spelling
    # Stardew Valley's GOG copy has 300 minutes, but the game has 6,300 in all.
    assert titles(collection_games(alice, collection.id)) == ["Disco Elysium"]
    new = own(game_world.alice_steam, "Baldur's Gate 3", genres=("RPG",), playtime_minutes=10)
    assert "Baldur's Gate 3" in titles(collection_games(alice, collection.id))
    new.playtime_minutes = 6000
    new.save()
    refresh_game_rollups(game_ids=[new.release.game_id])
    assert "Baldur's Gate 3" not in titles(collection_games(alice, collection.id))


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        (
            {"metacritic_min": 120},
            "rules.metacritic_min: Input should be less than or equal to 100.",
        ),
        ({"esrb_max": "PG"}, "rules.esrb_max: Input should be 'E', 'E10+', 'T', 'M' or 'AO'."),
        ({"status": "finished"}, "rules.status: Input should be"),
        ({"platform": "atari"}, "rules.platform: Input should be"),
        ({"released_after": "last year"}, "rules.released_after: Input should be a valid date"),
        ({"playtime_min": -5}, "rules.playtime_min: Input should be greater than or equal to 0."),
        (
            {"playtime_min": 50, "playtime_max": 10},
            "rules: playtime_min must not be greater than playtime_max.",
        ),
        ({"colour": "red"}, "rules.colour: Extra inputs are not permitted."),
        ({"genre": "Horror"}, "rules.genre: there is no genre called 'Horror'."),
        ({}, "rules: give at least one rule"),
    ],
)
def test_it_rejects_bad_rules_naming_the_field(alice, game_world, rules, message):
    with pytest.raises(CollectionError) as raised:
        create_collection(alice, "Bad", rules)
    assert str(raised.value).startswith(message)


def test_it_refuses_a_second_collection_with_the_same_name(alice, game_world):
    create_collection(alice, "Favourites", {"metacritic_min": 90})
    with pytest.raises(
        CollectionError, match=r"^name: you already have a collection called 'favourites'"
    ):
        create_collection(alice, "favourites", {"metacritic_min": 80})


def test_it_updates_lists_and_deletes_only_the_owners_collections(alice, bob, game_world):
    collection = create_collection(alice, "Mine", {"status": "backlog"})
    assert [c.name for c in list_collections(alice)] == ["Mine"]
    assert list_collections(bob) == []
    with pytest.raises(NotFound, match="no collection"):
        update_collection(bob, collection.id, name="Stolen")
    updated = update_collection(alice, collection.id, rules={"status": "completed"})
    assert (updated.name, updated.game_count) == ("Mine", 1)
    delete_collection(alice, collection.id)
    assert list_collections(alice) == []


def test_it_applies_the_readers_rating_cap(charlie, game_world):
    collection = create_collection(charlie, "Action", {"genre": "Action"})
    assert collection.game_count == 1
    assert titles(collection_games(charlie, collection.id)) == ["Kids Kart"]
