"""What the matcher never joins: two releases of one store, DLC with its game, demos and
soundtracks with the game, sequels; nor a game that already has a release on that store."""

from __future__ import annotations

from games.models import Match, ReleaseExternalId
from games.services.matching import match_releases
from tests.games.matching_support import game_of, release


def test_it_never_joins_two_releases_of_one_store(db):
    first = release("steam", "The Elder Scrolls V: Skyrim")
    second = release("steam", "The Elder Scrolls V: Skyrim")
    match_releases(None)
    assert game_of(first) != game_of(second)
    assert not Match.objects.exists()


def test_it_never_joins_dlc_with_its_game(db):
    game = release("steam", "Cyberpunk 2077")
    dlc = release("gog", "Cyberpunk 2077", kind="dlc")
    season_pass = release("epic", "Cyberpunk 2077 Season Pass")
    match_releases(None)
    assert len({game_of(game), game_of(dlc), game_of(season_pass)}) == 3
    assert not Match.objects.exists()


def test_it_never_joins_a_demo_or_soundtrack_with_the_game(db):
    game = release("steam", "Hades")
    demo = release("gog", "Hades Demo")
    soundtrack = release("epic", "Hades Original Soundtrack")
    match_releases(None)
    assert len({game_of(game), game_of(demo), game_of(soundtrack)}) == 3
    assert not Match.objects.exists()


def test_it_only_suggests_two_soundtracks_of_one_title(db):
    steam, gog = release("steam", "Celeste Soundtrack"), release("gog", "Celeste - Soundtrack")
    match_releases(None)
    assert game_of(steam) != game_of(gog)
    assert Match.objects.get().status == "suggested"


def test_it_never_links_a_sequel(db):
    release("steam", "Portal")
    release("gog", "Portal 2")
    match_releases(None)
    assert not Match.objects.exists()


def test_it_keeps_one_release_per_store_in_a_joined_game(db):
    steam = release("steam", "Hades")
    gog = release("gog", "Hades")
    match_releases(None)
    other_steam = release("steam", "Hades: Battle Out of Hell")
    ReleaseExternalId.objects.create(
        release=other_steam, source="galaxy_group", value=f"gog:{gog.external_id}"
    )
    match_releases([other_steam.pk])
    assert game_of(steam) == game_of(gog) != game_of(other_steam)
    suggestion = Match.objects.get(status="suggested")
    assert suggestion.evidence == (
        "same GOG Galaxy release group; not joined: both sides already have a Steam release"
    )
