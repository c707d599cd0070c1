"""Connecting a GOG account (the code pasted from GOG's sign-in page, against the fake GOG) and
uploading a GOG Galaxy database, in Chromium against a real server."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from platforms.contract import FakeStore
from platforms.integrations.galaxy.sample import SampleRelease, build_galaxy_db

pytestmark = pytest.mark.browser


def test_it_connects_a_gog_account_with_a_pasted_code(
    page: Page, store_fakes: dict[str, FakeStore]
) -> None:
    gog = store_fakes["gog"]
    page.goto("/libraries/add/")
    page.get_by_test_id("store-choices").locator('[data-store="gog"]').click()
    # The sign-in link follows GOG_AUTH_URL: here it leads to the fake GOG.
    expect(page.get_by_role("link", name="Sign in to GOG")).to_have_attribute(
        "href", re.compile("^" + re.escape(gog.url) + "/auth")
    )

    page.get_by_label("Code or the whole address").fill("not a code at all")
    page.get_by_role("button", name="Check and add").click()
    expect(page.get_by_test_id("add-library-error")).to_be_visible()

    page.get_by_label("Code or the whole address").fill(gog.connect_values()["code"])
    page.get_by_role("button", name="Check and add").click()

    expect(page.locator(".sync .badge-success")).to_have_text("Up to date", timeout=60_000)
    page.get_by_role("link", name="Browse its games").click()
    expect(page.locator(".game-card").first).to_be_visible()


def test_it_imports_an_uploaded_galaxy_database(page: Page, tmp_path: Path) -> None:
    database = build_galaxy_db(
        tmp_path / "galaxy-2.0.db",
        [
            SampleRelease("gog_1207658924", title="Beneath a Steel Sky", minutes=240),
            SampleRelease("steam_400", title="Portal", minutes=180),
            SampleRelease("epic_d2a8a6ab8b9c4e5c9f1e2d3c4b5a6978", title="Åventyr Deluxe™"),
        ],
    )
    page.goto("/libraries/add/galaxy/")

    junk = tmp_path / "notes.db"
    junk.write_text("not a database")
    page.get_by_label("galaxy-2.0.db").set_input_files(str(junk))
    page.get_by_label("Name (optional)").fill("Galaxy PC")
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_test_id("add-library-error")).to_be_visible()

    page.get_by_label("galaxy-2.0.db").set_input_files(str(database))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_test_id("preview-counts")).to_contain_text(" new")
    page.get_by_role("button", name="Confirm and import").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Galaxy PC")
    expect(page.locator(".sync .badge-success")).to_have_text("Up to date", timeout=60_000)
    page.get_by_role("link", name="Browse its games").click()
    expect(page.locator(".card-title", has_text="Åventyr Deluxe™")).to_be_visible()
