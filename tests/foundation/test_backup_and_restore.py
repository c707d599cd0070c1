"""manage.py backup / restore: the database and the DATA_DIR keys in one checked archive; a round
trip gives back every row of every table, and credentials that still decrypt."""

from __future__ import annotations

import base64
import io
import json
import stat

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError

from gamedjinn import secrets_store
from gamedjinn.backup import FORMAT_VERSION
from games.models import Game
from libraries.models import Library, LibraryGame
from tests.factories import LibraryFactory
from tests.foundation.backup_support import (
    API_KEY,
    build_household,
    every_row,
    members,
    new_key,
    rewrite,
    with_manifest,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def data_dir(tmp_path, settings):
    """A DATA_DIR of the test's own, with its own field key in use (as a fresh install has)."""
    folder = tmp_path / "data"
    folder.mkdir()
    key = new_key()
    (folder / "field_keys").write_text(key)
    (folder / "secret_key").write_text("s" * 64)
    settings.DATA_DIR = folder
    settings.FIELD_ENCRYPTION_KEYS = [base64.urlsafe_b64decode(key)]
    return folder


def _backup(path=None) -> tuple[str, str]:
    out = io.StringIO()
    call_command("backup", *([str(path)] if path else []), stdout=out)
    lines = out.getvalue().strip().splitlines()
    return lines[-1], out.getvalue()


def test_it_round_trips_every_row_and_the_keys(data_dir, settings):
    build_household()
    before = every_row()
    archive, _ = _backup()

    # Change everything a restore must undo: rows deleted, edited and added, and new keys.
    LibraryGame.objects.filter(playtime_minutes__gt=500).delete()
    Game.objects.update(title="Renamed")
    LibraryFactory(display_name="After the backup")
    (data_dir / "field_keys").write_text(new_key())
    (data_dir / "secret_key").write_text("t" * 64)
    settings.FIELD_ENCRYPTION_KEYS = secrets_store.field_encryption_keys([], data_dir)
    assert every_row() != before

    out = io.StringIO()
    call_command("restore", archive, yes=True, stdout=out)
    assert "Restart every Game Djinn process" in out.getvalue()
    assert every_row() == before
    assert (data_dir / "secret_key").read_text() == "s" * 64

    settings.FIELD_ENCRYPTION_KEYS = secrets_store.field_encryption_keys([], data_dir)
    steam = Library.objects.filter(credentials__isnull=False).order_by("pk").first()
    assert steam.credentials == {"api_key": API_KEY}
    assert LibraryFactory(display_name="New after restore").pk > max(
        row[0] for row in before["libraries_library"]
    )


def test_the_archive_is_private_in_data_dir_with_a_manifest(data_dir):
    build_household()
    archive, output = _backup()
    assert archive.startswith(str(data_dir / "backups" / "gamedjinn-"))
    assert archive.endswith(".tar.gz")
    assert stat.S_IMODE((data_dir / "backups" / archive.rsplit("/", 1)[1]).stat().st_mode) == 0o600
    files = members(archive)
    assert next(iter(files)) == "manifest.json"
    manifest = json.loads(files["manifest.json"])
    assert manifest["format"] == "gamedjinn-backup"
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["engine"] in ("sqlite", "postgresql")
    assert "0001_initial" in manifest["migrations"]["games"]
    assert manifest["row_counts"]["games_game"] == Game.objects.count()
    assert {"keys/field_keys", "keys/secret_key"} <= set(manifest["members"])
    assert set(manifest["members"]) == set(files) - {"manifest.json"}
    assert API_KEY not in output


def test_it_writes_where_it_is_told(data_dir, tmp_path):
    target = tmp_path / "elsewhere" / "nightly.tar.gz"
    archive, _ = _backup(target)
    assert archive == str(target) and target.is_file()


def _refused(archive, data_dir) -> str:
    before = every_row()
    keys = (data_dir / "field_keys").read_text()
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), yes=True)
    assert every_row() == before
    assert (data_dir / "field_keys").read_text() == keys
    message = str(refused.value)
    assert message.endswith("Nothing was changed.")
    return message


@pytest.fixture
def archive(data_dir):
    build_household()
    path, _ = _backup()
    Game.objects.update(title="Changed since")
    return data_dir / "backups" / path.rsplit("/", 1)[1]


def test_it_refuses_a_truncated_archive(archive, data_dir):
    truncated = archive.with_name("truncated.tar.gz")
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    assert "damaged or truncated" in _refused(truncated, data_dir)


def test_it_refuses_a_member_that_does_not_match_its_checksum(archive, data_dir):
    tampered = rewrite(archive, lambda files: {**files, "keys/field_keys": new_key().encode()})
    assert "keys/field_keys does not match its checksum" in _refused(tampered, data_dir)


def test_it_refuses_a_member_missing_from_the_archive(archive, data_dir):
    cut = rewrite(archive, lambda files: {k: v for k, v in files.items() if k != "keys/secret_key"})
    assert "keys/secret_key is missing" in _refused(cut, data_dir)


def test_it_refuses_a_foreign_archive(archive, data_dir, tmp_path):
    other = with_manifest(archive, format="someone-elses-backup")
    assert "not a Game Djinn backup" in _refused(other, data_dir)
    no_manifest = rewrite(
        archive, lambda files: {k: v for k, v in files.items() if k != "manifest.json"}
    )
    assert "not a Game Djinn backup" in _refused(no_manifest, data_dir)
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"PK\x03\x04 this is a zip file, not ours")
    assert "damaged or truncated" in _refused(junk, data_dir)


def test_it_refuses_an_unknown_format_version(archive, data_dir):
    future = with_manifest(archive, format_version=FORMAT_VERSION + 1)
    assert f"format version {FORMAT_VERSION + 1}" in _refused(future, data_dir)


def test_it_refuses_an_archive_from_a_newer_schema(archive, data_dir):
    manifest = json.loads(members(archive)["manifest.json"])
    migrations = manifest["migrations"] | {
        "games": [*manifest["migrations"]["games"], "9999_future"]
    }
    newer = with_manifest(archive, migrations=migrations)
    message = _refused(newer, data_dir)
    assert "newer Game Djinn (migration games.9999_future is unknown here)" in message


def test_it_refuses_an_archive_from_the_other_engine(archive, data_dir):
    other = (
        "postgresql"
        if django_settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
        else "sqlite"
    )
    assert f"holds a {other} database" in _refused(with_manifest(archive, engine=other), data_dir)


def test_it_asks_before_replacing_and_says_what(archive, data_dir, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("no\n"))
    out = io.StringIO()
    before = every_row()
    with pytest.raises(CommandError, match=r"Restore cancelled\. Nothing was changed\."):
        call_command("restore", str(archive), stdout=out)
    assert "This replaces every row of every table" in out.getvalue()
    assert "13 games" in out.getvalue()
    assert every_row() == before

    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    call_command("restore", str(archive), stdout=io.StringIO())
    assert not Game.objects.filter(title="Changed since").exists()
