"""The SQLite database (which holds encrypted credentials and everyone's sessions) is readable
only by the server's user, like the keys beside it in DATA_DIR."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    environment = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")
    }
    environment["DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_it_creates_the_database_readable_only_by_its_owner(tmp_path):
    data_dir = tmp_path / "data"
    old_umask = os.umask(0o022)  # the usual umask, whatever this test runner has
    try:
        result = _manage(data_dir, "migrate", "--no-input")
    finally:
        os.umask(old_umask)

    assert result.returncode == 0, result.stderr
    database = data_dir / "gamedjinn.sqlite3"
    assert _mode(database) == 0o600
    for companion in (data_dir / "gamedjinn.sqlite3-wal", data_dir / "gamedjinn.sqlite3-shm"):
        if companion.exists():
            assert _mode(companion) == 0o600, companion.name


def test_it_tightens_a_database_an_older_version_left_readable(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    database = data_dir / "gamedjinn.sqlite3"
    database.touch()
    database.chmod(0o644)

    result = _manage(data_dir, "check")

    assert result.returncode == 0, result.stderr
    assert _mode(database) == 0o600
