"""A copy holding several Galaxy users is read for the one whose library it is."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from platforms.integrations.galaxy.reader import read_galaxy_database
from platforms.integrations.galaxy.sample import SampleRelease, build_galaxy_db

OWNER = 58213307915531904


def test_it_reads_the_user_with_the_library(tmp_path: Path) -> None:
    path = build_galaxy_db(
        tmp_path / "galaxy-2.0.db",
        [SampleRelease("gog_1207658901", title="Tyrian 2000", minutes=5)],
        user_id=OWNER,
    )
    with sqlite3.connect(path) as connection:
        # A user who signed in once on this machine: lower id, no library, own playtime rows.
        connection.execute("INSERT INTO Users(id) VALUES (1)")
        connection.execute("INSERT INTO GameTimes VALUES (1, 'gog_1207658901', 999)")
        connection.execute(
            "INSERT INTO GamePieces VALUES ('gog_1207658901', "
            "(SELECT id FROM GamePieceTypes WHERE type = 'title'), 1, '{\"title\":\"Not mine\"}', "
            "NULL)"
        )
    connection.close()

    imported = read_galaxy_database(path)

    assert imported.account_id == str(OWNER)
    assert [(g.name, g.playtime_minutes) for g in imported.owned] == [("Tyrian 2000", 5)]
