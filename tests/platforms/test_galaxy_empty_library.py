"""A user whose Galaxy library is empty imports as an empty library, not as an error."""

from __future__ import annotations

from pathlib import Path

from platforms.integrations.galaxy.reader import read_galaxy_database, release_groups
from platforms.integrations.galaxy.sample import DEFAULT_USER_ID, build_galaxy_db


def test_it_reads_an_empty_library_as_empty(tmp_path: Path) -> None:
    path = build_galaxy_db(tmp_path / "galaxy-2.0.db", [])

    imported = read_galaxy_database(path)

    assert imported.account_id == str(DEFAULT_USER_ID)
    assert (imported.owned, imported.skipped) == ([], [])
    assert release_groups(path) == []
