"""export_library: JSON or CSV of a filtered library, never credentials, safe in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json

import pytest

from games.queries import LibraryFilters
from games.services.export import COLUMNS, export_library
from tests.games.world import own


def test_it_exports_the_filtered_library_as_csv(alice, game_world):
    result = export_library(alice, LibraryFilters(genre="RPG"), "csv")
    rows = list(csv.DictReader(io.StringIO(result.content)))
    assert tuple(rows[0]) == COLUMNS
    assert [(r["title"], r["platform"], r["playtime_minutes"]) for r in rows] == [
        ("Disco Elysium", "steam", "0"),
        # A game's copies follow in store order, so two installs list them alike.
        ("Stardew Valley", "gog", "300"),
        ("Stardew Valley", "steam", "6000"),
    ]
    assert result.rows == 3 and result.media_type == "text/csv"
    assert rows[-1]["genres"] == "RPG; Simulation"


def test_it_exports_json_with_the_filters_used(alice, game_world):
    result = export_library(alice, LibraryFilters(status="playing"), "json")
    data = json.loads(result.content)
    assert data["filters"] == {"status": "playing"}
    assert data["count"] == 3
    assert {game["title"] for game in data["games"]} == {"Hades", "Stardew Valley"}
    assert result.filename.endswith(".json")


def test_it_never_exports_credentials_or_account_secrets(alice, game_world):
    stored_key = game_world.alice_steam.credentials["api_key"]
    for export_format in ("json", "csv"):
        content = export_library(alice, LibraryFilters(), export_format).content
        assert stored_key not in content
        assert "api_key" not in content and "credentials" not in content


def test_it_defuses_titles_a_spreadsheet_would_run_as_formulas(alice, game_world):
    own(game_world.alice_steam, '=HYPERLINK("http://evil.example","Free DLC")')
    rows = list(csv.DictReader(io.StringIO(export_library(alice, LibraryFilters(), "csv").content)))
    evil = next(r for r in rows if "HYPERLINK" in r["title"])
    assert evil["title"].startswith("'=")


def test_it_exports_nothing_above_the_cap(charlie, game_world):
    data = json.loads(export_library(charlie, LibraryFilters(), "json").content)
    assert [game["title"] for game in data["games"]] == ["Kids Kart"]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_it_defuses_every_formula_start_in_every_text_column(alice, game_world, start):
    library = game_world.alice_steam
    library.display_name = f"{start}1+1 library"
    library.save()
    entry = own(library, f"{start}cmd|'/c calc'!A1", genres=(f"{start}genre",))
    game = entry.release.game
    game.developers = [f"{start}dev"]
    game.publishers = [f"{start}pub"]
    game.save()
    entry.release.external_id = f"{start}42"
    entry.release.save()
    rows = list(csv.DictReader(io.StringIO(export_library(alice, LibraryFilters(), "csv").content)))
    row = next(r for r in rows if "calc" in r["title"])
    for column in ("title", "library", "store_id", "genres", "developers", "publishers"):
        assert row[column].startswith("'" + start), (column, row[column])
    assert all(r["library"].startswith("'") for r in rows if r["platform"] == "steam")
