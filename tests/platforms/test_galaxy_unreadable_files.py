"""A file that is not a readable Galaxy database is refused with one sentence saying why."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from platforms.errors import UnreadableFile
from platforms.integrations.galaxy.reader import read_galaxy_database, release_groups
from platforms.integrations.galaxy.sample import build_galaxy_db, sample_releases

DAMAGED = (
    "The GOG Galaxy database is damaged or incomplete: quit Galaxy, copy the file again "
    "and upload the copy."
)


@pytest.fixture
def real_file(tmp_path: Path) -> Path:
    return build_galaxy_db(tmp_path / "galaxy-2.0.db", sample_releases(200, seed=9))


def refusal(path: Path) -> str:
    with pytest.raises(UnreadableFile) as raised:
        read_galaxy_database(path)
    with pytest.raises(UnreadableFile) as raised_again:
        release_groups(path)
    assert str(raised_again.value) == str(raised.value)
    return str(raised.value)


def test_it_refuses_a_file_that_is_not_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "galaxy-2.0.db"
    path.write_text("id,title\n1,Portal 2\n", encoding="utf-8")
    assert refusal(path) == (
        "This file is not a GOG Galaxy database: galaxy-2.0.db is an SQLite file, "
        "and this one is not."
    )


def test_it_refuses_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "galaxy-2.0.db"
    path.write_bytes(b"")
    assert refusal(path).startswith("This file is not a GOG Galaxy database")


def test_it_refuses_a_truncated_copy(real_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "truncated.db"
    path.write_bytes(real_file.read_bytes()[:4096])
    assert refusal(path) == DAMAGED


def test_it_refuses_a_truncated_copy_whose_header_gives_no_size(
    real_file: Path, tmp_path: Path
) -> None:
    # Writers older than SQLite 3.7.0 leave the header's page count unset; then only SQLite
    # itself notices the missing pages, in the middle of a query.
    data = bytearray(real_file.read_bytes()[:8192])
    data[92:96] = (int.from_bytes(data[24:28], "big") + 1).to_bytes(4, "big")
    path = tmp_path / "truncated.db"
    path.write_bytes(bytes(data))
    assert refusal(path) == DAMAGED


def test_it_refuses_a_file_with_garbage_pages(real_file: Path, tmp_path: Path) -> None:
    data = bytearray(real_file.read_bytes())
    data[4096:] = b"\xa5" * (len(data) - 4096)
    path = tmp_path / "garbage.db"
    path.write_bytes(bytes(data))
    assert refusal(path) == DAMAGED


def test_it_refuses_an_unknown_schema_naming_its_version(real_file: Path) -> None:
    with sqlite3.connect(real_file) as connection:
        connection.execute("DROP TABLE LicensedReleases")
        connection.execute("PRAGMA user_version = 41")
    connection.close()
    assert refusal(real_file) == (
        "This GOG Galaxy database has an unknown schema version (user_version 41): "
        "it has no LicensedReleases table."
    )


def test_it_refuses_a_table_missing_a_column(real_file: Path) -> None:
    with sqlite3.connect(real_file) as connection:
        connection.execute("ALTER TABLE GameTimes RENAME COLUMN minutesInGame TO secondsInGame")
    connection.close()
    assert refusal(real_file) == (
        "This GOG Galaxy database has an unknown schema version (user_version 40): "
        "its GameTimes table has no minutesInGame column."
    )


def test_it_refuses_another_programs_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT)")
    connection.close()
    assert refusal(path) == (
        "This SQLite file is not a GOG Galaxy database: it has none of Galaxy's tables."
    )


def test_it_refuses_a_database_with_no_user(tmp_path: Path) -> None:
    path = build_galaxy_db(tmp_path / "galaxy-2.0.db", [], user_id=None)
    assert refusal(path) == (
        "This GOG Galaxy database has no user: sign in to Galaxy once, then copy the file again."
    )


def test_it_refuses_a_missing_file(tmp_path: Path) -> None:
    assert refusal(tmp_path / "nowhere.db") == "The uploaded file could not be read."
