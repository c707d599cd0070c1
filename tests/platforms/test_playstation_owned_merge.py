"""The owned list is two PSN lists merged: played titles (by title id) and trophy titles (by
trophy-set id). One entry per game, whichever lists name it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import pytest

from platforms.integrations.playstation.client import (
    MAPPING_BATCH,
    PlayedTitle,
    TrophySetRef,
    TrophyTitle,
    merge_titles,
)
from platforms.integrations.playstation.fake_server import (
    FakePlayStation,
    PsnWorld,
    generate_playstation_world,
)
from tests.platforms.playstation_helpers import aimed_fake, connected, psn_client

MARCH = datetime(2024, 3, 1, tzinfo=UTC)
MAY = datetime(2024, 5, 1, tzinfo=UTC)


def played(title_id: str, name: str, platform: str = "PS5", minutes: int = 60) -> PlayedTitle:
    return PlayedTitle(title_id, name, f"https://img/{title_id}", platform, minutes, MARCH)


def trophies(np_id: str, name: str, platforms: str = "PS5", defined: int = 20) -> TrophyTitle:
    return TrophyTitle(
        np_id,
        "trophy2" if "PS5" in platforms else "trophy",
        name,
        f"https://icon/{np_id}",
        frozenset(platforms.split(",")),
        MAY,
        defined,
        3,
    )


def test_it_attaches_a_trophy_set_to_the_played_title_of_the_same_game() -> None:
    games, sets = merge_titles(
        [played("PPSA01411_00", "Returnal™"), played("CUSA00552_00", "Bloodborne", "PS4")],
        [
            trophies("NPWR20188_00", "Returnal Trophies"),
            trophies("NPWR07897_00", "Bloodborne™", "PS4"),
        ],
    )

    assert sorted(g.external_id for g in games) == ["CUSA00552_00", "PPSA01411_00"]
    returnal = next(g for g in games if g.external_id == "PPSA01411_00")
    assert returnal.name == "Returnal™" and returnal.has_stats
    assert returnal.playtime_minutes == 60 and returnal.last_played == MARCH
    assert sets["PPSA01411_00"] == TrophySetRef("NPWR20188_00", "trophy2")
    assert sets["CUSA00552_00"] == TrophySetRef("NPWR07897_00", "trophy")


def test_it_keeps_ps3_vita_and_psp_games_from_the_trophy_list_under_their_trophy_set_id() -> None:
    games, sets = merge_titles(
        [played("CUSA00001_00", "Journey", "PS4")],
        [
            trophies("NPWR00001_00", "Journey™ Trophies", "PS4"),
            trophies("NPWR00002_00", "Journey", "PS3"),
            trophies("NPWR00003_00", "Gravity Rush", "PSVITA"),
            trophies("NPWR00004_00", "Uncharted 2", "PS3,PSVITA"),
        ],
    )

    by_id = {g.external_id: g for g in games}
    assert set(by_id) == {"CUSA00001_00", "NPWR00002_00", "NPWR00003_00", "NPWR00004_00"}
    legacy = by_id["NPWR00002_00"]
    # The PS3 release of a game is a release of its own, never merged into the PS4 one.
    assert legacy.name == "Journey" and legacy.playtime_minutes == 0
    assert legacy.last_played == MAY and legacy.has_stats
    assert sets["NPWR00003_00"] == TrophySetRef("NPWR00003_00", "trophy")


def test_it_keeps_one_entry_per_title_id_and_per_trophy_set_when_pages_repeat() -> None:
    games, _ = merge_titles(
        [played("PPSA00001_00", "Astro", minutes=10), played("PPSA00001_00", "Astro", minutes=90)],
        [trophies("NPWR00009_00", "Astro"), trophies("NPWR00009_00", "Astro")],
    )

    assert [(g.external_id, g.playtime_minutes) for g in games] == [("PPSA00001_00", 90)]


def test_it_asks_sony_which_trophy_set_a_title_has_only_for_what_names_left_unmatched() -> None:
    asked: list[list[str]] = []

    def lookup(title_ids: Sequence[str]) -> dict[str, list[TrophySetRef]]:
        asked.append(list(title_ids))
        return {"PPSA00002_00": [TrophySetRef("NPWR00022_00", "trophy2")]}

    games, sets = merge_titles(
        [played("PPSA00001_00", "Dreams"), played("PPSA00002_00", "Demon's Souls")],
        [trophies("NPWR00011_00", "Dreams"), trophies("NPWR00022_00", "Demon's Souls Remake")],
        lookup,
    )

    assert asked == [["PPSA00002_00"]]
    assert sorted(g.external_id for g in games) == ["PPSA00001_00", "PPSA00002_00"]
    assert sets["PPSA00002_00"].np_communication_id == "NPWR00022_00"


def test_it_does_not_ask_sony_when_every_modern_trophy_set_matched_by_name() -> None:
    def lookup(title_ids: Sequence[str]) -> dict[str, list[TrophySetRef]]:
        raise AssertionError("no mapping request was needed")

    games, _ = merge_titles(
        [played("PPSA00001_00", "Dreams"), played("PPSA00003_00", "Knack")],
        [trophies("NPWR00011_00", "Dreams"), trophies("NPWR00033_00", "Killzone", "PS3")],
        lookup,
    )
    assert len(games) == 3


# --- through the fake -----------------------------------------------------------------------------


@pytest.fixture
def world() -> PsnWorld:
    return generate_playstation_world(160, seed=3)


@pytest.fixture
def psn(settings: Any, world: PsnWorld) -> Iterator[FakePlayStation]:
    with aimed_fake(settings, world) as fake:
        yield fake


def test_it_lists_every_game_of_both_lists_once(psn: FakePlayStation, world: PsnWorld) -> None:
    credentials, account = connected(psn)
    renamed = [
        t
        for t in world.titles
        if t.np_id and world.trophy_set(t.np_id).name != f"{t.name} Trophies"  # type: ignore[union-attr]
    ]
    assert renamed, "the world must exercise the mapping endpoint"
    attached = {t.np_id for t in world.titles if t.np_id}
    expected = {t.title_id for t in world.titles} | {
        s.np_id for s in world.trophy_sets if s.np_id not in attached
    }
    before = psn.mapping_requests

    with psn_client(credentials) as client:
        games = client.get_owned_games(account)

    assert {g.external_id for g in games} == expected
    assert len(games) == len(expected)
    # Only the titles names could not tie are looked up, a few ids a request.
    unmatched = sum(1 for t in world.titles if not t.np_id) + len(renamed)
    assert psn.mapping_requests - before == -(-unmatched // MAPPING_BATCH)
    by_id = {g.external_id: g for g in games}
    title = world.titles[10]
    assert by_id[title.title_id].name == title.name
    assert by_id[title.title_id].has_stats == (title.np_id is not None)
    legacy = next(s for s in world.trophy_sets if s.platforms in ("PS3", "PSVITA", "PSP"))
    assert by_id[legacy.np_id].playtime_minutes == 0
    assert by_id[legacy.np_id].last_played is not None


def test_it_reads_playtime_and_last_played_from_the_played_list(
    psn: FakePlayStation, world: PsnWorld
) -> None:
    credentials, account = connected(psn)
    title = world.titles[7]
    title.duration = "PT12H34M56S"
    title.last_played = "2024-11-02T21:15:09.120Z"

    with psn_client(credentials) as client:
        game = next(g for g in client.get_owned_games(account) if g.external_id == title.title_id)

    assert game.playtime_minutes == 754
    assert game.last_played == datetime(2024, 11, 2, 21, 15, 9, 120000, tzinfo=UTC)
