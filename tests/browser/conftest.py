"""Browser tests: Debian's Chromium, driven by Playwright, against a REAL Game Djinn server.

The server is `manage.py serve` (daphne with HTTP and WebSockets, plus the embedded Celery worker
and beat) in a subprocess with its own DATA_DIR, aimed at a fake Steam that runs in this process,
so a test can flip the fake's failure switches (rate limits) while the real sync runs.

Screenshots: every failing test leaves a full-page screenshot in .test-data/browser/failures/.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from platforms.contract import FakeStore
from platforms.integrations.steam.fake_server import FakeSteam, SteamWorld, generate_world
from platforms.registry import account_integrations
from tests.browser.server import DESKTOP, free_port, server_environment, serving, signed_in

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / ".test-data" / "browser"
SERVER_LOG = ARTIFACTS / "server.log"
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "browser-test-Passw0rd!"
PHONE = {"width": 390, "height": 844}
GAMES = 300

expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def world() -> SteamWorld:
    return generate_world(GAMES, seed=7, now=int(time.time()))


@pytest.fixture(scope="session")
def fake_steam(world: SteamWorld) -> Iterator[FakeSteam]:
    with FakeSteam(world) as fake:
        fake.latency_seconds = 0.01
        yield fake


@pytest.fixture(scope="session")
def store_fakes() -> Iterator[dict[str, FakeStore]]:
    """A running loopback fake of every account store other than Steam (which has its own
    world above), by store code: the browser tests connect accounts against them."""
    with ExitStack() as stack:
        yield {
            spec.code: stack.enter_context(_load(spec.fake)())
            for spec in account_integrations()
            if spec.fake and spec.code != "steam"
        }


def _load(path: str) -> Any:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def _environment_value(value: Any) -> str:
    """A Django setting a fake asks for, written as the environment variable that sets it."""
    if isinstance(value, tuple):
        return "/".join(str(part) for part in value)
    return str(value)


@pytest.fixture(scope="session")
def server_url(
    fake_steam: FakeSteam,
    store_fakes: dict[str, FakeStore],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """Start `manage.py serve` on a free port and wait until /health answers."""
    port = free_port()
    data_dir = tmp_path_factory.mktemp("gamedjinn-data")
    url = f"http://127.0.0.1:{port}"
    environment = server_environment(
        url,
        port,
        data_dir,
        ADMIN_USERNAME=ADMIN_USERNAME,
        ADMIN_PASSWORD=ADMIN_PASSWORD,
        ADMIN_EMAIL="admin@example.com",
        STEAM_API_URL=fake_steam.url,
        STEAM_STORE_URL=fake_steam.url,
        STEAM_API_KEY="",
        # Fast enough for a test, slow enough to watch the bar move (about two seconds a phase).
        STEAM_STORE_RATE_LIMIT="60/1",
        STEAM_API_RATE_LIMIT="150/1",
        SYNC_SCHEDULER_INTERVAL_SECONDS="3600",
        LOG_LEVEL="info",
    )
    for fake in store_fakes.values():
        environment |= {name: _environment_value(v) for name, v in fake.settings().items()}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with serving(url, port, environment, SERVER_LOG):
        yield url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def auth_state(browser: Browser, server_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Sign in once through the real login form; tests reuse the session cookie."""
    path = str(tmp_path_factory.mktemp("auth") / "state.json")
    with signed_in(browser, server_url, ADMIN_USERNAME, ADMIN_PASSWORD) as page:
        page.context.storage_state(path=path)
    return path


SERVER_LOG_SHOWN = 20_000  # bytes of the server's log a failure report carries, the last ones


@pytest.fixture(autouse=True)
def _server_log_from_here(request: pytest.FixtureRequest, server_url: str) -> None:
    request.node.server_log_offset = SERVER_LOG.stat().st_size


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)
    offset = getattr(item, "server_log_offset", None)
    if report.when == "call" and report.failed and offset is not None:
        # CI keeps only what pytest prints: the server's side of a failure travels with it.
        with SERVER_LOG.open("rb") as log:
            log.seek(offset)
            written = log.read()[-SERVER_LOG_SHOWN:].decode("utf-8", errors="replace")
        report.sections.append(("server log during this test", written))


def _open(browser: Browser, server_url: str, request: pytest.FixtureRequest, **options: Any):
    context: BrowserContext = browser.new_context(base_url=server_url, **options)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        failures = ARTIFACTS / "failures"
        failures.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(failures / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def page(
    browser: Browser, server_url: str, auth_state: str, request: pytest.FixtureRequest
) -> Iterator[Page]:
    """A signed-in desktop page (1280 by 800)."""
    yield from _open(browser, server_url, request, storage_state=auth_state, viewport=DESKTOP)


@pytest.fixture
def phone(
    browser: Browser, server_url: str, auth_state: str, request: pytest.FixtureRequest
) -> Iterator[Page]:
    """A signed-in phone page (390 by 844, touch)."""
    yield from _open(
        browser,
        server_url,
        request,
        storage_state=auth_state,
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )


@pytest.fixture
def anonymous(browser: Browser, server_url: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    yield from _open(browser, server_url, request, viewport=DESKTOP)


@pytest.fixture
def synced_library(browser: Browser, server_url: str, auth_state: str, world: SteamWorld) -> str:
    """The path of the fake world's library, synced to the end.

    Adds it through the real form when no test has yet (test_library_sync does it as a test, and
    runs first: see pytest_collection_modifyitems).
    """
    context = browser.new_context(base_url=server_url, storage_state=auth_state, viewport=DESKTOP)
    page = context.new_page()
    page.goto("/libraries/")
    cards = page.get_by_test_id("library-card")
    if cards.count() == 0:
        page.goto("/libraries/add/steam/")
        page.get_by_label("Steam account").fill(world.vanity)
        page.get_by_label("Steam Web API key").fill(world.api_key)
        page.get_by_role("button", name="Check and add").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(world.player.personaname)
    else:
        cards.first.get_by_role("link", name="Manage").click()
    expect(page.locator(".sync .badge-success")).to_have_text("Up to date", timeout=90_000)
    path = page.url.removeprefix(server_url)
    context.close()
    return path


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Adding the library runs first: on a fresh server its sync has every phase to do, so the
    test can watch each bar move. Later tests reuse the synced library. The rate-limit
    screenshot runs last: it leaves the store paused for minutes."""
    first = [item for item in items if "test_it_adds_a_steam_library" in item.name]
    last = [item for item in items if "test_it_shoots_a_sync_in_progress" in item.name]
    items[:] = first + [item for item in items if item not in first + last] + last
