"""One malformed JSON piece (a title, a DLC list) loses only what it held: the rest of the file
still reads."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from platforms.integrations.galaxy.reader import read_galaxy_database
from platforms.integrations.galaxy.sample import SampleRelease, build_galaxy_db


def _break_piece(path: Path, key: str, piece_type: str) -> None:
    connection = sqlite3.connect(path)
    try:
        (type_id,) = connection.execute(
            "SELECT id FROM GamePieceTypes WHERE type = ?", (piece_type,)
        ).fetchone()
        connection.execute(
            "INSERT INTO GamePieces (releaseKey, gamePieceTypeId, userId, value) "
            "VALUES (?, ?, NULL, '{not json')",
            (key, type_id),
        )
        connection.commit()
    finally:
        connection.close()


def test_it_reads_the_rest_of_a_file_with_a_malformed_piece(tmp_path):
    path = build_galaxy_db(
        tmp_path / "galaxy-2.0.db",
        [
            SampleRelease("gog_1", title="Base Game", dlcs=("gog_2",)),
            SampleRelease("gog_2", title="Its DLC", is_dlc=True),
            SampleRelease("gog_3", original_title="Untitled Yet"),
        ],
    )
    _break_piece(path, "gog_3", "dlcs")
    _break_piece(path, "gog_3", "title")

    owned = {game.external_id: game for game in read_galaxy_database(path).owned}

    assert owned["2"].parent_external_id == "1"
    assert owned["3"].name == "Untitled Yet"
