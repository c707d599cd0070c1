"""Repeated title pieces (Galaxy's shared rows can repeat) still give one entry per release."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from platforms.integrations.galaxy.reader import read_galaxy_database
from platforms.integrations.galaxy.sample import SampleRelease, build_galaxy_db


def test_it_collapses_repeated_rows_to_one_release(tmp_path: Path) -> None:
    path = build_galaxy_db(
        tmp_path / "galaxy-2.0.db",
        [
            SampleRelease(
                "gog_1207658901",
                galaxy_title="Tyrian 2000",
                original_title="Tyrian 2000",
                duplicate=True,
                minutes=7,
            ),
            SampleRelease(
                "steam_620", title="Portal 2", galaxy_title="Portal 2 (Galaxy)", duplicate=True
            ),
        ],
    )
    # The file really holds the same release's title more than once: a plain join repeats it.
    with sqlite3.connect(path) as connection:
        joined = connection.execute(
            "SELECT lr.releaseKey FROM LibraryReleases lr "
            "JOIN GamePieces gp ON gp.releaseKey = lr.releaseKey "
            "JOIN GamePieceTypes t ON t.id = gp.gamePieceTypeId AND t.type = 'title' "
            "WHERE lr.releaseKey = 'gog_1207658901'"
        ).fetchall()
    assert len(joined) == 3

    imported = read_galaxy_database(path)

    assert [(g.external_id, g.name, g.playtime_minutes) for g in imported.owned] == [
        ("1207658901", "Tyrian 2000", 7),
        ("620", "Portal 2", 0),
    ]


def test_it_collapses_a_release_listed_twice_in_the_library(tmp_path: Path) -> None:
    # Galaxy's own schema forbids this (UNIQUE userId, releaseKey); a file rebuilt by another
    # tool may not, so the reader keys its entries by release rather than by row.
    path = build_galaxy_db(
        tmp_path / "galaxy-2.0.db",
        [SampleRelease("steam_620", title="Portal 2", minutes=90, hidden=True)],
    )
    with sqlite3.connect(path) as connection:
        connection.executescript(
            """
            CREATE TABLE Loose(id INTEGER PRIMARY KEY, userId INT64, releaseKey TEXT);
            INSERT INTO Loose SELECT id, userId, releaseKey FROM LibraryReleases;
            DROP TABLE LibraryReleases;
            ALTER TABLE Loose RENAME TO LibraryReleases;
            INSERT INTO LibraryReleases(userId, releaseKey) SELECT userId, releaseKey
                FROM LibraryReleases;
            INSERT INTO LicensedReleases SELECT MAX(id), 1 FROM LibraryReleases;
            """
        )
        assert connection.execute("SELECT COUNT(*) FROM LibraryReleases").fetchone() == (2,)
    connection.close()

    imported = read_galaxy_database(path)

    assert [(g.external_id, g.playtime_minutes, g.hidden) for g in imported.owned] == [
        ("620", 90, True)
    ]
