"""When Steam answers 429, the run parks: a banner says so with a live countdown to the automatic
retry and a "Retry now" button, which resumes the same run."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from platforms.integrations.steam.fake_server import FakeSteam

pytestmark = pytest.mark.browser


def test_the_rate_limit_banner_counts_down_and_retry_now_resumes(
    page: Page, synced_library: str, fake_steam: FakeSteam
) -> None:
    page.goto(synced_library)
    fake_steam.retry_after = 5
    fake_steam.set_rate_limit("store", (3, 3600))
    try:
        page.get_by_role("button", name="Refetch everything").click()
        banner = page.get_by_test_id("rate-limit-banner")
        expect(banner).to_be_visible(timeout=90_000)
        expect(banner).to_contain_text("asked us to slow down")
        expect(banner.locator("[data-countdown]")).to_have_text(re.compile(r"^(\d+:\d\d|now)$"))
        expect(page.locator(".toast.warning")).to_contain_text("slow down")
        expect(page.locator(".sync")).to_have_attribute("data-status", "rate_limited")
    finally:
        fake_steam.set_rate_limit("store", None)
        fake_steam.retry_after = None
    run = page.locator(".sync").get_attribute("data-run")
    banner.get_by_role("button", name="Retry now").click()
    expect(page.get_by_test_id("rate-limit-banner")).to_be_hidden(timeout=30_000)
    expect(page.locator(".sync .badge-success")).to_have_text("Up to date", timeout=90_000)
    assert page.locator(".sync").get_attribute("data-run") == run  # the same run, resumed
    history = page.locator("table.table tbody tr").first
    expect(history).to_contain_text("Succeeded")
