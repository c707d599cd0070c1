"""Adding a Steam library against the fake Steam and watching its sync live over the WebSocket:
the progress bar moves without a reload, reaches done, and a toast says so. A reload in the
middle shows the true state, rendered from the SyncRun row."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, WebSocketRoute, expect

from platforms.integrations.steam.fake_server import PRIVATE_VANITY, FakeSteam, SteamWorld

pytestmark = pytest.mark.browser

CURRENT_BAR = """(phase) => {
  const bar = document.querySelector(`.sync [data-phase-name="${phase}"][data-state="current"] progress`);
  return bar && bar.value > 0 && bar.value < bar.max ? bar.value : null;
}"""


def _delete_existing(page: Page) -> None:
    """Start from no library, whichever browser test ran first."""
    page.goto("/libraries/")
    while page.get_by_test_id("library-card").count():
        page.get_by_test_id("library-card").first.get_by_role("link", name="Manage").click()
        page.get_by_role("link", name="Delete library…").click()
        page.get_by_role("button", name="Delete library").click()
        expect(page.locator(".toast")).to_contain_text("Deleted")


def _submit(page: Page, account: str, api_key: str) -> None:
    page.get_by_label("Steam account").fill(account)
    page.get_by_label("Steam Web API key").fill(api_key)
    page.get_by_role("button", name="Check and add").click()


def test_it_adds_a_steam_library_and_shows_the_sync_live(
    page: Page, world: SteamWorld, fake_steam: FakeSteam
) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    _delete_existing(page)

    page.goto("/libraries/add/")
    page.get_by_test_id("store-choices").locator('[data-store="steam"]').click()
    _submit(page, "no-such-player-anywhere", world.api_key)
    expect(page.get_by_test_id("add-library-error")).to_contain_text("No Steam account uses")
    _submit(page, PRIVATE_VANITY, world.api_key)
    expect(page.get_by_test_id("add-library-error")).to_contain_text("private")
    _submit(page, world.vanity, "0" * 32)
    expect(page.get_by_test_id("add-library-error")).to_be_visible()

    _submit(page, f"https://steamcommunity.com/id/{world.vanity}/", world.api_key)
    expect(page.get_by_role("heading", level=1)).to_have_text(world.player.personaname)
    expect(page.get_by_text(world.steamid)).to_be_visible()
    expect(page.locator("#live-indicator")).to_have_attribute("data-state", "open")
    page.evaluate("window.__sameDocument = true")

    # The store-metadata bar moves while we watch: two different values, no reload in between.
    first = page.wait_for_function(CURRENT_BAR, arg="details", timeout=60_000).json_value()
    page.wait_for_function(
        f"(phase) => {{ const v = ({CURRENT_BAR})(phase); return v !== null && v > {first}; }}",
        arg="details",
        timeout=30_000,
    )
    expect(page.locator('.sync [data-phase-name="owned"]')).to_have_attribute("data-state", "done")
    expect(page.locator('.sync [data-phase-name="details"] [data-field="eta"]')).to_contain_text(
        "left"
    )

    expect(page.locator(".sync .badge-success")).to_have_text("Up to date", timeout=90_000)
    expect(page.locator(".toast.success")).to_contain_text("is up to date")
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"
    expect(page.locator(".sync")).to_contain_text(f"{len(world.player.owned)} games")
    assert dialogs == [], "a title ran as script"


def test_a_reload_in_the_middle_of_a_sync_shows_the_true_state(
    page: Page, synced_library: str
) -> None:
    page.goto(synced_library)
    page.get_by_role("button", name="Refetch everything").click()
    page.wait_for_function(CURRENT_BAR, arg="details", timeout=60_000)
    page.reload()
    # Rendered from the SyncRun row on the server, then kept live by the socket.
    expect(page.locator(".sync")).to_have_attribute("data-status", "running")
    expect(page.locator('.sync [data-phase-name="owned"]')).to_have_attribute("data-state", "done")
    expect(page.locator("#live-indicator")).to_have_attribute("data-state", "open")
    expect(page.locator(".sync .badge-success")).to_have_text("Up to date", timeout=90_000)


def test_the_dashboard_follows_a_sync_too(page: Page, synced_library: str) -> None:
    page.goto(synced_library)
    page.get_by_role("button", name="Sync now").click()
    page.goto("/")
    card = page.locator(".library-card").first
    expect(card.locator(".sync")).to_be_visible()
    expect(card.locator(".sync .badge-success")).to_have_text("Up to date", timeout=60_000)


def test_after_a_reconnect_the_page_catches_up_with_what_it_missed(
    page: Page, synced_library: str
) -> None:
    """Messages are hints: drop them all, let the sync finish unseen, then cut the socket. On
    reconnecting, the page re-reads the sync from the database and shows the truth."""
    sockets: list[WebSocketRoute] = []
    state = {"blackout": False}

    def proxy(ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()
        server.on_message(lambda message: None if state["blackout"] else ws.send(message))
        sockets.append(ws)

    page.route_web_socket(re.compile(r"/ws/sync/$"), proxy)
    page.goto(synced_library)
    expect(page.locator("#live-indicator")).to_have_attribute("data-state", "open")
    sync = page.locator(".sync")
    library_id = sync.get_attribute("data-sync-library")

    state["blackout"] = True
    before = sync.get_attribute("data-run")
    page.get_by_role("button", name="Refetch everything").click()
    # The click's own answer shows the new run, queued or already taken by the worker.
    expect(sync).not_to_have_attribute("data-run", before or "")
    expect(sync).to_have_attribute("data-status", re.compile(r"^(queued|running)$"))
    run_id = sync.get_attribute("data-run")
    stale = sync.get_attribute("data-status")
    # The server finishes the run while the page hears nothing.
    while (
        'data-status="succeeded"'
        not in page.request.get(f"/libraries/{library_id}/sync/status/").text()
    ):
        page.wait_for_timeout(250)  # polling the server's state, not standing in for work
    expect(sync).to_have_attribute("data-status", stale or "")  # stale: no message got through

    state["blackout"] = False
    sockets[-1].close(code=1012, reason="service restart")
    expect(page.locator("#live-indicator")).to_have_attribute("data-state", "open")
    expect(page.locator(".sync .badge-success")).to_have_text("Up to date")
    assert page.locator(".sync").get_attribute("data-run") == run_id
    assert len(sockets) >= 2  # it really reconnected
