"""Importing Legendary and Heroic files through `manage.py importlibrary legendary PATH`: every
entry lands as an Epic release keyed by its app name (the same release an Epic account sync
finds), titles exactly as the file has them, DLC as DLC; a re-import changes nothing; the
installed-games file is a library of its own; a bad file exits with one sentence and writes
nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from games.models import Game, Release
from libraries.models import Library, LibraryGame, SyncRun
from libraries.services.imports import imports_dir
from platforms.integrations.legendary.sample import (
    SampleEpicGame,
    build_heroic_library,
    build_installed_json,
    build_metadata_zip,
)
from platforms.models import Platform

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FULL_WIDTH = "\uff26\uff55\uff4c\uff4c \uff57\uff49\uff44\uff54\uff48 \u00c5ventyr\u2122"
GAMES = [
    SampleEpicGame("Catnip", "Borderlands 2", installed=True),
    SampleEpicGame("CatnipDLC1", "Borderlands 2 \u2013 Tiny Tina", parent="Catnip"),
    SampleEpicGame("9d2d0eb64d5c44529cece33fe2a46482", FULL_WIDTH),
    SampleEpicGame("Sugar", "Rocket League®", installed=True),
    SampleEpicGame("Kinglet", "Café Ōkami: Director\u2019s Cut"),
]


def _command(path: Path, *options: str, capsys) -> Library:
    call_command("importlibrary", "legendary", str(path), "--owner", "alice", *options)
    out = capsys.readouterr().out.strip().splitlines()
    return Library.objects.get(pk=int(out[-1]))


def _entries(library: Library) -> dict[str, LibraryGame]:
    rows = LibraryGame.objects.filter(library=library).select_related(
        "release__platform", "release__game"
    )
    assert {entry.release.platform.code for entry in rows} <= {"epic"}
    return {entry.release.external_id: entry for entry in rows}


@pytest.mark.parametrize("build", [build_heroic_library, build_metadata_zip])
def test_it_imports_each_entry_as_an_epic_release(alice, tmp_path, capsys, build) -> None:
    path = build(tmp_path / "library-file", GAMES)

    library = _command(path, capsys=capsys)

    assert (library.owner, library.platform.code) == (alice, "legendary")
    entries = _entries(library)
    assert {app: e.release.game.title for app, e in entries.items()} == {
        g.app_name: g.title for g in GAMES
    }
    assert entries["CatnipDLC1"].release.game.game_type == Game.Type.DLC
    assert entries["Catnip"].release.game.game_type != Game.Type.DLC
    run = SyncRun.objects.get(library=library)
    assert (run.status, run.games_added) == (SyncRun.Status.SUCCEEDED, 5)


def test_the_same_app_name_is_the_same_release_as_an_epic_account_finds(
    alice, tmp_path, capsys
) -> None:
    epic = Platform.objects.get(code="epic")
    rocket = Release.objects.create(
        platform=epic, external_id="Sugar", game=Game.objects.create(title="Rocket League®")
    )
    path = build_heroic_library(tmp_path / "legendary_library.json", GAMES)

    library = _command(path, capsys=capsys)

    assert _entries(library)["Sugar"].release_id == rocket.pk
    assert Release.objects.filter(platform=epic, external_id="Sugar").count() == 1


def test_reimporting_the_same_file_changes_nothing(alice, tmp_path, capsys) -> None:
    path = build_metadata_zip(tmp_path / "metadata.zip", GAMES)
    library = _command(path, capsys=capsys)
    games, releases = Game.objects.count(), Release.objects.count()

    again = _command(path, capsys=capsys)

    assert again.pk == library.pk
    run = SyncRun.objects.filter(library=library).latest("pk")
    assert (run.games_added, run.games_updated, run.games_unchanged, run.games_removed) == (
        0,
        0,
        5,
        0,
    )
    assert (Game.objects.count(), Release.objects.count()) == (games, releases)


def test_heroics_file_and_legendarys_zip_fill_one_library(alice, tmp_path, capsys) -> None:
    from_heroic = _command(build_heroic_library(tmp_path / "h.json", GAMES), capsys=capsys)
    from_zip = _command(build_metadata_zip(tmp_path / "m.zip", GAMES[:4]), capsys=capsys)

    assert from_zip.pk == from_heroic.pk
    assert _entries(from_zip)["Kinglet"].removed_at is not None  # no longer in the newer file


def test_installed_json_is_a_library_of_its_own_and_hides_nothing(alice, tmp_path, capsys) -> None:
    whole = _command(build_metadata_zip(tmp_path / "m.zip", GAMES), capsys=capsys)

    installed = _command(build_installed_json(tmp_path / "installed.json", GAMES), capsys=capsys)

    assert installed.pk != whole.pk
    assert set(_entries(installed)) == {"Catnip", "Sugar"}
    assert all(entry.removed_at is None for entry in _entries(whole).values())
    # One game, one release, whichever library brought it.
    assert Release.objects.filter(platform__code="epic", external_id="Catnip").count() == 1


def test_the_command_names_the_library(alice, tmp_path, capsys) -> None:
    path = build_heroic_library(tmp_path / "legendary_library.json", GAMES)

    library = _command(path, "--name", "Steam Deck (Heroic)", capsys=capsys)

    assert library.display_name == "Steam Deck (Heroic)"


@pytest.mark.parametrize(
    ("content", "sentence"),
    [
        (b"", "This file is empty"),
        (b'{"library": [{"app_name": "Sugar", "title": "Rock', "This file ends before its JSON"),
        ('{"Sugar": "Café"}'.encode("latin-1"), "This file is not UTF-8 text"),
        (b'{"games": []}', "This JSON file is not one of Legendary's or Heroic's library files"),
        (b"PK\x05\x06" + bytes(18), "This zip has no Legendary metadata in it"),
    ],
)
def test_a_bad_file_exits_with_one_sentence_and_writes_nothing(
    alice, tmp_path, content, sentence
) -> None:
    path = tmp_path / "upload.json"
    path.write_bytes(content)
    stored_before = set(imports_dir().iterdir())

    with pytest.raises(CommandError) as raised:
        call_command("importlibrary", "legendary", str(path), "--owner", "alice")

    message = str(raised.value)
    assert message.startswith(sentence) and "\n" not in message
    assert not Library.objects.exists()
    assert not SyncRun.objects.exists()
    assert not Release.objects.exists()
    assert set(imports_dir().iterdir()) == stored_before


def test_a_zip_bomb_writes_nothing(alice, tmp_path) -> None:
    path = build_metadata_zip(
        tmp_path / "bomb.zip", GAMES, extra={"metadata/Bomb.json": b" " * (17 * 1024 * 1024)}
    )

    with pytest.raises(CommandError, match="unpacks to far more than a metadata folder"):
        call_command("importlibrary", "legendary", str(path), "--owner", "alice")
    assert not Library.objects.exists()
