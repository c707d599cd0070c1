"""A Galaxy database reads as the user's owned releases, each on its store, with its facts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from platforms.integrations.galaxy.reader import read_galaxy_database
from platforms.integrations.galaxy.sample import SampleRelease, build_galaxy_db

BOUGHT = datetime(2015, 7, 23, 22, 30, 48, tzinfo=UTC)
ADDED = datetime(2019, 4, 12, 7, 30, 55, tzinfo=UTC)
PLAYED = datetime(2018, 11, 20, 14, 18, 42, tzinfo=UTC)

LIBRARY = [
    SampleRelease(
        "gog_1207664643",
        title="The Witcher 3: Wild Hunt \u2013 Édition complète",
        galaxy_title="The Witcher 3: Wild Hunt - Complete Edition",
        original_title="Wiedźmin 3",
        minutes=3050,
        last_played=PLAYED,
        purchased=BOUGHT,
        added=ADDED,
        dlcs=("gog_1430742983",),
    ),
    SampleRelease(
        "gog_1430742983",
        title="New Game +",
        is_dlc=True,
        minutes=0,
        purchased=datetime(2016, 6, 19, 4, 6, 7, tzinfo=UTC),
    ),
    SampleRelease("steam_1091500", galaxy_title="Cyberpunk 2077™", added=ADDED, hidden=True),
    SampleRelease("epic_19927295d6e3467887d4e830d8c85963", original_title="Ōkami \uff28\uff24"),
    SampleRelease("xboxone_1799887933", title="Forza Horizon 5", minutes=12),
    SampleRelease("uplay_635", title="Assassin's Creed Origins"),
    SampleRelease("psn_CUSA01440_00", title="Bloodborne"),
    SampleRelease("origin_Origin.OFR.50.0001017", title="Mass Effect"),
    SampleRelease("generic_51295416355398085", title="Tyrian 2000"),
    SampleRelease("rockstar_12"),
]


def test_it_reads_each_owned_release_with_its_store_id_and_facts(tmp_path: Path) -> None:
    imported = read_galaxy_database(build_galaxy_db(tmp_path / "galaxy-2.0.db", LIBRARY))
    by_key = {f"{game.store}:{game.external_id}": game for game in imported.owned}

    assert sorted(by_key) == sorted(
        [
            "gog:1207664643",
            "gog:1430742983",
            "steam:1091500",
            "epic:19927295d6e3467887d4e830d8c85963",
            "xbox:1799887933",
            "ubisoft:635",
            "playstation:CUSA01440_00",
            "ea:Origin.OFR.50.0001017",
            "other:51295416355398085",
            "other:12",
        ]
    )
    witcher = by_key["gog:1207664643"]
    assert witcher.name == "The Witcher 3: Wild Hunt \u2013 Édition complète"  # the user's row wins
    assert witcher.playtime_minutes == 3050
    assert witcher.last_played == PLAYED
    assert witcher.acquired_at == BOUGHT  # the purchase, not the day Galaxy added it
    assert (witcher.is_dlc, witcher.hidden, witcher.parent_external_id) == (False, False, "")

    dlc = by_key["gog:1430742983"]
    assert (dlc.is_dlc, dlc.parent_external_id, dlc.playtime_minutes) == (True, "1207664643", 0)

    cyberpunk = by_key["steam:1091500"]
    assert cyberpunk.name == "Cyberpunk 2077™"  # Galaxy's shared row when the user has none
    assert cyberpunk.hidden is True
    assert cyberpunk.acquired_at == ADDED  # no purchase date: when it joined the library
    assert (cyberpunk.playtime_minutes, cyberpunk.last_played) == (0, None)

    assert by_key["epic:19927295d6e3467887d4e830d8c85963"].name == "Ōkami \uff28\uff24"
    assert by_key["epic:19927295d6e3467887d4e830d8c85963"].acquired_at is None
    assert by_key["other:12"].name == "rockstar_12"  # no title anywhere: the release key


def test_it_names_the_account_after_the_galaxy_user(tmp_path: Path) -> None:
    path = build_galaxy_db(tmp_path / "galaxy-2.0.db", LIBRARY[:1], user_id=58213307915531904)
    imported = read_galaxy_database(path)
    assert imported.account_id == "58213307915531904"
    assert imported.display_name == "GOG Galaxy (user 58213307915531904)"
    assert imported.skipped == []
