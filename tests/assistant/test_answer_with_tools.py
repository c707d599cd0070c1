"""A question becomes a tool call, the tool runs a real query on the user's library through the MCP
server, the result goes back to the model, and the answer streams out and is stored."""

from __future__ import annotations

import asyncio
import json

from asgiref.sync import sync_to_async

from assistant.models import Message
from assistant.services.chat import MAX_TOOL_ROUNDS
from mcp_bridge.server import build_server
from tests.assistant.conftest import DB, answer_text, ask, tool_names, types
from tests.fakes.ollama import Reply, ToolCall
from tests.mcp.test_tool_schemas import SEED_TOOLS

pytestmark = DB


async def test_it_answers_from_a_real_query_and_stores_the_turn(ollama, chat, alice, portal, hades):
    ollama.script(
        Reply.calls(ToolCall("search_games", {"query": "portal"})),
        Reply.text("You own ", f"[Portal 2](/games/{portal.pk}/)", ": 21 hours so far."),
    )

    events = await ask(chat, "Do I own Portal?", alice)

    assert types(events) == ["start", "tool_start", "tool_end", "token", "token", "token", "done"]
    assert events[1]["name"] == "search_games"
    assert events[1]["label"] == "Searching your library…"
    assert events[2]["ok"] is True
    assert answer_text(events) == f"You own [Portal 2](/games/{portal.pk}/): 21 hours so far."
    assert events[-1]["reason"] == "stop"
    assert events[-1]["games"] == [{"id": portal.pk, "title": "Portal 2"}]

    tool_result = ollama.chat_bodies[1]["messages"][-1]
    assert tool_result["role"] == "tool"
    found = json.loads(tool_result["content"].split("\n", 1)[1].rsplit("\n", 1)[0])
    assert [(g["game_id"], g["title"]) for g in found["items"]] == [(portal.pk, "Portal 2")]

    stored = await sync_to_async(list)(
        chat.messages.values_list("role", "tool_name", "content", "games")
    )
    assert stored[0] == ("user", "", "Do I own Portal?", [])
    assert stored[1][:2] == ("tool", "search_games")
    assert "Portal 2" in stored[1][2]
    assert stored[2] == (
        "assistant",
        "",
        f"You own [Portal 2](/games/{portal.pk}/): 21 hours so far.",
        [{"id": portal.pk, "title": "Portal 2"}],
    )
    await chat.arefresh_from_db()
    assert chat.title == "Do I own Portal?"
    answer = await Message.objects.aget(role="assistant")
    # Token counts from Ollama's final lines: the last call's prompt, every call's output.
    assert answer.input_tokens == len(json.dumps(ollama.chat_bodies[1]["messages"])) // 4
    assert answer.output_tokens == 1 + 3


async def test_it_offers_the_mcp_servers_tools(ollama, chat, alice):
    listed = {tool.name for tool in await build_server(user=alice).list_tools()}
    ollama.script(Reply.text("Hello!"))

    await ask(chat, "Hi", alice)

    assert len(listed) == len(SEED_TOOLS)
    assert tool_names(ollama.chat_bodies[0]) == listed


async def test_it_runs_parallel_calls_with_and_without_call_ids(ollama, chat, alice, portal, hades):
    ollama.script(
        Reply.calls(
            ToolCall("get_game_details", {"game_id": portal.pk}),
            ToolCall("get_game_details", {"game_id": hades.pk}, id=None),
        ),
        Reply.text("Both are great."),
    )

    events = await ask(chat, "Tell me about Portal 2 and Hades", alice)

    assert types(events).count("tool_end") == 2
    assert all(e["ok"] for e in events if e["type"] == "tool_end")
    results = [m for m in ollama.chat_bodies[1]["messages"] if m["role"] == "tool"]
    assert ["Portal 2" in results[0]["content"], "Hades" in results[1]["content"]] == [True, True]
    stored = await sync_to_async(list)(
        Message.objects.filter(role="tool").values_list("tool_name", "tool_args")
    )
    assert stored == [
        ("get_game_details", {"game_id": portal.pk}),
        ("get_game_details", {"game_id": hades.pk}),
    ]


async def test_it_tells_the_model_when_a_tool_fails(ollama, chat, alice, portal):
    ollama.script(
        Reply.calls(ToolCall("get_game_details", {"game_id": 999_999})),
        Reply.text("I could not find that game."),
    )

    events = await ask(chat, "Tell me about game 999999", alice)

    assert [e["ok"] for e in events if e["type"] == "tool_end"] == [False]
    result = ollama.chat_bodies[1]["messages"][-1]
    assert result["role"] == "tool"
    assert "999999" in result["content"] or "999_999" in result["content"]
    assert events[-1]["reason"] == "stop"
    assert answer_text(events) == "I could not find that game."


async def test_it_refuses_a_tool_that_does_not_exist(ollama, chat, alice):
    ollama.script(
        Reply.calls(ToolCall("delete_everything", {})),
        Reply.text("I can't do that."),
    )

    events = await ask(chat, "Wipe my library", alice)

    end = next(e for e in events if e["type"] == "tool_end")
    assert (end["ok"], end["note"]) == (False, "no such tool")
    assert "no tool named 'delete_everything'" in ollama.chat_bodies[1]["messages"][-1]["content"]


async def test_a_model_that_keeps_calling_tools_must_answer_in_the_end(ollama, chat, alice):
    ollama.script(
        *[
            Reply.calls(ToolCall("search_games", {"query": f"q{i}"}))
            for i in range(MAX_TOOL_ROUNDS)
        ],
        Reply.text("Here is what I found."),
    )

    events = await ask(chat, "Search forever", alice)

    assert len(ollama.chat_bodies) == MAX_TOOL_ROUNDS + 1
    assert all(tool_names(body) for body in ollama.chat_bodies[:-1])
    assert tool_names(ollama.chat_bodies[-1]) == set()  # the last call offers no tools
    assert answer_text(events) == "Here is what I found."
    assert events[-1]["reason"] == "stop"


async def test_it_leaves_no_connection_to_ollama_open(ollama, chat, alice, portal):
    ollama.script(
        Reply.calls(ToolCall("search_games", {"query": "portal"})),
        Reply.text("Yes."),
    )

    await ask(chat, "Do I own Portal?", alice)

    assert await asyncio.to_thread(ollama.wait_idle, 5)
