"""Every way Ollama fails ends in a clear message that names the problem and the fix; the question
and any partial answer are stored, and the same conversation works again afterwards."""

from __future__ import annotations

import socket

import pytest
from asgiref.sync import sync_to_async

from assistant.services.conversations import open_conversation
from tests.assistant.conftest import DB, answer_text, ask, types
from tests.fakes.ollama import BUSY, MODEL_ERROR, Reply

pytestmark = DB


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there any more


async def stored(conversation) -> list[tuple[str, str, str]]:
    return await sync_to_async(list)(
        conversation.messages.values_list("role", "content", "error_code")
    )


async def test_it_says_when_ollama_is_unreachable(ollama, chat, alice, settings):
    settings.OLLAMA_URL = closed_port_url()

    events = await ask(chat, "What should I play?", alice)

    assert types(events) == ["start", "error", "done"]
    error = events[1]
    assert error["code"] == "unreachable"
    assert f"Can't reach Ollama at {settings.OLLAMA_URL}" in error["message"]
    assert "ollama serve" in error["message"] and "OLLAMA_URL" in error["message"]
    assert events[-1]["reason"] == "error"
    assert await stored(chat) == [
        ("user", "What should I play?", ""),
        ("assistant", "", "unreachable"),
    ]


async def test_it_says_to_pull_a_model_that_is_not_installed(ollama, alice):
    chat = await sync_to_async(open_conversation)(alice, model="mistral:7b")

    events = await ask(chat, "Hi", alice)

    assert events[1]["code"] == "model_missing"
    assert "mistral:7b is not installed" in events[1]["message"]
    assert "`ollama pull mistral:7b`" in events[1]["message"]


async def test_it_says_when_the_model_cannot_use_tools(ollama, alice):
    chat = await sync_to_async(open_conversation)(alice, model="gemma2:2b")

    events = await ask(chat, "Hi", alice)

    assert events[1]["code"] == "no_tools"
    assert "gemma2:2b cannot call tools" in events[1]["message"]
    assert "`ollama pull qwen3:8b`" in events[1]["message"]


async def test_it_says_when_ollama_is_busy(ollama, chat, alice):
    ollama.script(Reply.busy())

    events = await ask(chat, "Hi", alice)

    assert events[1]["code"] == "busy"
    assert "busy" in events[1]["message"] and "Try again" in events[1]["message"]
    assert BUSY not in events[1]["message"]  # we explain it rather than echo it


async def test_it_keeps_the_partial_answer_when_an_error_arrives_mid_stream(ollama, chat, alice):
    ollama.script(Reply.broken_mid_stream("Your most played ", "game is"))

    events = await ask(chat, "What do I play most?", alice)

    assert types(events) == ["start", "token", "token", "error", "done"]
    assert events[3]["code"] == "model_error"
    assert MODEL_ERROR in events[3]["message"]
    assert "Ollama server's log" in events[3]["message"]
    assert (await stored(chat))[-1] == ("assistant", "Your most played game is", "model_error")


async def test_it_says_when_the_answer_was_cut_off(ollama, chat, alice):
    ollama.script(Reply.text("Here are all your games: A, B, C", done_reason="length"))

    events = await ask(chat, "List everything", alice)

    assert types(events) == ["start", "token", "error", "done"]
    assert events[2]["code"] == "truncated"
    assert "cut off" in events[2]["message"] and "continue" in events[2]["message"]
    assert events[-1]["reason"] == "length"
    assert (await stored(chat))[-1] == (
        "assistant",
        "Here are all your games: A, B, C",
        "truncated",
    )


async def test_it_gives_up_on_a_silent_ollama(ollama, chat, alice, settings):
    settings.OLLAMA_TIMEOUT = 0.3
    ollama.script(Reply.never())

    events = await ask(chat, "Hi", alice)

    assert events[1]["code"] == "timeout"
    assert "OLLAMA_TIMEOUT" in events[1]["message"] and "smaller model" in events[1]["message"]
    assert ollama.hung_up.wait(5)  # we hung up, so Ollama can stop working on it


@pytest.mark.parametrize("failure", [Reply.busy(), Reply.broken_mid_stream("Half")])
async def test_the_conversation_goes_on_after_a_failure(ollama, chat, alice, failure):
    ollama.script(failure, Reply.text("Now it works."))
    await ask(chat, "First try", alice)

    events = await ask(chat, "Second try", alice)

    assert answer_text(events) == "Now it works."
    sent = [(m["role"], m["content"]) for m in ollama.chat_bodies[-1]["messages"][1:]]
    # The failed answer is not fed back as if it were true; both questions are.
    assert sent == [("user", "First try"), ("user", "Second try")]
    assert [row[0] for row in await stored(chat)] == ["user", "assistant", "user", "assistant"]
