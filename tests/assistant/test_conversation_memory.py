"""The model sees the conversation so far; a long one is trimmed to fit its context window, with a
digest of what was asked before. The stored conversation itself is never cut."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_core.messages.utils import count_tokens_approximately

from assistant.llm import ANSWER_TOKENS
from assistant.models import Message
from assistant.prompts import TOOL_RESULTS_TOKENS, build_messages
from tests.assistant.conftest import DB, ask
from tests.fakes.ollama import Reply, ToolCall

pytestmark = DB


async def test_it_remembers_earlier_turns(ollama, chat, alice, portal):
    ollama.script(
        Reply.calls(ToolCall("search_games", {"query": "portal"})),
        Reply.text("Yes, you own Portal 2."),
        Reply.text("About 21 hours."),
    )
    await ask(chat, "Do I own Portal?", alice)

    await ask(chat, "How long have I played it?", alice)

    sent = [(m["role"], m["content"]) for m in ollama.chat_bodies[-1]["messages"][1:]]
    assert sent == [
        ("user", "Do I own Portal?"),
        ("assistant", "Yes, you own Portal 2."),
        ("user", "How long have I played it?"),
    ]


async def test_it_trims_a_long_conversation_to_fit_the_context(ollama, chat, alice, settings):
    # The default window: the tool schemas (nineteen tools) take a good part of it.
    settings.OLLAMA_CONTEXT_TOKENS = 12288
    filler = "blah " * 80
    await sync_to_async(Message.objects.bulk_create)(
        Message(
            conversation=chat,
            role="user" if i % 2 == 0 else "assistant",
            content=f"{'question' if i % 2 == 0 else 'answer'} {i} {filler}",
        )
        for i in range(60)
    )
    ollama.script(Reply.text("Sure."))

    await ask(chat, "And now?", alice)

    sent = ollama.chat_bodies[0]["messages"]
    assert sent[0]["role"] == "system" and "Game Djinn" in sent[0]["content"]
    digest = sent[1]
    assert digest["role"] == "system"
    dropped = int(digest["content"].split()[0])
    assert digest["content"].startswith(
        f"{dropped} earlier messages of this conversation are left out to fit the context."
    )
    assert 0 < dropped < 60
    kept = [m["content"] for m in sent[2:-1]]
    assert len(kept) == 60 - dropped
    assert kept[0].startswith(f"question {dropped} ")  # the oldest went, a question leads
    assert kept[-1].startswith("answer 59 ")  # the newest stayed
    assert f"“question {dropped - 2} " in digest["content"]  # the latest dropped question
    assert sent[-1]["content"] == "And now?"
    assert await sync_to_async(chat.messages.count)() == 62  # nothing was deleted


def test_the_kept_history_fits_the_budget(alice):
    history = [
        ("user" if i % 2 == 0 else "assistant", f"message {i} " + "word " * 150) for i in range(40)
    ]

    messages = build_messages(alice, history, "What now?", context_tokens=8192)

    assert isinstance(messages[0], SystemMessage) and isinstance(messages[-1], HumanMessage)
    budget = 8192 - ANSWER_TOKENS - TOOL_RESULTS_TOKENS
    assert count_tokens_approximately(messages) <= budget
    assert len(messages) < len(history)


def test_a_short_conversation_is_sent_whole(alice):
    history = [("user", "Hi"), ("assistant", "Hello! What can I look up?")]

    messages = build_messages(alice, history, "My backlog?")

    assert [m.content for m in messages[1:]] == ["Hi", "Hello! What can I look up?", "My backlog?"]
