"""Signing in through the real form; every page sends strangers to it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ADMIN_PASSWORD, ADMIN_USERNAME

pytestmark = pytest.mark.browser


def test_a_stranger_is_sent_to_sign_in_and_comes_back_after(
    anonymous: Page, server_url: str
) -> None:
    anonymous.goto("/library/?sort=playtime")
    expect(anonymous).to_have_url(f"{server_url}/accounts/login/?next=/library/%3Fsort%3Dplaytime")
    anonymous.get_by_label("Username or email").fill(ADMIN_USERNAME)
    anonymous.get_by_label("Password").fill("wrong password")
    anonymous.get_by_role("button", name="Sign in").click()
    expect(anonymous.get_by_role("alert")).to_contain_text("not correct")
    anonymous.get_by_label("Password").fill(ADMIN_PASSWORD)
    anonymous.get_by_role("button", name="Sign in").click()
    expect(anonymous).to_have_url(f"{server_url}/library/?sort=playtime")
    expect(anonymous.get_by_role("heading", name="Library", level=1)).to_be_visible()
