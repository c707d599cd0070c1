"""analyze_gaming_patterns: figures computed from the library and its playtime history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from games.services import NotFound, ServiceError
from games.services.analytics import analyze_gaming_patterns
from libraries.models import PlaytimeSnapshot


def test_it_sums_playtime_by_genre_and_platform(alice, game_world):
    patterns = analyze_gaming_patterns(alice)
    genres = {share.name: share.minutes for share in patterns.playtime_by_genre}
    assert genres == {
        "Simulation": 6300,
        "RPG": 6300,
        "Action": 4800,  # Hades 3000 + Portal 2 1200 + Doom 600
        "Roguelike": 3000,
        "Puzzle": 1230,
    }
    platforms = {
        share.name: (share.minutes, share.percent) for share in patterns.playtime_by_platform
    }
    assert platforms == {"Steam": (10830, 97.3), "GOG": (300, 2.7)}


def test_it_counts_the_backlog_and_completion(alice, game_world):
    patterns = analyze_gaming_patterns(alice)
    assert (patterns.games, patterns.backlog, patterns.completed, patterns.never_played) == (
        6,
        2,
        1,
        1,
    )
    # 1 of 6 games: Stardew Valley, on Steam and GOG, counts once.
    assert patterns.completion_rate_percent == round(100 / 6, 1)
    assert patterns.total_minutes == 11130
    assert [g.title for g in patterns.most_played[:2]] == ["Stardew Valley", "Hades"]
    assert patterns.recently_played[0].title == "Stardew Valley"
    assert {b.year: b.games for b in patterns.by_release_year}[2020] == 2


def test_it_measures_activity_and_trend_from_snapshot_deltas(alice, game_world):
    # Hades snapshots: 40 days ago 2000 (baseline), 10 days ago 2600, 2 days ago 3000.
    month = analyze_gaming_patterns(alice, time_period="month")
    assert sum(point.minutes for point in month.activity) == 1000
    assert len(month.activity) == 30
    assert month.trend.direction == "up"
    assert (month.trend.current_minutes, month.trend.previous_minutes) == (1000, 0)
    assert month.most_played_in_period[0].title == "Hades"
    week = analyze_gaming_patterns(alice, time_period="week")
    assert week.trend.current_minutes == 400
    assert (week.trend.previous_minutes, week.trend.direction) == (600, "down")
    assert week.trend.change_percent == pytest.approx(-33.3)


def test_it_says_so_when_there_is_no_history(alice, game_world):
    PlaytimeSnapshot.objects.all().delete()
    patterns = analyze_gaming_patterns(alice, time_period="year")
    assert patterns.trend.direction == "unknown"
    assert patterns.notes and "no playtime history" in patterns.notes[0]
    assert len(patterns.activity) in (12, 13)  # months touched by the last 365 days


def test_it_ignores_a_playtime_decrease(alice, game_world):
    PlaytimeSnapshot.objects.create(
        entry=game_world.entries["Hades"],
        taken_on=timezone.localdate() - timedelta(days=1),
        playtime_minutes=10,
    )
    assert analyze_gaming_patterns(alice, time_period="week").trend.current_minutes == 400


def test_it_covers_one_library_and_only_yours(alice, bob, game_world):
    gog = analyze_gaming_patterns(alice, library_id=game_world.alice_gog.pk)
    assert (gog.games, gog.total_minutes) == (1, 300)
    with pytest.raises(NotFound):
        analyze_gaming_patterns(bob, library_id=game_world.alice_gog.pk)
    with pytest.raises(ServiceError, match=r"^time_period"):
        analyze_gaming_patterns(alice, time_period="decade")


def test_it_counts_nothing_above_a_capped_users_cap(charlie, game_world):
    patterns = analyze_gaming_patterns(charlie)
    assert (patterns.games, patterns.total_minutes) == (1, 60)
    assert [g.title for g in patterns.most_played + patterns.recently_played] == ["Kids Kart"] * 2
