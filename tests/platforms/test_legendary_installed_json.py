"""Legendary's installed.json: the games installed on one computer, titles exactly as Legendary
wrote them (escaped as \\uXXXX in the file), DLC flagged, in a library of its own."""

from __future__ import annotations

import json
from pathlib import Path

from platforms.integrations.legendary.reader import (
    INSTALLED_ACCOUNT,
    LIBRARY_ACCOUNT,
    read_legendary_file,
)
from platforms.integrations.legendary.sample import SampleEpicGame, build_installed_json

FULL_WIDTH = "\uff26\uff55\uff4c\uff4c \uff57\uff49\uff44\uff54\uff48 \u00c5ventyr\u2122"
GAMES = [
    SampleEpicGame("Sugar", "Rocket League®", installed=True),
    SampleEpicGame("9d2d0eb64d5c44529cece33fe2a46482", FULL_WIDTH, installed=True),
    SampleEpicGame("Catnip", "Borderlands 2", installed=False),
    SampleEpicGame("CatnipDLC1", "Borderlands 2 \u2013 Tiny Tina", parent="Catnip", installed=True),
]


def test_it_reads_each_installed_game_with_its_title_exactly(tmp_path: Path) -> None:
    path = build_installed_json(tmp_path / "installed.json", GAMES)
    assert "\\uff26" in path.read_text(encoding="utf-8")  # Legendary escapes non-ASCII

    imported = read_legendary_file(path)

    assert {g.external_id: g.name for g in imported.owned} == {
        "Sugar": "Rocket League®",
        "9d2d0eb64d5c44529cece33fe2a46482": FULL_WIDTH,
        "CatnipDLC1": "Borderlands 2 \u2013 Tiny Tina",
    }
    assert all(g.store == "" and g.playtime_minutes == 0 for g in imported.owned)


def test_it_flags_dlc(tmp_path: Path) -> None:
    imported = read_legendary_file(build_installed_json(tmp_path / "installed.json", GAMES))

    assert {g.external_id for g in imported.owned if g.is_dlc} == {"CatnipDLC1"}


def test_it_is_a_library_of_its_own_beside_the_whole_library(tmp_path: Path) -> None:
    imported = read_legendary_file(build_installed_json(tmp_path / "installed.json", GAMES))

    assert imported.account_id == INSTALLED_ACCOUNT != LIBRARY_ACCOUNT
    assert imported.display_name


def test_a_computer_with_nothing_installed_is_an_empty_library(tmp_path: Path) -> None:
    path = tmp_path / "installed.json"
    path.write_text("{}\n", encoding="utf-8")

    imported = read_legendary_file(path)

    assert (imported.account_id, imported.owned) == (INSTALLED_ACCOUNT, [])


def test_a_title_missing_or_blank_falls_back_to_the_app_name(tmp_path: Path) -> None:
    path = tmp_path / "installed.json"
    path.write_text(
        json.dumps(
            {
                "Quail": {"app_name": "Quail", "install_path": "/g/q", "title": "   "},
                "Wren": {"app_name": "Wren", "install_path": "/g/w"},
            }
        ),
        encoding="utf-8",
    )

    assert [(g.external_id, g.name) for g in read_legendary_file(path).owned] == [
        ("Quail", "Quail"),
        ("Wren", "Wren"),
    ]
