"""Browsing a synced library: search as you type, filters and sort in the URL (back button works),
list view, infinite scroll, keyboard use, a game's page and editing it, quick search."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from platforms.integrations.steam.fake_server import SteamWorld

pytestmark = pytest.mark.browser


def card_titles(page: Page) -> list[str]:
    return page.locator("#entries .card-title").all_inner_texts()


def test_search_as_you_type_filters_and_sorts_with_the_state_in_the_url(
    page: Page, synced_library: str, world: SteamWorld, server_url: str
) -> None:
    page.goto("/library/")
    expect(page.locator("#entries > li:not(.load-more)")).to_have_count(50)

    page.get_by_label("Search titles").press_sequentially("voyage", delay=40)
    expect(page).to_have_url(re.compile(r"q=voyage"))
    expect(page.locator("#entries .card-title").first).to_contain_text(re.compile("voyage", re.I))
    assert all("voyage" in title.lower() for title in card_titles(page))

    page.get_by_label("Sort by").select_option("playtime")
    expect(page).to_have_url(re.compile(r"sort=playtime"))
    played = sorted(
        (g for g in world.player.owned if "voyage" in g["name"].lower()),
        key=lambda g: -g["playtime_forever"],
    )
    expect(page.locator("#entries .card-title").first).to_have_text(played[0]["name"])

    page.locator("summary", has_text="Filters").click()
    page.get_by_label("Played").select_option("no")
    expect(page).to_have_url(re.compile(r"played=no"))
    expect(page.locator("#filter-count")).to_have_text("1")
    never = [
        g["name"]
        for g in world.player.owned
        if "voyage" in g["name"].lower() and not g["playtime_forever"]
    ]
    expect(page.locator("#entries .card-title")).to_have_count(len(never))

    page.go_back()
    expect(page).not_to_have_url(re.compile(r"played=no"))
    expect(page.get_by_label("Search titles")).to_have_value("voyage")
    expect(page.locator("#entries .card-title").first).to_have_text(played[0]["name"])

    shared = page.url
    page.goto(shared)  # a shared link opens the same view
    expect(page.get_by_label("Sort by")).to_have_value("playtime")


def test_the_list_view_and_infinite_scroll(
    page: Page, synced_library: str, world: SteamWorld
) -> None:
    page.goto("/library/")
    page.get_by_title("List").click()
    expect(page).to_have_url(re.compile(r"view=list"))
    expect(page.locator(".entry-row").first).to_be_visible()
    rows = page.locator("#entries > li:not(.load-more)")
    expect(rows).to_have_count(50)
    page.locator(".load-more").scroll_into_view_if_needed()
    expect(rows).to_have_count(100)
    page.locator(".load-more").scroll_into_view_if_needed()
    expect(rows).to_have_count(150)
    titles = page.locator("#entries .entry-title").all_inner_texts()
    assert len(set(titles)) == 150


def test_covers_sit_in_fixed_boxes_and_markup_in_titles_stays_text(
    page: Page, synced_library: str
) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    page.goto("/library/?q=script")
    card = page.locator(".game-card").first
    expect(card.locator(".card-title")).to_have_text('<script>alert("djinn")</script> Tycoon')
    box = card.locator(".cover").bounding_box()
    assert box and abs(box["height"] / box["width"] - 1.5) < 0.02  # 2:3, image or not
    card.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        '<script>alert("djinn")</script> Tycoon'
    )
    assert dialogs == []


def test_the_keyboard_reaches_everything_with_a_visible_focus(
    page: Page, synced_library: str
) -> None:
    page.goto("/library/")
    page.keyboard.press("/")
    expect(page.get_by_label("Search titles")).to_be_focused()
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    for _ in range(12):
        page.keyboard.press("Tab")
        outline = page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.boxShadow]; }"
        )
        assert outline[0] != "none" or outline[1] != "none", page.evaluate(
            "document.activeElement.outerHTML"
        )


def test_a_game_page_and_editing_it(page: Page, synced_library: str) -> None:
    page.goto("/library/?sort=playtime")
    title = page.locator("#entries .card-title").first.inner_text()
    page.locator(".game-card").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("heading", name="Owned on")).to_be_visible()
    expect(page.locator("#achievements")).to_be_visible()
    page.get_by_label("Status").select_option("playing")
    expect(page.locator(".toast.success")).to_contain_text("Saved")
    page.reload()
    expect(page.get_by_label("Status")).to_have_value("playing")
    page.get_by_label("Status").select_option("backlog")
    expect(page.locator(".saved-note")).to_have_text("Saved")


def test_quick_search_from_the_top_bar(page: Page, synced_library: str) -> None:
    page.goto("/")
    page.get_by_label("Search your games").press_sequentially("tycoon", delay=30)
    first = page.locator("#suggestions .suggestion").first
    expect(first).to_be_visible()
    title = first.locator(".suggestion-title").inner_text()
    page.keyboard.press("ArrowDown")
    expect(first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
