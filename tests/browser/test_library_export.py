"""Exporting the filtered library view from the page's Export menu downloads exactly its rows."""

from __future__ import annotations

import csv
import re

import pytest
from playwright.sync_api import Page, expect

from platforms.integrations.steam.fake_server import SteamWorld

pytestmark = pytest.mark.browser


def test_it_downloads_the_csv_of_the_filtered_view(
    page: Page, synced_library: str, world: SteamWorld
) -> None:
    # Only the Steam copies: other browser tests add libraries on other stores to this server.
    page.goto("/library/?platform=steam")
    filters = page.locator("details", has=page.locator("summary", has_text="Filters"))
    if filters.get_attribute("open") is None:  # an active filter opens the panel already
        page.locator("summary", has_text="Filters").click()
    page.get_by_label("Played").select_option("no")
    expect(page).to_have_url(re.compile(r"played=no"))
    expect(page.locator("#filter-count")).to_have_text("2")

    page.locator("summary", has_text="Export").click()
    view_csv = page.locator('[data-export="view-csv"]')
    expect(view_csv).to_have_attribute("href", re.compile(r"played=no"))
    with page.expect_download() as download_info:
        view_csv.click()
    download = download_info.value
    assert re.fullmatch(r"gamedjinn-library-\d{8}-\d{4}\.csv", download.suggested_filename)

    with open(download.path(), newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    never_played = sorted(g["name"] for g in world.player.owned if not g["playtime_forever"])
    assert never_played, "the fake world has never-played games"
    assert sorted(row["title"] for row in rows) == never_played
    assert {(row["platform"], row["playtime_minutes"]) for row in rows} == {("steam", "0")}
