"""Screenshots of the main pages, desktop and phone, light and dark.

They land in .test-data/browser/screenshots, or in the directory named by GD_SCREENSHOTS
(`make screenshots` writes docs/screenshots/). Besides documenting the UI, each shot checks that
its page rendered its main landmark without a horizontal scrollbar.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from platforms.integrations.steam.fake_server import FakeSteam
from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE

pytestmark = pytest.mark.browser

PAGES = {
    "dashboard": "/",
    "library": "/library/",
    "library-list": "/library/?view=list&sort=playtime",
    "platforms": "/libraries/",
    "analytics": "/analytics/?period=all",
    "settings": "/settings/",
}


DARK = ("dashboard", "library", "game", "analytics")
FULL_PAGE = ("dashboard", "game", "analytics", "library-detail")
STATUSES = ["completed", "completed", "playing", "completed", "abandoned", "playing", "completed"]


@pytest.fixture
def curated(browser: Browser, server_url: str, auth_state: str, synced_library: str) -> None:
    """Give a few of the most played games a status, as a player would, so the pages show them."""
    context = browser.new_context(base_url=server_url, storage_state=auth_state, viewport=DESKTOP)
    page = context.new_page()
    page.goto("/library/?status=completed")
    if page.locator(".game-card").count() == 0:
        page.goto("/library/?sort=playtime")
        links = page.locator(".game-card").evaluate_all(
            "cards => cards.map(c => c.getAttribute('href'))"
        )
        for href, status in zip(links, STATUSES, strict=False):
            page.goto(href)
            page.get_by_label("Status").select_option(status)
            expect(page.locator(".saved-note")).to_have_text("Saved")
    context.close()


def _game_with_achievements(page: Page) -> str:
    """A much-played game whose page shows achievements, the richest page to show."""
    page.goto("/library/?sort=playtime")
    links = page.locator(".game-card").evaluate_all(
        "cards => cards.map(c => c.getAttribute('href'))"
    )
    for href in links[:20]:
        page.goto(href)
        if page.locator(".achievement").count() > 3:
            return href
    return links[0]


def _out() -> Path:
    directory = Path(os.environ.get("GD_SCREENSHOTS") or ARTIFACTS / "screenshots")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_it_shoots_the_main_pages_on_a_desktop(
    browser: Browser,
    server_url: str,
    auth_state: str,
    synced_library: str,
    curated: None,
    scheme: str,
) -> None:
    context = browser.new_context(
        base_url=server_url, storage_state=auth_state, viewport=DESKTOP, color_scheme=scheme
    )
    page = context.new_page()
    pages = {**PAGES, "library-detail": synced_library}
    pages["game"] = _game_with_achievements(page)
    if scheme == "dark":
        pages = {name: pages[name] for name in DARK}
    for name, path in pages.items():
        page.goto(path)
        expect(page.locator("main")).to_be_visible()
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), name
        page.screenshot(path=str(_out() / f"{name}-{scheme}.png"), full_page=name in FULL_PAGE)
    context.close()


def test_it_shoots_the_main_pages_on_a_phone(
    browser: Browser, server_url: str, auth_state: str, synced_library: str, curated: None
) -> None:
    context = browser.new_context(
        base_url=server_url,
        storage_state=auth_state,
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        color_scheme="dark",
    )
    page = context.new_page()
    for name, path in {
        "dashboard": "/",
        "library": "/library/",
        "platforms": synced_library,
    }.items():
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), name
        page.screenshot(path=str(_out() / f"phone-{name}.png"))
    page.goto(_game_with_achievements(page))
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(_out() / "phone-game.png"))
    context.close()


def test_it_shoots_the_sign_in_page(browser: Browser, server_url: str) -> None:
    context = browser.new_context(base_url=server_url, viewport=DESKTOP)
    page = context.new_page()
    page.goto("/accounts/login/")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.screenshot(path=str(_out() / "sign-in.png"))
    context.close()


def test_it_shoots_a_sync_in_progress_and_a_rate_limit(
    browser: Browser, server_url: str, auth_state: str, synced_library: str, fake_steam: FakeSteam
) -> None:
    context = browser.new_context(base_url=server_url, storage_state=auth_state, viewport=DESKTOP)
    page = context.new_page()
    page.goto(synced_library)
    page.get_by_role("button", name="Refetch everything").click()
    page.wait_for_function(
        "() => { const b = document.querySelector('[data-phase-name=details][data-state=current] progress');"
        " return b && b.value > b.max / 3; }",
        timeout=60_000,
    )
    page.screenshot(path=str(_out() / "sync-in-progress.png"))
    expect(page.locator(".sync .badge-success")).to_have_text("Up to date", timeout=90_000)
    # Longer than the client's retry budget: the run parks at once, for about twelve minutes, so
    # this test runs last (see pytest_collection_modifyitems).
    fake_steam.retry_after = 700
    fake_steam.set_rate_limit("store", (20, 3600))
    try:
        page.get_by_role("button", name="Refetch everything").click()
        expect(page.get_by_test_id("rate-limit-banner")).to_be_visible(timeout=60_000)
        page.screenshot(path=str(_out() / "sync-rate-limited.png"))
    finally:
        fake_steam.set_rate_limit("store", None)
        fake_steam.retry_after = None
    context.close()
