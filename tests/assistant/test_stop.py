"""Stopping an answer: the HTTP stream to Ollama is closed (so it stops generating), the partial
answer is stored as stopped, and the conversation goes on."""

from __future__ import annotations

import asyncio

from asgiref.sync import sync_to_async

from assistant.services.chat import stream_reply
from tests.assistant.conftest import DB, answer_text, ask
from tests.fakes.ollama import Reply

pytestmark = DB


async def test_cancelling_the_consumer_stops_the_answer(ollama, chat, alice):
    ollama.script(Reply(pieces=["Let me think ", "about that…"], hold_after=1))
    received: list[dict] = []
    first_token = asyncio.Event()

    async def consume() -> None:
        async for event in stream_reply(chat, "What should I play?", user=alice):
            received.append(event)
            if event["type"] == "token":
                first_token.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(first_token.wait(), 5)
    task.cancel()
    await asyncio.wait([task])

    assert task.cancelled()
    assert [e["type"] for e in received] == ["start", "token"]
    assert await asyncio.to_thread(ollama.hung_up.wait, 5)
    assert await sync_to_async(list)(
        chat.messages.values_list("role", "content", "error_code")
    ) == [
        ("user", "What should I play?", ""),
        ("assistant", "Let me think ", "stopped"),
    ]

    ollama.script(Reply.text("Try Hades."))
    assert answer_text(await ask(chat, "Go on", alice)) == "Try Hades."
