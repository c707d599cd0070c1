"""Games added by hand: one service behind REST, MCP and the web. A manual game lives in the
owner's "Manual entries" library, is a release like any other (the same release an import of
that game on that device makes), and only its owner can change or delete it."""

from __future__ import annotations

import json
from datetime import date

import pytest

from games.queries import LibraryFilters
from games.services import NotFound, ServiceError
from games.services.export import export_library
from games.services.manual import (
    add_manual_game,
    delete_manual_game,
    edit_manual_game,
    manual_library,
)
from libraries.models import LibraryGame

pytestmark = pytest.mark.django_db


def test_it_adds_a_console_game_to_the_manual_library(alice):
    game = add_manual_game(
        alice,
        "  Metroid   Dread ",
        platform="Switch",
        status="completed",
        user_rating=9,
        playtime_minutes=720,
        notes="100 %",
        started_on=date(2021, 10, 8),
        finished_on=date(2021, 10, 20),
    )
    entry = LibraryGame.objects.get(pk=game.entry_id)
    assert entry.library == manual_library(alice)
    assert entry.library.display_name == "Manual entries"
    assert (entry.release.platform.code, entry.release.external_id) == (
        "manual",
        "nintendo-switch:metroid-dread",
    )
    assert (game.title, game.platform, game.status, game.user_rating) == (
        "Metroid Dread",
        "Nintendo Switch",
        "completed",
        9,
    )
    assert "status" in entry.user_edited_fields


def test_it_is_exported_like_any_other_copy(alice):
    add_manual_game(alice, "Chrono Trigger", platform="SNES")
    exported = json.loads(export_library(alice, LibraryFilters(), "json").content)
    assert [(row["title"], row["platform"]) for row in exported["games"]] == [
        ("Chrono Trigger", "manual")
    ]


def test_a_store_and_its_id_make_that_stores_release(alice):
    game = add_manual_game(alice, "Portal 2", platform="Steam", store_id="620")
    assert (game.store, game.store_id) == ("steam", "620")


def test_it_edits_and_moves_the_entry_when_the_platform_changes(alice):
    game = add_manual_game(alice, "Hades", platform="physical")
    edited = edit_manual_game(alice, game.entry_id, platform="PS5", user_rating=None, notes="x")
    assert edited.platform == "PlayStation 5"
    assert edited.notes == "x"
    assert LibraryGame.objects.get(pk=game.entry_id).release.external_id == "playstation-5:hades"


def test_it_refuses_bad_values_in_one_sentence(alice):
    with pytest.raises(ServiceError, match="status must be one of"):
        add_manual_game(alice, "X", status="done")
    with pytest.raises(ServiceError, match="needs a title"):
        add_manual_game(alice, "   ")
    add_manual_game(alice, "Hades")
    with pytest.raises(ServiceError, match="already in your games"):
        add_manual_game(alice, "Hades")


def test_only_the_owner_can_change_or_delete_it(alice, bob):
    game = add_manual_game(alice, "Hades")
    with pytest.raises(NotFound):
        edit_manual_game(bob, game.entry_id, notes="mine")
    with pytest.raises(NotFound):
        delete_manual_game(bob, game.entry_id)
    delete_manual_game(alice, game.entry_id)
    assert not LibraryGame.objects.filter(pk=game.entry_id).exists()
