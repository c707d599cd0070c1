"""The sample builder makes a messy, deterministic library, and the reader reads all of it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from platforms.integrations.galaxy.reader import read_galaxy_database
from platforms.integrations.galaxy.sample import build_galaxy_db, sample_releases

STORE_OF_PREFIX = {
    "gog": "gog",
    "steam": "steam",
    "epic": "epic",
    "xboxone": "xbox",
    "uplay": "ubisoft",
}


def test_it_makes_the_same_library_for_the_same_seed() -> None:
    assert sample_releases(300, seed=7) == sample_releases(300, seed=7)
    assert sample_releases(300, seed=7) != sample_releases(300, seed=8)


def test_it_makes_a_realistic_mix() -> None:
    releases = sample_releases(1000, seed=1)
    owned = [r for r in releases if r.owned]
    assert len(owned) == 1000
    assert Counter(r.key.partition("_")[0] for r in owned).keys() == STORE_OF_PREFIX.keys()
    assert any(r.owned is False and r.key.startswith("xboxone_") for r in releases)
    assert any(r.owned is None for r in releases)
    assert all(
        any(check(r) for r in owned)
        for check in (
            lambda r: r.is_dlc,
            lambda r: r.hidden,
            lambda r: r.duplicate,
            lambda r: r.minutes is None and r.last_played is None,
            lambda r: r.title and r.galaxy_title and r.title != r.galaxy_title,
            lambda r: not (r.title or r.galaxy_title or r.original_title),
            lambda r: "™" in r.expected_name,
            lambda r: "\uff33" in r.expected_name,  # full-width
            lambda r: "é" in r.expected_name,
        )
    )


def test_it_reads_every_fact_of_a_sample_library(tmp_path: Path) -> None:
    releases = sample_releases(600, seed=12)
    imported = read_galaxy_database(build_galaxy_db(tmp_path / "galaxy-2.0.db", releases))

    expected = sorted(
        (
            STORE_OF_PREFIX[r.key.partition("_")[0]],
            r.key.partition("_")[2],
            r.expected_name,
            r.minutes or 0,
            r.last_played,
            r.expected_acquired,
            r.is_dlc,
            r.hidden,
        )
        for r in releases
        if r.owned
    )
    read = sorted(
        (
            g.store,
            g.external_id,
            g.name,
            g.playtime_minutes,
            g.last_played,
            g.acquired_at,
            g.is_dlc,
            g.hidden,
        )
        for g in imported.owned
    )
    assert read == expected
    assert len(imported.skipped) == sum(1 for r in releases if not r.owned)
