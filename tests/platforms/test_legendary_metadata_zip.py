"""A zip of Legendary's metadata folder (and `legendary list --json`): every owned game and DLC,
read in memory, titles exactly, DLC linked to its base game through Epic's catalogue items."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from platforms.integrations.legendary.reader import LIBRARY_ACCOUNT, read_legendary_file
from platforms.integrations.legendary.sample import (
    SampleEpicGame,
    build_list_json,
    build_metadata_zip,
    metadata_document,
    owned_games,
    sample_epic_games,
)

FULL_WIDTH = "\uff26\uff55\uff4c\uff4c \uff57\uff49\uff44\uff54\uff48 \u00c5ventyr\u2122"
GAMES = [
    SampleEpicGame("Catnip", "Borderlands 2"),
    SampleEpicGame("CatnipDLC1", "Borderlands 2 \u2013 Tiny Tina", parent="Catnip"),
    SampleEpicGame("9d2d0eb64d5c44529cece33fe2a46482", FULL_WIDTH),
    SampleEpicGame("Flour", "Bonus Soundtrack", dlc_of_unowned="Heron"),
    SampleEpicGame("b0a6e5c3a1f84e3e8e1e0c1d2f3a4b5c", "Forest Pack", ue_asset=True),
]
EXPECTED = {
    "Catnip": ("Borderlands 2", False, ""),
    "CatnipDLC1": ("Borderlands 2 \u2013 Tiny Tina", True, "Catnip"),
    "9d2d0eb64d5c44529cece33fe2a46482": (FULL_WIDTH, False, ""),
    # The base game is not owned: its app name comes from the DLC's mainGameItem.
    "Flour": ("Bonus Soundtrack", True, "Heron"),
}


def _read(path: Path) -> dict[str, tuple[str, bool, str]]:
    imported = read_legendary_file(path)
    assert imported.account_id == LIBRARY_ACCOUNT
    return {g.external_id: (g.name, g.is_dlc, g.parent_external_id) for g in imported.owned}


@pytest.mark.parametrize("folder", ["metadata/", "", "legendary/metadata/"])
def test_it_reads_each_games_metadata_file_wherever_the_zip_puts_it(
    tmp_path: Path, folder: str
) -> None:
    path = build_metadata_zip(tmp_path / "metadata.zip", GAMES, folder=folder)
    assert _read(path) == EXPECTED


def test_unreal_engine_marketplace_items_are_left_out_and_said_so(tmp_path: Path) -> None:
    imported = read_legendary_file(build_metadata_zip(tmp_path / "m.zip", GAMES))

    assert imported.skipped == [
        ("b0a6e5c3a1f84e3e8e1e0c1d2f3a4b5c", "an Unreal Engine Marketplace item, not a game")
    ]


def test_a_dlc_is_linked_by_its_base_games_catalogue_item(tmp_path: Path) -> None:
    # Some catalogue items carry no releaseInfo; the base game's item id still names it.
    dlc = metadata_document(GAMES[1], {g.app_name: g for g in GAMES})
    del dlc["metadata"]["mainGameItem"]["releaseInfo"]
    path = build_metadata_zip(
        tmp_path / "m.zip", GAMES[:1], extra={"metadata/CatnipDLC1.json": json.dumps(dlc).encode()}
    )

    assert _read(path)["CatnipDLC1"] == ("Borderlands 2 \u2013 Tiny Tina", True, "Catnip")


def test_macos_companions_and_other_files_are_ignored(tmp_path: Path) -> None:
    path = build_metadata_zip(
        tmp_path / "m.zip",
        GAMES,
        extra={
            "__MACOSX/metadata/._Catnip.json": b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X",
            "metadata/.DS_Store": b"\x00\x00\x00\x01Bud1",
            "installed.json": b"{}",
            "metadata/broken.json": b'{"app_name": "Bro',
        },
    )

    imported = read_legendary_file(path)

    assert {g.external_id for g in imported.owned} == set(EXPECTED)
    assert ("metadata/broken.json", "not readable JSON") in imported.skipped


def test_the_same_game_twice_in_a_zip_is_one_entry(tmp_path: Path) -> None:
    copy = json.dumps(metadata_document(GAMES[0])).encode()
    path = build_metadata_zip(tmp_path / "m.zip", GAMES, extra={"copy/Catnip.json": copy})

    assert [g.external_id for g in read_legendary_file(path).owned].count("Catnip") == 1


def test_a_zip_is_read_in_memory_and_left_as_it_was(tmp_path: Path) -> None:
    path = build_metadata_zip(tmp_path / "m.zip", GAMES)
    before = path.read_bytes()

    read_legendary_file(path)

    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.zip"]


def test_a_large_sample_library_reads_whole(tmp_path: Path) -> None:
    games = sample_epic_games(600, seed=11)
    imported = read_legendary_file(build_metadata_zip(tmp_path / "m.zip", games))

    assert [(g.external_id, g.name, g.is_dlc, g.parent_external_id) for g in imported.owned] == [
        (g.app_name, g.title, g.is_dlc, g.expected_parent) for g in owned_games(games)
    ]


def test_legendary_list_json_reads_like_the_metadata_folder(tmp_path: Path) -> None:
    games = sample_epic_games(300, seed=12)
    from_list = read_legendary_file(build_list_json(tmp_path / "list.json", games))
    from_zip = read_legendary_file(build_metadata_zip(tmp_path / "m.zip", games))

    assert from_list.owned == from_zip.owned
    assert from_list.account_id == from_zip.account_id == LIBRARY_ACCOUNT


def test_an_ordinary_zip_writer_is_read_too(tmp_path: Path) -> None:
    # Stored (uncompressed) members, as some tools write them.
    path = tmp_path / "stored.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("metadata/Catnip.json", json.dumps(metadata_document(GAMES[0])))

    assert _read(path) == {"Catnip": ("Borderlands 2", False, "")}
