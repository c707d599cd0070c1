"""Connecting an Epic account in Chromium: the page of JSON Epic shows after signing in, pasted
whole into the add form, against the fake Epic, until the library is up to date."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from platforms.contract import FakeStore

pytestmark = pytest.mark.browser

LOGIN = "https://www.epicgames.com/id/login?redirectUrl="


def test_it_connects_an_epic_account_with_the_pasted_code_page(
    page: Page, store_fakes: dict[str, FakeStore]
) -> None:
    epic = store_fakes["epic"]
    page.goto("/libraries/add/")
    page.get_by_test_id("store-choices").locator('[data-store="epic"]').click()
    expect(page.get_by_role("link", name="Sign in to Epic Games")).to_have_attribute(
        "href",
        LOGIN + "https%3A%2F%2Fwww.epicgames.com%2Fid%2Fapi%2Fredirect%3FclientId%3D"
        "34a02cf8f4414e29b15921876da36f9a%26responseType%3Dcode",
    )

    page.get_by_label("Authorization code").fill("123456")
    page.get_by_role("button", name="Check and add").click()
    expect(page.get_by_test_id("add-library-error")).to_contain_text("emails you")

    page.get_by_label("Authorization code").fill(epic.connect_values()["code"])
    page.get_by_role("button", name="Check and add").click()

    expect(page.locator(".sync .badge-success")).to_have_text("Up to date", timeout=60_000)
    page.get_by_role("link", name="Browse its games").click()
    # Titles from Epic's catalogue, not the library's codenames.
    expect(page.get_by_role("link", name="Ōkami Café: L'Été Meurtrier")).to_be_visible()
