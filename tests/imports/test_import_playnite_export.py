"""Importing Playnite's Library Exporter file (CSV or JSON): each game lands on the store its
source names with the store's id, games from no store land on "manual" by device and title, and
the player's own data (time played, last played, status, score, notes, hidden) comes along."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from libraries.models import LibraryGame
from platforms.integrations.playnite.sample import (
    HEADER,
    SampleGame,
    build_playnite_csv,
    build_playnite_json,
)
from tests.imports.helpers import entries, run_import

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PLAYED = datetime(2026, 3, 14, 20, 30, tzinfo=UTC)
GAMES = [
    SampleGame(
        "Portal 2",
        source="Steam",
        game_id="620",
        seconds=5400,
        last_played=PLAYED,
        completion="Beaten",
        score=90,
        notes='Co-op with Bob, "twice"',
    ),
    SampleGame("The Witcher 3", source="GOG", game_id="1207664643", completion="Playing"),
    SampleGame("Hidden Thing", source="Epic", game_id="fngame", hidden=True, score=0),
    SampleGame("Super Mario Odyssey", source="", platforms=("Nintendo Switch",), seconds=600),
]


def _check(library) -> None:
    found = entries(library)
    assert set(found) == {
        ("steam", "620"),
        ("gog", "1207664643"),
        ("epic", "fngame"),
        ("manual", "nintendo-switch:super-mario-odyssey"),
    }
    portal = found[("steam", "620")]
    assert (portal.playtime_minutes, portal.last_played_at) == (90, PLAYED)
    assert (portal.status, portal.user_rating, portal.notes) == (
        LibraryGame.Status.COMPLETED,
        9,
        'Co-op with Bob, "twice"',
    )
    assert found[("gog", "1207664643")].status == LibraryGame.Status.PLAYING
    hidden = found[("epic", "fngame")]
    assert hidden.hidden and hidden.user_rating is None
    mario = found[("manual", "nintendo-switch:super-mario-odyssey")]
    assert (mario.release.game.title, mario.playtime_minutes) == ("Super Mario Odyssey", 10)


def test_it_imports_the_csv_export(alice, tmp_path):
    library, run, _ = run_import(alice, "playnite", build_playnite_csv(tmp_path / "p.csv", GAMES))
    assert run.games_added == 4
    _check(library)


def test_it_imports_the_json_export(alice, tmp_path):
    library, _, _ = run_import(alice, "playnite", build_playnite_json(tmp_path / "p.json", GAMES))
    _check(library)


def test_it_reads_a_bom_and_any_column_order(alice, tmp_path):
    header = list(reversed(HEADER))
    path = build_playnite_csv(tmp_path / "p.csv", GAMES, header=header, bom=True)
    library, _, _ = run_import(alice, "playnite", path)
    _check(library)


def test_reimporting_the_same_file_changes_nothing(alice, tmp_path):
    path = build_playnite_csv(tmp_path / "p.csv", GAMES)
    run_import(alice, "playnite", path)
    _library, run, _ = run_import(alice, "playnite", path)
    assert (run.games_added, run.games_updated, run.games_unchanged) == (0, 0, 4)
