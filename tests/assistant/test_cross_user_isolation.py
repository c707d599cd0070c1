"""Bob's assistant never sees Alice's games, nor her conversations."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.core.exceptions import PermissionDenied

from assistant.models import Conversation
from assistant.services.conversations import open_conversation
from tests.assistant.conftest import DB, ask, own
from tests.fakes.ollama import Reply, ToolCall

pytestmark = DB


@pytest.fixture
def stardew(bob_library):
    return own(bob_library, "Stardew Valley", 4000)


async def test_bobs_tools_only_see_bobs_library(ollama, bob, stardew, portal):
    chat = await sync_to_async(open_conversation)(bob)
    ollama.script(
        Reply.calls(
            ToolCall("search_games", {"query": ""}),
            ToolCall("get_game_details", {"game_id": portal.pk}),
        ),
        Reply.text("You own Stardew Valley."),
    )

    events = await ask(chat, "What games do I own?", bob)

    search, details = [m for m in ollama.chat_bodies[1]["messages"] if m["role"] == "tool"]
    assert "Stardew Valley" in search["content"]
    assert "Portal 2" not in search["content"]
    assert "Portal 2" not in details["content"]
    assert [e["ok"] for e in events if e["type"] == "tool_end"] == [True, False]
    assert events[-1]["games"] == [{"id": stardew.pk, "title": "Stardew Valley"}]


async def test_bob_cannot_continue_alices_conversation(ollama, chat, bob):
    with pytest.raises(PermissionDenied):
        await ask(chat, "What did Alice ask?", bob)
    assert ollama.chat_bodies == []
    assert await sync_to_async(chat.messages.count)() == 0


def test_bob_cannot_open_alices_conversation_by_id(chat, bob):
    with pytest.raises(Conversation.DoesNotExist):
        open_conversation(bob, chat.pk)
