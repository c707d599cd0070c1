"""Galaxy numbers its piece types differently on every installation; only the names count."""

from __future__ import annotations

from pathlib import Path

from platforms.integrations.galaxy.reader import read_galaxy_database
from platforms.integrations.galaxy.sample import (
    build_galaxy_db,
    piece_type_ids,
    sample_releases,
)


def test_it_reads_the_same_library_whatever_the_piece_type_ids(tmp_path: Path) -> None:
    releases = sample_releases(120, seed=3)
    first, second = piece_type_ids(1), piece_type_ids(2)
    assert first["title"] != second["title"]
    assert first["originalTitle"] != second["originalTitle"]

    one = read_galaxy_database(build_galaxy_db(tmp_path / "a.db", releases, type_ids=first))
    two = read_galaxy_database(build_galaxy_db(tmp_path / "b.db", releases, type_ids=second))

    assert one == two
    assert sorted((g.external_id, g.name) for g in one.owned) == sorted(
        (r.key.partition("_")[2], r.expected_name) for r in releases if r.owned
    )


def test_it_does_not_take_another_piece_for_the_title_when_ids_are_swapped(
    tmp_path: Path,
) -> None:
    releases = sample_releases(40, seed=4)
    ids = piece_type_ids(5)
    # 'title' gets the id another installation gives 'sortingTitle', and the other way round.
    ids["title"], ids["sortingTitle"] = ids["sortingTitle"], ids["title"]

    imported = read_galaxy_database(build_galaxy_db(tmp_path / "g.db", releases, type_ids=ids))

    assert sorted((g.external_id, g.name) for g in imported.owned) == sorted(
        (r.key.partition("_")[2], r.expected_name) for r in releases if r.owned
    )
