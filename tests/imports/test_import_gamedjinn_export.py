"""The gamedjinn file source: our own export, checked whole (an older export, someone else's JSON
or a cut-short file is one sentence and writes nothing), a bad entry left out with its place, and
the command printing the first restored library's id."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from libraries.models import Library, LibraryGame
from libraries.services.imports import import_file
from libraries.services.libraries import LibraryError

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _export(**changes):
    data = {
        "format": "gamedjinn",
        "version": 2,
        "exported_at": "2026-03-01T10:00:00+00:00",
        "filters": {},
        "count": 1,
        "games": [],
        "libraries": [
            {
                "platform": "gog",
                "account": "48628349957132247",
                "name": "GOG",
                "sync_enabled": True,
                "sync_interval_hours": 24,
                "entries": [
                    {
                        "store": "gog",
                        "store_id": "1207658924",
                        "store_name": "Beneath a Steel Sky",
                        "game": "gog:1207658924",
                        "playtime_minutes": 240,
                        "status": "completed",
                        "user_rating": 8,
                        "added_at": "2025-01-01T00:00:00+00:00",
                        "snapshots": [["2025-06-01", 120], ["2025-07-01", 240]],
                    },
                    {"store": "gog", "playtime_minutes": 5},
                ],
            },
            {"platform": "manual", "account": "manual", "name": "Manual entries", "entries": []},
        ],
        "game_records": [],
        "matches": [],
        "collections": [{"name": "Old favourites", "rules": {"status": "completed"}}],
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("content", "sentence"),
    [
        (
            json.dumps({"exported_at": "x", "count": 0, "games": []}),
            "made by an older Game Djinn and holds only the game list",
        ),
        (json.dumps([{"Name": "Portal"}]), "This is not a Game Djinn export."),
        (json.dumps(_export())[:200], "is not valid JSON"),
        (json.dumps(_export(version=7)), "is version 7; this Game Djinn reads up to version 2"),
        (json.dumps(_export(libraries=[])), "holds no library"),
    ],
)
def test_a_file_that_is_not_a_complete_export_is_one_sentence(alice, tmp_path, content, sentence):
    path = tmp_path / "export.json"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(LibraryError) as caught:
        import_file(alice, "gamedjinn", path, enqueue=False)

    assert sentence in caught.value.message
    assert not Library.objects.exists()


def test_the_command_restores_each_library_and_prints_the_first_id(alice, tmp_path, capsys):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(_export()), encoding="utf-8")

    call_command("importlibrary", "gamedjinn", str(path), "--owner", "alice")

    out = capsys.readouterr()
    first = Library.objects.get(pk=int(out.out.strip().splitlines()[-1]))
    assert (first.platform.code, first.user_identifier) == ("gog", "48628349957132247")
    assert first.reconnect_reason  # an account comes back signed out
    assert Library.objects.filter(owner=alice).count() == 2
    entry = LibraryGame.objects.get()
    assert (entry.status, entry.user_rating, entry.playtime_minutes) == ("completed", 8, 240)
    assert sorted(entry.snapshots.values_list("playtime_minutes", flat=True)) == [120, 240]
    assert "left out library 1, entry 2: it names no release" in out.err
    assert alice.collections.get().rules == {"status": "completed"}

    with pytest.raises(CommandError):
        bad = tmp_path / "bad.json"
        bad.write_text("{}", encoding="utf-8")
        call_command("importlibrary", "gamedjinn", str(bad), "--owner", "alice")
