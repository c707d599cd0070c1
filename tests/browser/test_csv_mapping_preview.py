"""Importing any CSV from the web: the first rows under the guessed mapping, a changed column
re-rendering the preview in place, then Confirm and the games in the library, in Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

SHEET = (
    "Spiel,Konsole,Stunden,Wertung,Kommentar\n"
    "Metroid Prime Remastered,Switch,14,9,Dritter Durchgang\n"
    "Okami HD,PS4,30,10,\n"
    ",Switch,2,,kaputt\n"
)


def test_it_maps_the_columns_before_importing_a_csv(page: Page, tmp_path: Path) -> None:
    sheet = tmp_path / "spiele.csv"
    sheet.write_text(SHEET, encoding="utf-8-sig")
    page.goto("/libraries/add/csv/")
    page.get_by_label("CSV file").set_input_files(str(sheet))
    page.get_by_label("Name (optional)").fill("Regal im Flur")
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_test_id("first-rows")).to_contain_text("Metroid Prime Remastered")
    # German headers: nothing to guess the titles from, so nothing can be imported yet.
    expect(page.get_by_test_id("preview-problem")).to_contain_text("titles")
    expect(page.get_by_role("button", name="Confirm and import")).to_be_disabled()

    page.get_by_label("Title").select_option("Spiel")
    expect(page.get_by_test_id("preview-counts")).to_contain_text("2 new")
    expect(page.get_by_test_id("preview-skipped")).to_contain_text("line 4: the title is empty")
    page.get_by_label("Platform or store").select_option("Konsole")
    page.get_by_label("Playtime (hours)").select_option("Stunden")
    page.get_by_label("Rating", exact=True).select_option("Wertung")
    page.get_by_label("Notes").select_option("Kommentar")
    expect(page.get_by_label("Notes")).to_have_value("Kommentar")
    expect(page.get_by_test_id("preview-counts")).to_contain_text("2 new")

    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Regal im Flur")
    expect(page.locator(".sync .badge-success")).to_have_text("Up to date", timeout=60_000)
    page.get_by_role("link", name="Browse its games").click()
    expect(page.locator(".card-title").get_by_text("Okami HD")).to_be_visible()
    expect(page.locator(".card-title").get_by_text("Metroid Prime Remastered")).to_be_visible()
