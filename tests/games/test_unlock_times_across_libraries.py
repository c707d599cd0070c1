"""game_details with one game in two libraries: an achievement unlocked in both shows the time
that is known, whichever library Steam gave no unlock time for (unlocktime 0)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from games.models import UnlockedAchievement
from games.services.search import game_details
from tests.factories import AchievementFactory, LibraryFactory, LibraryGameFactory, ReleaseFactory


def test_it_shows_the_known_unlock_time_when_another_library_has_none(alice):
    first, second = LibraryFactory(owner=alice), LibraryFactory(owner=alice)
    release = ReleaseFactory()
    for library in (first, second):
        LibraryGameFactory(library=library, release=release)
    early, late = AchievementFactory(release=release), AchievementFactory(release=release)
    now = timezone.now()
    # Each library lacks the time of one unlock, so the gap is met whichever library is read first.
    for library, achievement, when in (
        (first, early, None),
        (second, early, now - timedelta(days=2)),
        (first, late, now - timedelta(days=1)),
        (second, late, None),
    ):
        UnlockedAchievement.objects.create(
            library=library, achievement=achievement, unlocked_at=when
        )

    achievements = game_details(alice, release.game_id).achievements

    assert achievements.unlocked == 2
    assert [(a.name, a.unlocked_at) for a in achievements.recently_unlocked] == [
        (late.display_name, now - timedelta(days=1)),
        (early.display_name, now - timedelta(days=2)),
    ]
