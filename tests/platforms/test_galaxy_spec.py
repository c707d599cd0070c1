"""The Galaxy folder declares itself as a file source, and its SPEC loads without Django."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from platforms.contract import Capability, CredentialKind, Kind
from platforms.integrations.galaxy import SPEC
from platforms.integrations.galaxy.reader import read_galaxy_database

ROOT = Path(__file__).resolve().parents[2]


def test_it_declares_a_file_source_whose_client_is_the_reader() -> None:
    assert (SPEC.code, SPEC.kind, SPEC.credential) == (
        "galaxy",
        Kind.FILE,
        CredentialKind.UPLOADED_FILE,
    )
    assert SPEC.capabilities == {Capability.OWNED, Capability.PLAYTIME, Capability.LAST_PLAYED}
    assert [f.name for f in SPEC.fields] == ["file"]
    assert (SPEC.accepts, SPEC.default_store, SPEC.release_store) == ((".db",), "gog", "gog")
    assert SPEC.load_client_factory() is read_galaxy_database
    assert "C:\\ProgramData\\GOG.com\\Galaxy\\storage\\galaxy-2.0.db" in " ".join(
        step.text for step in SPEC.help
    )


def test_it_imports_nothing_from_django() -> None:
    code = (
        "import sys, platforms.integrations.galaxy; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
