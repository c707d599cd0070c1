"""Importing Grouvee's CSV export (current and older header): a release per platform on the
"manual" store, shelves as statuses, seconds played as playtime, dates, and the IGDB id kept."""

from __future__ import annotations

from datetime import date

import pytest

from platforms.integrations.grouvee.sample import (
    HEADER_15,
    SampleEntry,
    build_grouvee_csv,
    play,
)
from tests.imports.helpers import entries, run_import

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ZELDA = SampleEntry(
    17,
    "The Legend of Zelda: Breath of the Wild",
    shelves=("Played",),
    platforms=("Nintendo Switch", "Wii U"),
    rating=5,
    review="Best open world.",
    plays=[
        play("2017-03-03", "None", 36000),
        play("2019-01-02", "2019-02-20", 7200),
    ],
    igdb_id="7346",
)
WISH = SampleEntry(18, "Hollow Knight: Silksong", shelves=("Wish List",), platforms=("PC",))


def test_it_makes_a_release_per_platform_with_the_players_data(alice, tmp_path):
    library, _, imported = run_import(
        alice, "grouvee", build_grouvee_csv(tmp_path / "g.csv", [ZELDA, WISH])
    )
    found = entries(library)
    switch = found[("manual", "nintendo-switch:the-legend-of-zelda-breath-of-the-wild")]
    wii_u = found[("manual", "wii-u:the-legend-of-zelda-breath-of-the-wild")]
    assert switch.release_id != wii_u.release_id
    assert (switch.status, switch.user_rating, switch.playtime_minutes) == ("completed", 10, 720)
    assert (switch.started_on, switch.finished_on) == (date(2017, 3, 3), date(2019, 2, 20))
    assert switch.notes == "Best open world."
    assert switch.external_ids == {"grouvee": "17", "igdb": "7346"}
    assert found[("manual", "pc:hollow-knight-silksong")].status == "wishlist"
    assert imported.skipped == []


def test_it_reads_the_older_fifteen_column_header(alice, tmp_path):
    path = build_grouvee_csv(tmp_path / "g.csv", [ZELDA], header=HEADER_15, bom=True)
    library, _, _ = run_import(alice, "grouvee", path)
    switch = entries(library)[("manual", "nintendo-switch:the-legend-of-zelda-breath-of-the-wild")]
    assert switch.external_ids == {"grouvee": "17"}  # the old header has no igdb_id
    assert switch.status == "completed"
