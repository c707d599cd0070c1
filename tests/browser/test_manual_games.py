"""Adding a game by hand from the library page (with titles suggested as you type), editing it on
its page, seeing it in the library, and deleting it after a confirmation, in Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_it_adds_edits_and_deletes_a_manual_game(page: Page) -> None:
    page.goto("/library/")
    page.get_by_role("link", name="Add a game").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a game")

    title = page.get_by_label("Title")
    title.press_sequentially("Kirby's Return", delay=30)
    # The suggestions endpoint answers for the datalist (empty or not, it is asked).
    expect(page.locator("#title-suggestions")).to_be_attached()
    title.fill("Kirby's Return to Dream Land Deluxe")
    page.get_by_label("Platform", exact=True).select_option("nintendo-switch")
    page.get_by_label("Status").select_option("playing")
    page.get_by_label("Your rating").select_option("8")
    page.get_by_label("Hours played").fill("6.5")
    page.get_by_label("Started").fill("2026-03-01")
    page.get_by_label("Notes").fill("Co-op with the kids")
    page.get_by_role("button", name="Add the game").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Kirby's Return to Dream Land Deluxe")
    expect(page.get_by_text("Manual entries · 6 h 30 min")).to_be_visible()

    page.get_by_test_id("manual-edit").click()
    expect(page.get_by_label("Hours played")).to_have_value("6.5")
    page.get_by_label("Status").select_option("completed")
    page.get_by_label("Hours played").fill("11")
    page.get_by_label("Finished").fill("2026-03-20")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Manual entries · 11 h")).to_be_visible()

    page.goto("/library/?q=kirby")
    expect(page.locator("#entries .card-title")).to_have_text(
        ["Kirby's Return to Dream Land Deluxe"]
    )
    page.locator("#entries .card-title").first.click()

    page.get_by_test_id("manual-delete").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Delete “Kirby's Return")
    page.get_by_role("button", name="Delete the game").click()
    expect(page).to_have_url(re.compile(r"/library/$"))
    page.goto("/library/?q=kirby")
    expect(page.locator("#entries .card-title")).to_have_count(0)
