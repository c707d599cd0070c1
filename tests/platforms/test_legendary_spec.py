"""The Legendary folder declares itself as a file source of Epic releases, and its SPEC loads
without Django."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from platforms.contract import Capability, CredentialKind, Kind
from platforms.integrations.legendary import SPEC
from platforms.integrations.legendary.reader import read_legendary_file
from platforms.registry import file_integrations

ROOT = Path(__file__).resolve().parents[2]


def test_it_declares_a_file_source_of_epic_releases_whose_client_is_the_reader() -> None:
    assert (SPEC.code, SPEC.kind, SPEC.credential) == (
        "legendary",
        Kind.FILE,
        CredentialKind.UPLOADED_FILE,
    )
    assert SPEC.capabilities == {Capability.OWNED}
    assert [f.name for f in SPEC.fields] == ["file"]
    assert (SPEC.accepts, SPEC.default_store, SPEC.release_store) == (
        (".json", ".zip"),
        "epic",
        "epic",
    )
    assert SPEC.load_client_factory() is read_legendary_file
    assert SPEC in file_integrations()


def test_its_help_says_where_every_file_lives_and_how_to_zip_the_metadata() -> None:
    help_text = " ".join(f"{step.title} {step.text}" for step in SPEC.help)
    for where in (
        "~/.config/legendary/installed.json",
        "~/.config/legendary/metadata",
        "~/.config/heroic/store_cache/legendary_library.json",
        "~/.var/app/com.heroicgameslauncher.hgl/config/heroic/store_cache/",
        "%APPDATA%\\heroic\\store_cache\\legendary_library.json",
        "zip -r",
        "Compressed (zipped) folder",
        "user.json",
    ):
        assert where in help_text, where
    assert all(step.link.startswith("https://") for step in SPEC.help if step.link)


def test_it_imports_nothing_from_django() -> None:
    code = (
        "import sys, platforms.integrations.legendary, platforms.integrations.legendary.reader; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
