"""manage.py matchgames --dry-run prints each join and suggestion with its reason, then a summary,
and writes nothing; without --dry-run it joins."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from games.models import Match
from tests.games.matching_support import game_of, release


def test_a_dry_run_prints_what_it_would_do_and_writes_nothing(db, capsys):
    steam, gog = release("steam", "Hades"), release("gog", "HADES")
    release("epic", "Fallout 3: Game of the Year Edition")
    release("steam", "Fallout 3")
    call_command("matchgames", "--dry-run")
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("join: Hades (Steam ")
    assert lines[0].endswith("[normalized_title, 100]: titles equal after normalising: hades")
    assert "suggest: Fallout 3" in lines[1] and "editions differ" in lines[1]
    assert lines[-1] == "Dry run: would join 1 pair(s) and suggest 1; nothing was written."
    assert game_of(steam) != game_of(gog)
    assert not Match.objects.exists()


def test_it_joins_without_dry_run(db, capsys):
    steam, gog = release("steam", "Hades"), release("gog", "HADES")
    call_command("matchgames")
    assert game_of(steam) == game_of(gog)
    assert capsys.readouterr().out.strip().splitlines()[-1] == (
        "Joined 1 pair(s) (1 game(s) merged away) and suggested 0."
    )


def test_it_names_an_unknown_owner(db):
    with pytest.raises(CommandError, match=r"There is no user named nobody\."):
        call_command("matchgames", "--owner", "nobody")
