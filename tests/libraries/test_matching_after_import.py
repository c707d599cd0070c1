"""After a library's owned phase adds releases, the new ones are matched by a task of their own,
sent once the import committed: a GOG Galaxy import sharing games with a Steam library joins them
(by Galaxy's release groups and by title), and get_cross_platform_games lists them with real
data."""

from __future__ import annotations

import pytest

from games.models import Match, Release, ReleaseExternalId
from games.services.cross_platform import cross_platform_games
from games.tasks import match_new_releases
from libraries.services.imports import import_file
from libraries.services.phases.owned import import_owned_games
from libraries.services.sync import perform_run
from platforms.integrations.galaxy.sample import SampleRelease, build_galaxy_db
from platforms.records import OwnedGame

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _steam(library):
    counts = import_owned_games(
        library,
        [
            OwnedGame("292030", "The Witcher® 3: Wild Hunt", playtime_minutes=600),
            OwnedGame("620", "Portal 2", playtime_minutes=90),
            OwnedGame("400", "Portal", playtime_minutes=30),
        ],
    )
    return counts


def test_a_galaxy_import_joins_the_games_a_steam_library_already_has(
    alice, alice_library, tmp_path, published
):
    _steam(alice_library)
    path = build_galaxy_db(
        tmp_path / "galaxy-2.0.db",
        [
            # Galaxy groups the GOG copy with Steam's under another name.
            SampleRelease(
                "gog_1207664643",
                title="Witcher 3 GOTY",
                minutes=6000,
                group=("gog_1207664643", "steam_292030"),
            ),
            SampleRelease("epic_Portal2", title="Portal 2", minutes=30),
            SampleRelease("gog_1207665883", title="Portal 2 Soundtrack"),
        ],
    )
    _, run, _ = import_file(alice, "galaxy", path, enqueue=False)
    perform_run(run.pk)

    imported = set(run.library.entries.values_list("release_id", flat=True))
    (matcher,) = [m for m in published if m.task == match_new_releases.name]
    assert set(matcher.args[0]) == imported
    # The import finished without waiting: nothing is joined until the matcher runs.
    assert not Match.objects.exists()
    match_new_releases.apply(args=matcher.args).get()
    joined = sorted(Release.objects.values_list("id", "game_id"))
    decisions = sorted(Match.objects.values_list("release_id", "matched_release_id", "status"))
    # A message delivered twice (acks_late) changes nothing the second time.
    match_new_releases.apply(args=matcher.args).get()
    assert sorted(Release.objects.values_list("id", "game_id")) == joined
    assert (
        sorted(Match.objects.values_list("release_id", "matched_release_id", "status")) == decisions
    )

    witcher = Release.objects.get(platform__code="gog", external_id="1207664643")
    assert ReleaseExternalId.objects.filter(release=witcher).values_list(
        "source", "value"
    ).get() == ("galaxy_group", "steam:292030")
    steam_witcher = Release.objects.get(platform__code="steam", external_id="292030")
    assert witcher.game_id == steam_witcher.game_id
    epic = Release.objects.get(platform__code="epic", external_id="Portal2")
    assert epic.game_id == Release.objects.get(platform__code="steam", external_id="620").game_id
    soundtrack = Release.objects.get(platform__code="gog", external_id="1207665883")
    assert soundtrack.game_id != epic.game_id
    assert set(Match.objects.values_list("method", "status")) == {
        ("external_id", "accepted"),
        ("normalized_title", "accepted"),
    }

    shared = cross_platform_games(alice)
    assert shared.total == 2
    by_title = {item.title: item for item in shared.items}
    witcher_item = by_title["The Witcher® 3: Wild Hunt"]
    assert witcher_item.total_playtime_minutes == 6600
    assert witcher_item.most_played_on == "GOG"


def test_a_sync_with_nothing_new_matches_nothing(alice_library):
    _steam(alice_library)
    counts = _steam(alice_library)
    assert counts.to_match == []
