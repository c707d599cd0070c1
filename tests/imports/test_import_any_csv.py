"""Importing any CSV with a header: the mapping is guessed from the header's names (or given),
games on a store land on it, the rest on "manual" by device and title."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from libraries.models import Library
from platforms.integrations.csv.reader import guess_mapping
from tests.imports.helpers import entries, run_import

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SHEET = (
    "Game,System,Hours,My Rating,Where,Store Id,Progress\n"
    "Metroid Dread,Switch,12.5,9,,,Done\n"
    "Portal 2,,3,4,Steam,620,Playing\n"
)


def test_it_guesses_the_mapping_from_the_header():
    header = ["Game", "System", "Hours", "My Rating", "Where", "Store Id", "Progress"]
    assert guess_mapping(header) == {
        "title": "Game",
        "platform": "System",
        "store_id": "Store Id",
        "status": "Progress",
        "rating": "My Rating",
        "playtime_hours": "Hours",
    }


def test_it_imports_with_a_mapping_the_user_chose(alice, tmp_path):
    path = tmp_path / "games.csv"
    path.write_text(SHEET, encoding="utf-8")
    mapping = {"title": "Game", "platform": "Where", "store_id": "Store Id", "status": "Progress"}
    library, _, _ = run_import(alice, "csv", path, options={"mapping": mapping})
    found = entries(library)
    assert found[("steam", "620")].status == "playing"
    assert found[("manual", "other:metroid-dread")].status == "completed"


def test_the_command_takes_map_options_and_prints_the_mapping(alice, tmp_path, capsys):
    path = tmp_path / "games.csv"
    path.write_text(SHEET, encoding="utf-8")
    call_command("importlibrary", "csv", str(path), "--owner", "alice")
    out = capsys.readouterr()
    assert "title ← Game" in out.err
    library = Library.objects.get(pk=int(out.out.strip().splitlines()[-1]))
    metroid = entries(library)[("manual", "nintendo-switch:metroid-dread")]
    assert (metroid.playtime_minutes, metroid.user_rating) == (750, 9)

    call_command("importlibrary", "csv", str(path), "--owner", "alice", "--map", "platform=Where")
    out = capsys.readouterr()
    assert "platform ← Where" in out.err
