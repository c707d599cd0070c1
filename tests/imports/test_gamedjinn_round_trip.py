"""Our own JSON export is a complete copy of the user's data: exported from one install and
imported into a fresh one (every table emptied), the two exports compare equal. Only what must
differ is left out of the comparison: the export's own time (exported_at) and the database ids
of games (game_id in the flat rows); libraries, entries and games are keyed without ids."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from games.models import Collection, Game, Genre, Match
from games.queries import LibraryFilters
from games.services.curation import merge_games
from games.services.export import export_library
from games.services.manual import add_manual_game
from libraries.models import Library, LibraryGame, PlaytimeSnapshot
from libraries.services.imports import import_file
from platforms.integrations.playnite.sample import SampleGame, build_playnite_csv
from platforms.sync_rows import sync_platform_rows
from tests.factories import GameFactory, LibraryFactory, LibraryGameFactory, ReleaseFactory
from tests.imports.helpers import run_import

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PLAYED = datetime(2026, 2, 1, 21, 0, tzinfo=UTC)


def _build_household(alice) -> None:
    steam = LibraryFactory(owner=alice, display_name="Alice on Steam", sync_interval_hours=6)
    action = Genre.objects.create(name="Action")
    portal = GameFactory(title="Portal 2", developers=["Valve"], metacritic_score=95)
    portal.genres.add(action)
    on_steam = LibraryGameFactory(
        library=steam,
        release=ReleaseFactory(game=portal, external_id="620"),
        playtime_minutes=600,
        last_played_at=PLAYED,
        status="completed",
        user_rating=9,
        notes="Co-op with Bob",
        started_on=date(2025, 12, 1),
        finished_on=date(2026, 1, 2),
        external_ids={"igdb": "72"},
        user_edited_fields=["status", "user_rating"],
    )
    PlaytimeSnapshot.objects.create(entry=on_steam, taken_on=date(2026, 1, 1), playtime_minutes=300)
    PlaytimeSnapshot.objects.create(entry=on_steam, taken_on=date(2026, 1, 2), playtime_minutes=600)
    LibraryGameFactory(library=steam, hidden=True, release=ReleaseFactory(store_name="Hidden"))
    LibraryGameFactory(
        library=steam, removed_at=PLAYED, release=ReleaseFactory(store_name="Gone Game")
    )
    # Sync data: a Playnite import (GOG's Portal 2 among it), joined with Steam's.
    path = build_playnite_csv(
        alice.tmp / "playnite.csv",
        [
            SampleGame("Portal 2", source="GOG", game_id="1207658000", seconds=3600),
            SampleGame("Celeste", source="Epic", game_id="celeste", completion="Playing"),
            SampleGame("Zelda", source="", platforms=("Nintendo Switch",), score=100),
        ],
    )
    run_import(alice, "playnite", path)
    gog_portal = LibraryGame.objects.get(release__external_id="1207658000").release.game
    if gog_portal != portal:  # the matcher joins equal titles of two stores by itself
        merge_games(portal, [gog_portal], user=alice)
    assert LibraryGame.objects.get(release__external_id="1207658000").release.game_id == portal.pk
    add_manual_game(alice, "Metroid Dread", platform="Nintendo Switch", status="playing")
    Collection.objects.create(owner=alice, name="Co-op", rules={"q": "portal"})


def _export(user) -> dict:
    return json.loads(export_library(user, LibraryFilters(), "json").content)


def _comparable(export: dict) -> dict:
    export = dict(export)
    export.pop("exported_at")
    export["games"] = [{k: v for k, v in row.items() if k != "game_id"} for row in export["games"]]
    return export


def test_it_recreates_the_libraries_in_a_fresh_install(alice, tmp_path):
    alice.tmp = tmp_path
    _build_household(alice)
    first = _export(alice)
    assert {library["name"] for library in first["libraries"]} == {
        "Alice on Steam",
        "Playnite",
        "Manual entries",
    }
    assert len(first["matches"]) == 1
    path = tmp_path / "export.json"
    path.write_text(json.dumps(first), encoding="utf-8")

    call_command("flush", interactive=False, verbosity=0)
    assert not Library.objects.exists() and not get_user_model().objects.exists()
    assert not Game.objects.exists()
    sync_platform_rows()  # flush re-seeds them too (post_migrate); a fresh install has them
    newcomer = get_user_model().objects.create(username="alice")
    _, run, _ = import_file(newcomer, "gamedjinn", path, enqueue=False)

    assert Library.objects.filter(owner=newcomer).count() == 3
    assert run.status == "succeeded"
    second = _export(newcomer)
    assert _comparable(second) == _comparable(first)
    steam = Library.objects.get(owner=newcomer, platform__code="steam")
    assert steam.credentials == {} and steam.reconnect_reason
    assert Match.objects.count() == 1


def test_importing_the_same_export_again_changes_nothing(alice, tmp_path):
    alice.tmp = tmp_path
    _build_household(alice)
    first = _export(alice)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(first), encoding="utf-8")

    _, run, _ = import_file(alice, "gamedjinn", path, enqueue=False)

    assert (run.games_added, run.games_updated) == (0, 0)
    assert _comparable(_export(alice)) == _comparable(first)
