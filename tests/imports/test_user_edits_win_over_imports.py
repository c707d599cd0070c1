"""The player's own data from a file: a new entry takes it, a re-import brings changes the file
carries, and a field the user changed in Game Djinn since is never undone by any file."""

from __future__ import annotations

import pytest

from games.services.ownership import update_ownership
from libraries.models import LibraryGame
from platforms.integrations.playnite.sample import SampleGame, build_playnite_csv
from tests.imports.helpers import entries, run_import

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _file(tmp_path, name: str, **changes):
    game = SampleGame("Portal 2", game_id="620", completion="Playing", score=60, notes="first")
    fields = {**game.__dict__, **changes}
    return build_playnite_csv(tmp_path / name, [SampleGame(**fields)])


def test_a_newer_file_updates_what_the_user_did_not_touch(alice, tmp_path):
    library, _, _ = run_import(alice, "playnite", _file(tmp_path, "a.csv"))
    _, run, _ = run_import(
        alice, "playnite", _file(tmp_path, "b.csv", completion="Completed", notes="second")
    )
    entry = entries(library)[("steam", "620")]
    assert run.games_updated == 1
    assert (entry.status, entry.notes, entry.user_rating) == ("completed", "second", 6)


def test_the_users_edit_wins_over_a_later_import(alice, tmp_path):
    library, _, _ = run_import(alice, "playnite", _file(tmp_path, "a.csv"))
    entry = entries(library)[("steam", "620")]
    update_ownership(alice, entry.release.game_id, status="abandoned", user_rating=6, hidden=False)

    run_import(alice, "playnite", _file(tmp_path, "b.csv", completion="Completed", score=100))

    entry = LibraryGame.objects.get(pk=entry.pk)
    assert entry.status == "abandoned"  # edited here: the file's "Completed" does not undo it
    assert entry.user_rating == 10  # not edited here (the form sent the same 6): the file wins
    assert entry.user_edited_fields == ["status"]


def test_a_file_that_says_nothing_leaves_the_field_alone(alice, tmp_path):
    library, _, _ = run_import(alice, "playnite", _file(tmp_path, "a.csv"))
    _, run, _ = run_import(alice, "playnite", _file(tmp_path, "b.csv", notes="", score=None))
    entry = entries(library)[("steam", "620")]
    assert (entry.notes, entry.user_rating) == ("first", 6)
    assert run.games_updated == 0
