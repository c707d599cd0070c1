"""Galaxy's release groups: the releases it says are one game, for cross-store matching."""

from __future__ import annotations

from pathlib import Path

from platforms.integrations.galaxy.reader import release_groups
from platforms.integrations.galaxy.sample import SampleRelease, build_galaxy_db

WITCHER_GROUP = (
    "steam_292030",
    "xboxone_1799887933",
    "gog_1207664643",
    "origin_Origin.OFR.50.0001017",
    "psn_CUSA01440_00",
    "steam_steam_292030",
    "test_292030",
    "epic_292030",
    "generic_51071842242777057",
)


def test_it_groups_the_releases_galaxy_says_are_one_game(tmp_path: Path) -> None:
    path = build_galaxy_db(
        tmp_path / "galaxy-2.0.db",
        [
            SampleRelease("gog_1207664643", title="The Witcher 3", group=WITCHER_GROUP),
            SampleRelease("steam_292030", title="The Witcher 3", group=WITCHER_GROUP),
            SampleRelease(
                "steam_1091500",
                title="Cyberpunk 2077",
                group=("gog_1423049311", "steam_1091500", "epic_Ginger", "test_1234"),
            ),
            # Alone in its group: nothing to match.
            SampleRelease("gog_1207658901", title="Tyrian 2000", group=("gog_1207658901",)),
            # Not owned: its group says nothing about this library.
            SampleRelease(
                "xboxone_222473492",
                title="Starfield",
                owned=False,
                group=("xboxone_222473492", "steam_1716740"),
            ),
        ],
    )

    groups = release_groups(path)

    assert sorted(groups, key=len) == [
        frozenset({("gog", "1423049311"), ("steam", "1091500"), ("epic", "Ginger")}),
        frozenset(
            {
                ("steam", "292030"),
                ("xbox", "1799887933"),
                ("gog", "1207664643"),
                ("ea", "Origin.OFR.50.0001017"),
                ("playstation", "CUSA01440_00"),
                ("epic", "292030"),
            }
        ),
    ]
