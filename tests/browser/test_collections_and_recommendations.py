"""Smart collections and "What should I play?" in a real browser, on a synced library: save the
library's current filters as a collection, open it, edit and delete it; see recommendations and
change what they favour."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from platforms.integrations.steam.fake_server import SteamWorld

pytestmark = pytest.mark.browser


def card_titles(page: Page) -> list[str]:
    return page.locator("#entries .card-title").all_inner_texts()


def test_it_saves_the_current_filters_as_a_collection_and_opens_it(
    page: Page, synced_library: str, world: SteamWorld, server_url: str
) -> None:
    never = {g["name"] for g in world.player.owned if not g["playtime_forever"]}
    played = {g["name"] for g in world.player.owned if g["playtime_forever"]}
    page.goto("/library/")
    page.locator("summary", has_text="Filters").click()
    page.get_by_label("Played", exact=True).select_option("no")
    expect(page).to_have_url(re.compile(r"played=no"))

    page.get_by_role("link", name="Save as collection").click()
    expect(page).to_have_url(re.compile(r"/collections/new/\?.*played=no"))
    expect(page.get_by_label("Played", exact=True)).to_have_value("no")
    page.get_by_label("Name", exact=True).fill("Never launched")
    page.get_by_role("button", name="Save collection").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Never launched")
    expect(page.locator("#entries .card-title").first).to_be_visible()
    assert set(card_titles(page)) <= never

    page.get_by_role("link", name="Collections", exact=True).first.click()
    row = page.get_by_test_id("collection").filter(has_text="Never launched")
    expect(row.get_by_test_id("collection-count")).to_have_text(re.compile(r"^\d+ games?$"))
    row.get_by_role("link", name="Never launched", exact=True).click()
    expect(page).to_have_url(re.compile(r"/collections/\d+/$"))

    # Searching within the collection stays within its rules, live, with the state in the URL.
    word = next(iter(never)).split()[0]
    page.get_by_label("Search titles").press_sequentially(word, delay=40)
    expect(page).to_have_url(re.compile(r"/collections/\d+/\?.*q="))
    expect(page.locator("#entries .card-title").first).to_be_visible()
    assert set(card_titles(page)) <= never
    assert not set(card_titles(page)) & played


def test_it_edits_and_deletes_a_collection(
    page: Page, synced_library: str, world: SteamWorld
) -> None:
    played = {g["name"] for g in world.player.owned if g["playtime_forever"]}
    page.goto("/collections/new/?played=no")
    page.get_by_label("Name", exact=True).fill("To be changed")
    page.get_by_role("button", name="Save collection").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("To be changed")

    page.get_by_role("link", name="Edit", exact=True).click()
    expect(page.get_by_label("Name", exact=True)).to_have_value("To be changed")
    page.get_by_label("Name", exact=True).fill("Played ones")
    page.get_by_label("Played", exact=True).select_option("yes")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Played ones")
    expect(page.locator(".chip", has_text="Played")).to_have_text("Played")
    expect(page.locator("#entries .card-title").first).to_be_visible()
    assert set(card_titles(page)) <= played

    page.get_by_role("link", name="Delete", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete “Played ones”?")
    page.get_by_role("button", name="Delete collection").click()
    expect(page).to_have_url(re.compile(r"/collections/$"))
    expect(page.get_by_role("status")).to_contain_text("Deleted the collection")
    expect(page.get_by_test_id("collection").filter(has_text="Played ones")).to_have_count(0)


def test_the_recommendations_page_shows_recommendations_with_reasons(
    page: Page, synced_library: str
) -> None:
    page.goto("/")
    page.get_by_role("link", name="What to play").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What should I play?")
    picks = page.get_by_test_id("recommendation")
    expect(picks.first).to_be_visible()
    assert 1 <= picks.count() <= 10
    for reason in page.locator(".picks .reason").all_inner_texts():
        assert reason.strip()

    page.get_by_label("Favour").select_option("unplayed")
    expect(page).to_have_url(re.compile(r"criteria=unplayed"))
    expect(picks.first).to_be_visible()
    expect(page.locator(".picks .reason").first).to_contain_text("never played")
    reasons = page.locator(".picks .reason").all_inner_texts()
    assert all("never played" in reason for reason in reasons)
