"""Connecting an Xbox account with an OpenXBL key (against the fake OpenXBL), in Chromium against
a real server: the played-not-owned note is on the page, a wrong key is refused in one
sentence, the right one syncs."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from platforms.contract import FakeStore

pytestmark = pytest.mark.browser


def test_it_connects_an_xbox_account_with_an_openxbl_key(
    page: Page, store_fakes: dict[str, FakeStore]
) -> None:
    xbox = store_fakes["xbox"]
    page.goto("/libraries/add/")
    page.get_by_test_id("store-choices").locator('[data-store="xbox"]').click()
    expect(page.get_by_test_id("store-note")).to_contain_text("not what you bought")
    expect(page.get_by_role("link", name="Open xbl.io")).to_have_attribute(
        "href", "https://xbl.io/"
    )

    page.get_by_label("OpenXBL API key").fill("f" * 36)
    page.get_by_role("button", name="Check and add").click()
    expect(page.get_by_test_id("add-library-error")).to_contain_text("OpenXBL did not accept")

    page.get_by_label("OpenXBL API key").fill(xbox.connect_values()["api_key"])
    page.get_by_role("button", name="Check and add").click()

    expect(page.locator(".sync .badge-success")).to_have_text("Up to date", timeout=60_000)
    page.get_by_role("link", name="Browse its games").click()
    # Exactly as Xbox names it, trademark signs included.
    expect(page.locator(".card-title", has_text="Tom Clancy's Rainbow Six® Siege™")).to_be_visible()
