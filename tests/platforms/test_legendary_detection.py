"""Which file an upload is comes from its content alone: the name it was uploaded under (and the
one it is stored under) says nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from platforms.integrations.legendary.reader import (
    INSTALLED_ACCOUNT,
    LIBRARY_ACCOUNT,
    read_legendary_file,
)
from platforms.integrations.legendary.sample import (
    SampleEpicGame,
    build_heroic_library,
    build_installed_json,
    build_list_json,
    build_metadata_zip,
)

GAMES = [
    SampleEpicGame("Catnip", "Borderlands 2", installed=True),
    SampleEpicGame("CatnipDLC1", "Borderlands 2 \u2013 Tiny Tina", parent="Catnip"),
    SampleEpicGame("Sugar", "Rocket League®"),
]
BUILDERS = {
    "installed": (build_installed_json, INSTALLED_ACCOUNT, {"Catnip"}),
    "heroic": (build_heroic_library, LIBRARY_ACCOUNT, {"Catnip", "CatnipDLC1", "Sugar"}),
    "zip": (build_metadata_zip, LIBRARY_ACCOUNT, {"Catnip", "CatnipDLC1", "Sugar"}),
    "list": (build_list_json, LIBRARY_ACCOUNT, {"Catnip", "CatnipDLC1", "Sugar"}),
}
MISLEADING_NAMES = ["installed.json", "legendary_library.json", "metadata.zip", "upload", "x.db"]


@pytest.mark.parametrize("shape", sorted(BUILDERS))
@pytest.mark.parametrize("name", MISLEADING_NAMES)
def test_it_tells_the_shape_from_the_content_whatever_the_name(
    tmp_path: Path, shape: str, name: str
) -> None:
    build, account, apps = BUILDERS[shape]
    original = build(tmp_path / "original", GAMES)
    renamed = tmp_path / "renamed" / name
    renamed.parent.mkdir()
    shutil.copyfile(original, renamed)

    imported = read_legendary_file(renamed)

    assert imported.account_id == account
    assert {g.external_id for g in imported.owned} == apps
