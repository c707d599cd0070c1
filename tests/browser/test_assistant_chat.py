"""The assistant in a real browser: the panel on every page streams an answer with its tool
activity and a link to the game, stop works, a failure shows its message, and the full page
continues the conversation.

Its own server (`manage.py serve`, daphne) runs with OLLAMA_URL aimed at a fake Ollama in this
process, which plays a model that calls search_games and answers from the tool's result.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.server import ROOT, free_port, server_environment, serving, signed_in
from tests.fakes.ollama import FakeOllama, Reply, ToolCall, running_fake_ollama

pytestmark = pytest.mark.browser

USERNAME = "djinn-admin"
PASSWORD = "assistant-Passw0rd!"
SEED = """
from django.contrib.auth import get_user_model
from tests.factories import GameFactory, LibraryFactory, LibraryGameFactory, ReleaseFactory
owner = get_user_model().objects.get(username="{username}")
library = LibraryFactory(owner=owner, display_name="Admin on Steam")
for title, minutes in [("Portal 2", 1260), ("Hades", 3000), ("Celeste", 480)]:
    game = GameFactory(title=title)
    LibraryGameFactory(library=library, release=ReleaseFactory(game=game), playtime_minutes=minutes)
"""


def model(body: dict[str, Any]) -> Reply:
    """A model that searches the library, then answers from what the search found."""
    last = body["messages"][-1]
    if last["role"] == "tool":
        found = json.loads(last["content"].split("\n", 1)[1].rsplit("\n", 1)[0])["items"]
        if not found:
            return Reply.text("You don't own that.")
        game = found[0]
        return Reply(
            pieces=["Yes! You own ", f"[{game['title']}](/games/{game['game_id']}/)", " — enjoy."],
            interval=0.05,
        )
    question = last["content"]
    if "story" in question:
        return Reply(pieces=["Once upon ", "a time…"], hold_after=1)
    if "busy" in question:
        return Reply.busy()
    query = re.sub(r"\W+", " ", question.removeprefix("Do I own")).strip()
    return Reply.calls(ToolCall("search_games", {"query": query}))


@pytest.fixture(scope="module")
def fake_ollama() -> Iterator[FakeOllama]:
    with running_fake_ollama() as fake:
        fake.respond_with(model)
        yield fake


@pytest.fixture(scope="module")
def assistant_server(
    fake_ollama: FakeOllama, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    environment = server_environment(
        url,
        port,
        tmp_path_factory.mktemp("assistant-data"),
        ADMIN_USERNAME=USERNAME,
        ADMIN_PASSWORD=PASSWORD,
        ADMIN_EMAIL="djinn@example.com",
        OLLAMA_URL=fake_ollama.url,
        OLLAMA_MODEL="qwen3:8b",
    )
    log_path = tmp_path_factory.mktemp("assistant-log") / "server.log"
    with serving(url, port, environment, log_path, "--no-worker"):
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", SEED.format(username=USERNAME)],
            cwd=ROOT,
            env=environment,
            check=True,
            capture_output=True,
        )
        yield url


@pytest.fixture
def chat_page(browser: Browser, assistant_server: str) -> Iterator[Page]:
    with signed_in(browser, assistant_server, USERNAME, PASSWORD) as page:
        yield page


def open_panel(page: Page):
    page.get_by_role("button", name="Ask the Djinn").click()
    panel = page.get_by_role("complementary", name="Assistant")
    expect(panel).to_be_visible()
    return panel


def ask(panel, question: str) -> None:
    panel.get_by_label("Your question").fill(question)
    panel.get_by_label("Your question").press("Enter")


def test_the_panel_streams_an_answer_with_tool_activity_and_a_link(chat_page: Page):
    panel = open_panel(chat_page)
    expect(panel.locator("[data-ollama-status]")).to_have_text("Ollama 0.12.6")
    expect(panel.get_by_label("Model")).to_contain_text("qwen3:8b · 5.2 GB · 8.2B")

    ask(panel, "Do I own Portal?")

    expect(panel.locator(".msg-user")).to_have_text("Do I own Portal?")
    expect(panel.locator(".msg-tool")).to_contain_text("Searching your library…")
    answer = panel.locator(".msg-assistant .msg-text").last
    expect(answer).to_have_text("Yes! You own Portal 2 — enjoy.")
    link = answer.get_by_role("link", name="Portal 2")
    expect(link).to_have_attribute("href", re.compile(r"^/games/\d+/$"))
    expect(panel.locator(".msg-games .chip")).to_have_text("Portal 2")
    expect(panel.get_by_role("button", name="Send")).to_be_visible()


def test_stop_ends_an_answer(chat_page: Page, fake_ollama: FakeOllama):
    panel = open_panel(chat_page)
    panel.locator("[data-panel-new]").click()

    ask(panel, "Tell me a story")
    expect(panel.locator(".msg-assistant .msg-text").last).to_have_text("Once upon ")
    panel.get_by_role("button", name="Stop").click()

    expect(panel.locator(".msg-note").last).to_have_text("Stopped.")
    expect(panel.get_by_role("button", name="Send")).to_be_visible()
    assert fake_ollama.hung_up.wait(10)


def test_a_failure_shows_what_to_do(chat_page: Page):
    panel = open_panel(chat_page)
    panel.locator("[data-panel-new]").click()

    ask(panel, "Are you busy?")

    alert = panel.get_by_role("alert")
    expect(alert).to_contain_text("Ollama at")
    expect(alert).to_contain_text("is busy")
    expect(alert).to_contain_text("Try again in a moment")


def test_the_full_page_continues_a_panel_conversation(chat_page: Page):
    panel = open_panel(chat_page)
    panel.locator("[data-panel-new]").click()
    ask(panel, "Do I own Hades?")
    expect(panel.locator(".msg-assistant .msg-text").last).to_have_text(
        "Yes! You own Hades — enjoy."
    )

    chat_page.goto("/assistant/")
    chat_page.get_by_role("navigation", name="Conversations").get_by_role(
        "link", name="Do I own Hades?"
    ).click()

    main = chat_page.locator("[data-chat]")
    expect(main.locator(".msg-user")).to_have_text("Do I own Hades?")
    expect(main.locator(".msg-text").get_by_role("link", name="Hades")).to_have_attribute(
        "href", re.compile(r"^/games/\d+/$")
    )
    expect(chat_page.get_by_role("complementary", name="Assistant")).to_have_count(0)

    ask(main, "Do I own Celeste?")
    expect(main.locator(".msg-assistant .msg-text").last).to_have_text(
        "Yes! You own Celeste — enjoy."
    )
    expect(main.locator(".msg-user")).to_have_count(2)


def test_the_panel_works_on_a_phone(browser: Browser, assistant_server: str):
    context = browser.new_context(
        base_url=assistant_server,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username or email").fill(USERNAME)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    panel = open_panel(page)  # the button shows only an icon here; its name still reads
    panel.locator("[data-panel-new]").click()
    ask(panel, "Do I own Celeste?")

    expect(panel.locator(".msg-assistant .msg-text").last).to_have_text(
        "Yes! You own Celeste — enjoy."
    )
    box = panel.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    context.close()
