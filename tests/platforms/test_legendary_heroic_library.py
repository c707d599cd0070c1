"""Heroic's library cache (store_cache/legendary_library.json): every owned Epic game and DLC,
titles exactly as Heroic wrote them, DLC flagged and linked to the base game whose dlcList
names it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from platforms.errors import UnreadableFile
from platforms.integrations.legendary.reader import LIBRARY_ACCOUNT, read_legendary_file
from platforms.integrations.legendary.sample import (
    SampleEpicGame,
    build_heroic_library,
    heroic_library,
    owned_games,
    sample_epic_games,
)

FULL_WIDTH = "\uff26\uff55\uff4c\uff4c \uff57\uff49\uff44\uff54\uff48 \u00c5ventyr\u2122"
GAMES = [
    SampleEpicGame("Catnip", "Borderlands 2", installed=True),
    SampleEpicGame("CatnipDLC1", "Borderlands 2 \u2013 Tiny Tina", parent="Catnip"),
    SampleEpicGame("9d2d0eb64d5c44529cece33fe2a46482", FULL_WIDTH),
    SampleEpicGame("Kinglet", "Café Ōkami: Director\u2019s Cut"),
    SampleEpicGame("Flour", "Soundtrack", dlc_of_unowned="Heron"),
]


def test_it_reads_every_owned_game_and_dlc_with_titles_exactly(tmp_path: Path) -> None:
    path = build_heroic_library(tmp_path / "legendary_library.json", GAMES)
    assert FULL_WIDTH in path.read_text(encoding="utf-8")  # Heroic writes raw UTF-8

    imported = read_legendary_file(path)

    assert imported.account_id == LIBRARY_ACCOUNT
    assert {g.external_id: g.name for g in imported.owned} == {g.app_name: g.title for g in GAMES}


def test_it_flags_dlc_and_links_it_to_the_base_game_that_lists_it(tmp_path: Path) -> None:
    imported = read_legendary_file(build_heroic_library(tmp_path / "library.json", GAMES))

    flags = {g.external_id: (g.is_dlc, g.parent_external_id) for g in imported.owned}
    assert flags == {
        "Catnip": (False, ""),
        "CatnipDLC1": (True, "Catnip"),
        "9d2d0eb64d5c44529cece33fe2a46482": (False, ""),
        "Kinglet": (False, ""),
        # Heroic keeps no link from a DLC to a base game the account does not own.
        "Flour": (True, ""),
    }


def test_a_large_sample_library_reads_whole(tmp_path: Path) -> None:
    games = sample_epic_games(800, seed=3)
    imported = read_legendary_file(build_heroic_library(tmp_path / "library.json", games))

    expected = owned_games(games)
    assert [(g.external_id, g.name, g.is_dlc) for g in imported.owned] == [
        (g.app_name, g.title, g.is_dlc) for g in expected
    ]
    assert {g.external_id: g.parent_external_id for g in imported.owned} == {
        g.app_name: g.parent for g in expected
    }


def test_entries_of_other_runners_and_entries_without_an_app_are_left_out(tmp_path: Path) -> None:
    document = heroic_library(GAMES[:1])
    document["library"] += [
        {"app_name": "1207658924", "title": "Beneath a Steel Sky", "runner": "gog"},
        {"title": "no app name", "runner": "legendary"},
        "not an entry",
    ]
    path = tmp_path / "library.json"
    path.write_text(json.dumps(document), encoding="utf-8")

    imported = read_legendary_file(path)

    assert [g.external_id for g in imported.owned] == ["Catnip"]
    assert [what for what, _ in imported.skipped] == ["1207658924", "entry 3", "entry 4"]


@pytest.mark.parametrize(("runner", "store"), [("nile", "Amazon"), ("gog", "GOG")])
def test_heroics_library_of_another_store_is_refused(tmp_path: Path, runner, store) -> None:
    path = tmp_path / "library.json"
    path.write_text(
        json.dumps(
            {"library": [{"app_name": "amzn1.adg.product.x", "title": "T", "runner": runner}]}
        ),
        encoding="utf-8",
    )

    with pytest.raises(UnreadableFile) as raised:
        read_legendary_file(path)

    assert str(raised.value) == (
        f"This is Heroic's library of {store}, not of Epic: upload "
        "store_cache/legendary_library.json instead."
    )


def test_an_empty_heroic_library_is_an_empty_library(tmp_path: Path) -> None:
    path = tmp_path / "library.json"
    path.write_text('{"library": [], "__timestamp": {"library": "x"}}', encoding="utf-8")

    assert read_legendary_file(path).owned == []
