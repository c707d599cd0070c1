"""The shared read-side: filters, keyset pages, the rating cap, details and totals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from gamedjinn.models import profile_for
from games.models import Game
from games.queries import (
    InvalidFilter,
    LibraryFilters,
    game_detail,
    library_summary,
    search_library,
)
from tests.factories import (
    AchievementFactory,
    GameFactory,
    GenreFactory,
    LibraryGameFactory,
    ReleaseFactory,
)


def _own(library, title, **entry):
    game_fields = {k: entry.pop(k) for k in list(entry) if k in {"esrb_rating", "metacritic_score"}}
    game = GameFactory(title=title, **game_fields)
    return LibraryGameFactory(library=library, release=ReleaseFactory(game=game), **entry)


def test_it_pages_through_every_entry_once_in_title_order(alice, alice_library):
    for n in range(23):
        _own(alice_library, f"Title {n:02d}", playtime_minutes=n % 4)
    seen, cursor = [], ""
    while True:
        page = search_library(alice, LibraryFilters(), cursor=cursor, size=5)
        seen += [entry.release.game.title for entry in page.items]
        cursor = page.next_cursor
        if not cursor:
            break
    assert seen == sorted(f"Title {n:02d}" for n in range(23))


def test_it_pages_with_ties_and_nulls_when_sorting_by_playtime_or_metacritic(alice, alice_library):
    for n in range(12):
        _own(alice_library, f"T{n}", playtime_minutes=n % 3, metacritic_score=None if n % 2 else 80)
    for sort in ("playtime", "metacritic", "last_played"):
        seen, cursor = [], ""
        while True:
            page = search_library(alice, LibraryFilters(sort=sort), cursor=cursor, size=5)
            seen += [entry.pk for entry in page.items]
            cursor = page.next_cursor
            if not cursor:
                break
        assert len(seen) == len(set(seen)) == 12, sort


def test_it_finds_titles_by_substring_on_this_engine(alice, alice_library):
    _own(alice_library, "Portal 2")
    _own(alice_library, "Half-Life: Alyx")
    _own(alice_library, "<script>alert(1)</script>")

    def titles(q):
        return [e.release.game.title for e in search_library(alice, LibraryFilters(q=q)).items]

    assert titles("ortal") == ["Portal 2"]
    assert titles("LIFE") == ["Half-Life: Alyx"]
    assert titles("Ha") == ["Half-Life: Alyx"]
    assert titles("<script>") == ["<script>alert(1)</script>"]
    assert titles("zzz") == []


def test_it_never_shows_a_capped_user_a_game_above_the_cap_or_unrated(charlie):
    from tests.factories import LibraryFactory

    library = LibraryFactory(owner=charlie)
    _own(library, "Kids Game", esrb_rating="E")
    _own(library, "Teen Game", esrb_rating="T")
    _own(library, "Mature Game", esrb_rating="M")
    unrated = _own(library, "Unrated Game")
    profile = profile_for(charlie)
    profile.esrb_cap = "T"
    profile.save()
    titles = {e.release.game.title for e in search_library(charlie, LibraryFilters()).items}
    assert titles == {"Kids Game", "Teen Game"}
    assert library_summary(charlie).games == 2
    with pytest.raises(Game.DoesNotExist):
        game_detail(charlie, unrated.release.game_id)


def test_it_filters_by_genre_status_and_played(alice, alice_library):
    action = GenreFactory(name="Action")
    shooter = _own(alice_library, "Shooter", playtime_minutes=90, status="playing")
    shooter.release.game.genres.add(action)
    _own(alice_library, "Puzzle", playtime_minutes=0)

    def by(**kw):
        return [e.release.game.title for e in search_library(alice, LibraryFilters(**kw)).items]

    assert by(genre="action") == ["Shooter"]
    assert by(status="playing") == ["Shooter"]
    assert by(played=False) == ["Puzzle"]
    assert by(playtime_min=60) == ["Shooter"]


def test_it_names_the_field_of_a_bad_filter(alice):
    with pytest.raises(InvalidFilter, match="sort must be one of"):
        search_library(alice, LibraryFilters(sort="price"))
    with pytest.raises(InvalidFilter, match="esrb_max"):
        search_library(alice, LibraryFilters(esrb_max="X"))
    with pytest.raises(InvalidFilter, match="cursor"):
        search_library(alice, LibraryFilters(), cursor="not-a-cursor")


def test_it_keeps_other_users_games_out(alice, bob_library):
    _own(bob_library, "Bob's Game")
    assert search_library(alice, LibraryFilters()).items == []
    assert library_summary(alice).games == 0


def test_it_details_a_game_with_achievement_progress(alice, alice_library):
    entry = _own(
        alice_library,
        "Achiever",
        playtime_minutes=300,
        last_played_at=timezone.now() - timedelta(days=1),
    )
    first = AchievementFactory(release=entry.release)
    AchievementFactory(release=entry.release)
    first.unlocks.create(library=alice_library, unlocked_at=timezone.now())
    detail = game_detail(alice, entry.release.game_id)
    assert detail.progress.total == 2
    assert detail.progress.unlocked == 1
    assert detail.progress.percent == 50
    assert detail.total_playtime_minutes == 300


def test_it_counts_the_library_in_one_query(alice, alice_library, django_assert_num_queries):
    _own(alice_library, "A", playtime_minutes=10, status="completed")
    _own(alice_library, "B")
    profile_for(alice)
    with django_assert_num_queries(1):  # the profile is cached on the user; then the totals
        summary = library_summary(alice)
    assert (summary.games, summary.played, summary.completed, summary.backlog) == (2, 1, 1, 1)
