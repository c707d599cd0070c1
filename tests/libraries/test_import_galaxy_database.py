"""Importing a GOG Galaxy database: every store's releases land on their own store, the same store
id is the same release whichever library brought it, a newer file updates in place, and a bad
file gets one sentence and writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from games.models import Game, Release
from libraries.models import Library, LibraryGame, SyncRun
from libraries.services.imports import import_file, imports_dir
from libraries.services.libraries import LibraryError
from libraries.services.sync import perform_run
from platforms.integrations.galaxy.sample import SampleRelease, build_galaxy_db
from tests.factories import LibraryFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Full-width letters, an accent and a trademark sign: kept exactly as the file has them.
FULL_WIDTH_TITLE = "\uff26\uff55\uff4c\uff4c \uff57\uff49\uff44\uff54\uff48 \u00c5ventyr\u2122"
PLAYED = datetime(2026, 3, 1, 20, 30, tzinfo=UTC)
BOUGHT = datetime(2024, 12, 24, 9, 0, tzinfo=UTC)
RELEASES = [
    SampleRelease(
        "gog_1207664643",
        title="The Witcher 3: Wild Hunt",
        minutes=6000,
        last_played=PLAYED,
        purchased=BOUGHT,
    ),
    SampleRelease("steam_620", title="Portal 2", minutes=90),
    SampleRelease("epic_9d2d0eb64d5c44529cece33fe2a46482", title=FULL_WIDTH_TITLE),
    SampleRelease("gog_1207664663", title="Hearts of Stone", is_dlc=True),
    SampleRelease("gog_1495134320", title="Hidden Gem", hidden=True),
    SampleRelease("xboxone_CFQ7TTC0KHS0", title="Game Pass Title", owned=False),
]


def _import(owner, path: Path, **options):
    library, run, imported = import_file(owner, "galaxy", path, enqueue=False, **options)
    perform_run(run.pk)
    run.refresh_from_db()
    return library, run, imported


def _entries(library: Library) -> dict[tuple[str, str], LibraryGame]:
    return {
        (entry.release.platform.code, entry.release.external_id): entry
        for entry in LibraryGame.objects.filter(library=library).select_related(
            "release__platform", "release__game"
        )
    }


def test_it_imports_each_release_on_its_own_store(alice, tmp_path):
    path = build_galaxy_db(tmp_path / "galaxy-2.0.db", RELEASES)

    library, run, imported = _import(alice, path)

    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    assert library.platform.code == "galaxy"
    entries = _entries(library)
    assert set(entries) == {
        ("gog", "1207664643"),
        ("steam", "620"),
        ("epic", "9d2d0eb64d5c44529cece33fe2a46482"),
        ("gog", "1207664663"),
        ("gog", "1495134320"),
    }
    witcher = entries[("gog", "1207664643")]
    assert witcher.release.game.title == "The Witcher 3: Wild Hunt"
    assert (witcher.playtime_minutes, witcher.last_played_at, witcher.acquired_at) == (
        6000,
        PLAYED,
        BOUGHT,
    )
    assert entries[("epic", "9d2d0eb64d5c44529cece33fe2a46482")].release.game.title == (
        FULL_WIDTH_TITLE
    )
    assert entries[("gog", "1207664663")].release.game.game_type == Game.Type.DLC
    assert entries[("gog", "1495134320")].hidden
    assert [why for _, why in imported.skipped] == ["Game Pass subscription title: not owned"]


def test_the_same_store_id_is_the_same_release_whichever_library_brought_it(alice, tmp_path):
    steam_library = LibraryFactory(owner=alice)
    portal = Release.objects.create(
        platform=steam_library.platform,
        external_id="620",
        game=Game.objects.create(title="Portal 2"),
        has_stats=True,
    )
    path = build_galaxy_db(tmp_path / "galaxy-2.0.db", RELEASES)

    library, _, _ = _import(alice, path)

    entry = _entries(library)[("steam", "620")]
    assert entry.release_id == portal.pk
    portal.refresh_from_db()
    assert portal.has_stats  # Galaxy says nothing of Steam's stats: Steam's word stays
    assert Release.objects.filter(platform__code="steam", external_id="620").count() == 1


def test_a_newer_file_updates_in_place_and_flags_what_left(alice, tmp_path):
    first = build_galaxy_db(tmp_path / "first.db", RELEASES)
    library, _, _ = _import(alice, first)
    first_copy = imports_dir() / library.credentials["file"]
    newer = [
        SampleRelease(
            "gog_1207664643",
            title="The Witcher 3: Wild Hunt",
            minutes=6100,
            last_played=PLAYED,
            purchased=BOUGHT,
        ),
        *RELEASES[1:3],
    ]
    second = build_galaxy_db(tmp_path / "second.db", newer)

    again, run, _ = _import(alice, second)

    assert again.pk == library.pk
    assert Library.objects.filter(owner=alice).count() == 1
    assert (run.games_added, run.games_updated, run.games_removed) == (0, 1, 2)
    entries = _entries(library)
    assert entries[("gog", "1207664643")].playtime_minutes == 6100
    assert entries[("gog", "1207664663")].removed_at is not None
    assert not first_copy.exists()  # the previous copy is gone
    assert (imports_dir() / Library.objects.get(pk=library.pk).credentials["file"]).exists()


def test_reimporting_the_same_file_changes_nothing(alice, tmp_path):
    path = build_galaxy_db(tmp_path / "galaxy-2.0.db", RELEASES)
    _import(alice, path)
    games, releases = Game.objects.count(), Release.objects.count()

    _, run, _ = _import(alice, path)

    assert (run.games_added, run.games_updated, run.games_unchanged) == (0, 0, 5)
    assert (Game.objects.count(), Release.objects.count()) == (games, releases)


@pytest.mark.parametrize(
    ("content", "sentence"),
    [
        (b"this is not a database at all" * 100, "not a GOG Galaxy database"),
        (b"", "not a GOG Galaxy database"),
    ],
)
def test_a_file_that_is_not_a_galaxy_database_writes_nothing(alice, tmp_path, content, sentence):
    path = tmp_path / "junk.db"
    path.write_bytes(content)
    stored_before = set(imports_dir().iterdir())

    with pytest.raises(LibraryError) as raised:
        import_file(alice, "galaxy", path, enqueue=False)

    assert sentence.lower() in raised.value.message.lower()
    assert not Library.objects.exists()
    assert not SyncRun.objects.exists()
    assert set(imports_dir().iterdir()) == stored_before


def test_a_truncated_database_writes_nothing(alice, tmp_path):
    whole = build_galaxy_db(tmp_path / "whole.db", RELEASES)
    cut = tmp_path / "cut.db"
    cut.write_bytes(whole.read_bytes()[:4096])

    with pytest.raises(LibraryError):
        import_file(alice, "galaxy", cut, enqueue=False)

    assert not Library.objects.exists()


def test_the_command_prints_the_library_id_last(alice, tmp_path, capsys):
    path = build_galaxy_db(tmp_path / "galaxy-2.0.db", RELEASES)

    call_command("importlibrary", "galaxy", str(path), "--owner", "alice", "--name", "Galaxy PC")

    out = capsys.readouterr().out.strip().splitlines()
    library = Library.objects.get(pk=int(out[-1]))
    assert (library.owner, library.display_name) == (alice, "Galaxy PC")
    assert LibraryGame.objects.filter(library=library).count() == 5


def test_the_command_says_why_a_file_is_refused(alice, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")

    with pytest.raises(CommandError, match="GOG Galaxy database"):
        call_command("importlibrary", "galaxy", str(path), "--owner", "alice")
    assert not Library.objects.exists()
