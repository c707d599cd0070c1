"""Fixtures for the assistant: a fake Ollama on a real socket, a small library to ask about, and
helpers to talk to the chat service and the chat socket.

The service runs its database work in worker threads (as under daphne), so the tests that drive it
use transactional databases (`DB` below); serialized_rollback keeps the migration-seeded platforms.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings

from assistant.models import Conversation
from assistant.services.chat import ChatEvent, stream_reply
from assistant.services.conversations import open_conversation
from gamedjinn.asgi import application
from games.models import Game
from tests.factories import GameFactory, LibraryGameFactory, ReleaseFactory
from tests.fakes.ollama import FakeOllama, running_fake_ollama

DB = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def ollama(settings) -> Iterator[FakeOllama]:
    with running_fake_ollama() as fake:
        settings.OLLAMA_URL = fake.url
        settings.OLLAMA_MODEL = "qwen3:8b"
        yield fake


def own(library, title: str, playtime_minutes: int = 0, **game_fields: Any) -> Game:
    game = GameFactory(title=title, **game_fields)
    LibraryGameFactory(
        library=library, release=ReleaseFactory(game=game), playtime_minutes=playtime_minutes
    )
    return game


@pytest.fixture
def portal(alice_library) -> Game:
    return own(alice_library, "Portal 2", 1260, description="A puzzle game about portals.")


@pytest.fixture
def hades(alice_library) -> Game:
    return own(alice_library, "Hades", 3000, description="Escape the underworld.")


@pytest.fixture
def chat(alice) -> Conversation:
    return open_conversation(alice)


async def ask(conversation: Conversation, text: str, user) -> list[ChatEvent]:
    return [event async for event in stream_reply(conversation, text, user=user)]


def types(events: list[ChatEvent]) -> list[str]:
    return [event["type"] for event in events]


def answer_text(events: list[ChatEvent]) -> str:
    return "".join(event["text"] for event in events if event["type"] == "token")


def tool_names(body: dict[str, Any]) -> set[str]:
    return {tool["function"]["name"] for tool in body.get("tools") or []}


def signed_in_socket(client, user) -> WebsocketCommunicator:
    """A WebSocket to the real ASGI app, carrying USER's session cookie from the browser's origin."""
    client.force_login(user)
    name = django_settings.SESSION_COOKIE_NAME
    cookie = f"{name}={client.cookies[name].value}"
    return WebsocketCommunicator(
        application,
        "/ws/assistant/",
        headers=[(b"origin", b"http://localhost"), (b"cookie", cookie.encode())],
    )
