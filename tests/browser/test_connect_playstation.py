"""Connecting a PlayStation account with an NPSSO token (against the fake PSN) in Chromium: the
form links Sony's token page, refuses what is not a token, then adds and syncs the account."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from platforms.contract import FakeStore

pytestmark = pytest.mark.browser


def test_it_connects_a_playstation_account_with_a_pasted_npsso(
    page: Page, store_fakes: dict[str, FakeStore]
) -> None:
    psn = store_fakes["playstation"]
    page.goto("/libraries/add/")
    page.get_by_test_id("store-choices").locator('[data-store="playstation"]').click()
    expect(page.get_by_role("link", name="Open the token page")).to_have_attribute(
        "href", "https://ca.account.sony.com/api/v1/ssocookie"
    )

    page.get_by_label("NPSSO token").fill("not a token")
    page.get_by_role("button", name="Check and add").click()
    expect(page.get_by_test_id("add-library-error")).to_be_visible()

    npsso = psn.connect_values()["npsso"]
    page.get_by_label("NPSSO token").fill(f'{{"npsso":"{npsso}"}}')
    page.get_by_role("button", name="Check and add").click()

    expect(page.locator(".sync .badge-success")).to_have_text("Up to date", timeout=90_000)
    expect(page.get_by_text(npsso)).to_have_count(0)
    page.get_by_role("link", name="Browse its games").click()
    # A PS5 title from the played list and the fake's Unicode titles, exactly as PSN names them.
    expect(page.get_by_role("link", name="Ratchet & Clank™: Rift Apart")).to_be_visible()
