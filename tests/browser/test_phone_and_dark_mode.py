"""A phone-sized screen (390 by 844) and dark mode: the OS preference, and the per-user override."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import DESKTOP

pytestmark = pytest.mark.browser

LUMINANCE = """() => {
  const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\\d+/g).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}"""


@pytest.mark.parametrize("path", ["/", "/library/", "/libraries/", "/analytics/", "/settings/"])
def test_every_page_fits_a_phone(phone: Page, synced_library: str, path: str) -> None:
    phone.goto(path)
    expect(phone.locator(".tabbar")).to_be_visible()
    expect(phone.locator(".sidebar")).to_be_hidden()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_phone_library_shows_three_covers_a_row_and_navigates_by_tab_bar(
    phone: Page, synced_library: str
) -> None:
    phone.goto("/library/")
    boxes = [phone.locator(".game-card .cover").nth(i).bounding_box() for i in range(4)]
    assert boxes[0]["y"] == boxes[1]["y"] == boxes[2]["y"] < boxes[3]["y"]
    phone.locator(".tabbar").get_by_role("link", name="Platforms").tap()
    expect(phone.get_by_role("heading", name="Platforms & libraries")).to_be_visible()
    phone.locator(".tabbar").get_by_role("link", name="Dashboard").tap()
    expect(phone.locator(".stats")).to_be_visible()


def test_dark_mode_follows_the_system_and_the_user_can_override_it(
    browser: Browser, server_url: str, auth_state: str, synced_library: str
) -> None:
    context = browser.new_context(
        base_url=server_url, storage_state=auth_state, viewport=DESKTOP, color_scheme="dark"
    )
    page = context.new_page()
    try:
        page.goto("/")
        assert page.evaluate(LUMINANCE) < 0.2  # dark, from prefers-color-scheme
        page.goto("/settings/")
        page.get_by_test_id("theme-light").click()
        expect(page.locator(".toast.success")).to_contain_text("Theme saved")
        page.goto("/library/")
        expect(page.locator("html")).to_have_attribute("data-theme", "light")
        assert page.evaluate(LUMINANCE) > 0.8  # the override wins over the system
    finally:
        page.goto("/settings/")
        page.get_by_test_id("theme-auto").click()
        expect(page.locator(".toast.success")).to_contain_text("Theme saved")
        context.close()
