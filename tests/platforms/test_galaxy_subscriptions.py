"""Game Pass titles sit in Galaxy's library but are not owned: left out, and said so."""

from __future__ import annotations

from pathlib import Path

from platforms.integrations.galaxy.reader import read_galaxy_database
from platforms.integrations.galaxy.sample import SampleRelease, build_galaxy_db


def test_it_leaves_subscription_titles_out_and_reports_them(tmp_path: Path) -> None:
    path = build_galaxy_db(
        tmp_path / "galaxy-2.0.db",
        [
            SampleRelease("xboxone_1671755991", title="Halo Infinite", minutes=300),
            SampleRelease("xboxone_606152324", title="Starfield", owned=False, minutes=45),
            SampleRelease("origin_1209025141", title="FIFA 23", owned=False),
            SampleRelease("epic_Ginger", title="Cyberpunk 2077", owned=None),
        ],
    )

    imported = read_galaxy_database(path)

    assert [(game.store, game.external_id) for game in imported.owned] == [("xbox", "1671755991")]
    assert sorted(imported.skipped) == [
        ("epic_Ginger", "Galaxy records no licence for it: not owned"),
        ("origin_1209025141", "subscription title: not owned"),
        ("xboxone_606152324", "Game Pass subscription title: not owned"),
    ]
