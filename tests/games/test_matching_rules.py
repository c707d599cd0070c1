"""The matcher's rules: a shared cross-store id joins, equal normalised titles on different
stores join (the year breaking ties), similar titles only suggest; each match says why."""

from __future__ import annotations

from games.models import Match, ReleaseExternalId
from games.services.matching import match_releases
from tests.games.matching_support import game_of, release


def test_it_joins_releases_a_galaxy_release_group_links(db):
    steam = release("steam", "The Witcher 3: Wild Hunt")
    gog = release("gog", "Witcher III GOTY")
    ReleaseExternalId.objects.create(
        release=gog, source="galaxy_group", value=f"steam:{steam.external_id}"
    )
    report = match_releases([gog.pk])
    assert game_of(steam) == game_of(gog)
    match = Match.objects.get()
    assert (match.method, match.status, match.evidence, match.created_by) == (
        "external_id",
        "accepted",
        "same GOG Galaxy release group",
        None,
    )
    assert report.merged_games == 1


def test_it_joins_releases_sharing_an_igdb_id(db):
    first, second = release("steam", "Alpha"), release("epic", "Beta")
    for item in (first, second):
        ReleaseExternalId.objects.create(release=item, source="igdb", value="1942")
    match_releases(None)
    assert game_of(first) == game_of(second)
    assert Match.objects.get().evidence == "same IGDB id 1942"


def test_it_joins_equal_titles_of_different_stores_and_says_so(db):
    steam = release("steam", "The Witcher® 3: Wild Hunt")
    gog = release("gog", "The Witcher 3 - Wild Hunt")
    match_releases([gog.pk])
    assert game_of(steam) == game_of(gog)
    match = Match.objects.get()
    assert match.method == "normalized_title"
    assert match.evidence == "titles equal after normalising: witcher 3 wild hunt"


def test_it_joins_titles_whose_numerals_differ_only_in_writing(db):
    steam, gog = release("steam", "FINAL FANTASY VII"), release("gog", "Final Fantasy 7")
    match_releases(None)
    assert game_of(steam) == game_of(gog)


def test_it_uses_the_year_to_tell_namesakes_apart(db):
    old = release("gog", "DOOM", year=1993)
    new = release("steam", "DOOM", year=2016)
    match_releases(None)
    assert game_of(old) != game_of(new)
    suggestion = Match.objects.get()
    assert suggestion.status == "suggested"
    assert "release years differ: 1993 and 2016" in suggestion.evidence or (
        "release years differ: 2016 and 1993" in suggestion.evidence
    )


def test_it_joins_the_namesake_of_the_same_year(db):
    gog_old = release("gog", "DOOM", year=1993)
    steam_old = release("steam", "DOOM", year=1993)
    steam_new = release("steam", "DOOM", year=2016)
    match_releases(None)
    assert game_of(gog_old) == game_of(steam_old) != game_of(steam_new)


def test_it_only_suggests_similar_titles(db):
    ubisoft = release("ubisoft", "Rainbow Six Siege")
    steam = release("steam", "Tom Clancy's Rainbow Six® Siege")
    match_releases(None)
    assert game_of(ubisoft) != game_of(steam)
    suggestion = Match.objects.get()
    assert (suggestion.method, suggestion.status) == ("fuzzy_title", "suggested")
    assert suggestion.evidence.startswith("similar titles (")
    assert 0.85 <= suggestion.confidence < 1


def test_it_suggests_editions_across_stores_with_the_reason(db):
    steam = release("steam", "Fallout 3")
    gog = release("gog", "Fallout 3: Game of the Year Edition")
    match_releases(None)
    assert game_of(steam) != game_of(gog)
    suggestion = Match.objects.get()
    assert suggestion.status == "suggested"
    assert "editions differ: no edition / game of the year edition" in suggestion.evidence


def test_it_does_nothing_when_nothing_is_new(db, django_assert_max_num_queries):
    release("steam", "Hades")
    release("gog", "Hades")
    with django_assert_max_num_queries(0):
        report = match_releases([])
    assert report.joins == []


def test_a_dry_run_writes_nothing(db):
    steam, gog = release("steam", "Hades"), release("gog", "Hades")
    report = match_releases(None, dry_run=True)
    assert len(report.joins) == 1
    assert game_of(steam) != game_of(gog)
    assert not Match.objects.exists()
