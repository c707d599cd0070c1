"""Reading a Galaxy database never changes it, nor leaves anything beside it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from platforms.integrations.galaxy.reader import read_galaxy_database, release_groups
from platforms.integrations.galaxy.sample import build_galaxy_db, sample_releases


def test_it_never_modifies_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "upload"
    folder.mkdir()
    path = build_galaxy_db(folder / "galaxy-2.0.db", sample_releases(150, seed=2))
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    modified = path.stat().st_mtime_ns

    read_galaxy_database(path)
    release_groups(path)

    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert path.stat().st_mtime_ns == modified
    assert sorted(p.name for p in folder.iterdir()) == ["galaxy-2.0.db"]  # no journal, no -wal


def test_it_reads_a_file_whose_folder_it_cannot_write(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    path = build_galaxy_db(folder / "galaxy 2.0 #copy%.db", sample_releases(20, seed=6))
    path.chmod(0o444)
    folder.chmod(0o555)
    try:
        assert len(read_galaxy_database(path).owned) == 20
    finally:
        folder.chmod(0o755)
