"""The game page of a merged game costs the same queries however many copies it gathers."""

from __future__ import annotations

from platforms.models import Platform
from tests.factories import AchievementFactory, LibraryGameFactory, ReleaseFactory
from tests.web.conftest import own


def test_it_costs_the_same_queries_with_one_copy_or_many(
    alice_client, alice_library, library_of, django_assert_max_num_queries
):
    entry = own(alice_library, "Hades", playtime_minutes=60)
    game = entry.release.game
    AchievementFactory(release=entry.release).unlocks.create(library=alice_library)
    url = f"/games/{game.pk}/"
    alice_client.get(url)
    with django_assert_max_num_queries(12) as one:
        alice_client.get(url)

    gog = Platform.objects.get(code="gog")
    for n in range(4):
        library = library_of(platform=gog if n % 2 else alice_library.platform)
        release = ReleaseFactory(game=game, platform=library.platform)
        LibraryGameFactory(library=library, release=release, playtime_minutes=30)
        AchievementFactory(release=release).unlocks.create(library=library)

    with django_assert_max_num_queries(len(one)):
        html = alice_client.get(url).content.decode()
    assert html.count('data-testid="owned-copy"') == 5
