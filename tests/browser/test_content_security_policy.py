"""Under the Content-Security-Policy nothing is blocked: every page works without eval or stray
inline scripts, including htmx, the WebSocket and the search boxes (whose three-letter rule now
lives in app.js instead of hx-trigger filters that htmx would have to eval)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""
PAGES = ("/", "/library/", "/analytics/", "/assistant/", "/libraries/", "/settings/")


def violations(page: Page) -> list[str]:
    return page.evaluate("window.cspViolations")


def searched(requests: list[str], path: str) -> list[str]:
    """The q of every request to PATH, in order."""
    return [
        parse_qs(urlsplit(url).query).get("q", [""])[0]
        for url in requests
        if urlsplit(url).path == path
    ]


def test_no_page_breaks_the_policy(page: Page, synced_library: str) -> None:
    page.add_init_script(RECORD_VIOLATIONS)
    for path in (*PAGES, synced_library):
        response = page.goto(path)
        assert response is not None and "script-src 'self' 'nonce-" in (
            response.headers.get("content-security-policy", "")
        ), path
        expect(page.locator("html.js")).to_have_count(1)  # the nonced inline script ran
        expect(page.locator("#live-indicator")).to_have_attribute("data-state", "open")
        assert violations(page) == [], path
    page.goto("/library/")
    page.locator("#entries a").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert violations(page) == []


def test_typing_searches_from_the_third_letter(page: Page, synced_library: str) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto("/library/")
    search = page.get_by_label("Search titles")

    # Slower than the 250 ms debounce: each letter would have sent its own search.
    search.press_sequentially("vo", delay=400)
    search.press_sequentially("y")
    expect(page).to_have_url(re.compile(r"q=voy"))
    search.fill("")
    search.dispatch_event("input")
    expect(page).not_to_have_url(re.compile(r"q=voy"))
    assert searched(requests, "/library/")[-2:] == ["voy", ""]
    assert not {"v", "vo"} & set(searched(requests, "/library/"))

    quick = page.get_by_label("Search your games")
    quick.press_sequentially("vo", delay=400)
    quick.press_sequentially("y")
    expect(page.locator("#suggestions .suggestion").first).to_be_visible()
    assert searched(requests, "/search/suggest/") == ["voy"]
    assert violations(page) == []
