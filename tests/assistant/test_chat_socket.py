"""The chat over the real ASGI app (gamedjinn.asgi.application): signed-in users only, events
streamed as they come, stop, one answer at a time, and the conversation stored."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session

from assistant.models import Conversation, Message
from assistant.services.conversations import open_conversation
from gamedjinn.asgi import application
from tests.assistant.conftest import DB, signed_in_socket
from tests.fakes.ollama import Reply, ToolCall

pytestmark = DB


@pytest.fixture
def alice_socket(client, alice) -> WebsocketCommunicator:
    return signed_in_socket(client, alice)


async def until_done(socket: WebsocketCommunicator) -> list[dict]:
    events = []
    while not events or events[-1]["type"] != "done":
        events.append(await socket.receive_json_from(timeout=5))
    return events


async def test_a_question_streams_a_tool_call_and_the_answer(ollama, alice_socket, portal):
    ollama.script(
        Reply.calls(ToolCall("search_games", {"query": "portal"})),
        Reply.text("Yes: ", f"[Portal 2](/games/{portal.pk}/)", ", 21 hours."),
    )
    connected, _ = await alice_socket.connect()
    assert connected

    await alice_socket.send_json_to({"type": "ask", "text": "Do I own Portal?"})
    events = await until_done(alice_socket)

    assert [e["type"] for e in events] == [
        "start",
        "tool_start",
        "tool_end",
        "token",
        "token",
        "token",
        "done",
    ]
    assert events[1]["label"] == "Searching your library…"
    assert "".join(e["text"] for e in events if e["type"] == "token") == (
        f"Yes: [Portal 2](/games/{portal.pk}/), 21 hours."
    )
    done = events[-1]
    assert done["games"] == [{"id": portal.pk, "title": "Portal 2"}]
    answer = await Message.objects.aget(pk=done["message"])
    assert answer.content == f"Yes: [Portal 2](/games/{portal.pk}/), 21 hours."
    conversation = await Conversation.objects.aget(pk=events[0]["conversation"])
    assert conversation.title == "Do I own Portal?"
    await alice_socket.disconnect()


async def test_it_continues_a_conversation_and_switches_its_model(ollama, alice_socket, chat):
    ollama.script(Reply.text("Hi again."))
    await alice_socket.connect()

    await alice_socket.send_json_to(
        {"type": "ask", "text": "Hello", "conversation": chat.pk, "model": "llama3.2:3b"}
    )
    events = await until_done(alice_socket)

    assert events[0]["conversation"] == chat.pk
    assert ollama.chat_bodies[0]["model"] == "llama3.2:3b"
    await chat.arefresh_from_db()
    assert chat.model == "llama3.2:3b"
    await alice_socket.disconnect()


async def test_stop_ends_the_answer_and_keeps_what_was_said(ollama, alice_socket):
    ollama.script(Reply(pieces=["Maybe ", "Hades."], hold_after=1))
    await alice_socket.connect()
    await alice_socket.send_json_to({"type": "ask", "text": "What next?"})
    assert (await alice_socket.receive_json_from(timeout=5))["type"] == "start"
    assert (await alice_socket.receive_json_from(timeout=5))["text"] == "Maybe "

    await alice_socket.send_json_to({"type": "stop"})
    done = await alice_socket.receive_json_from(timeout=5)

    assert (done["type"], done["reason"]) == ("done", "stopped")
    assert await asyncio.to_thread(ollama.hung_up.wait, 5)
    last = await Message.objects.alast()
    assert (last.role, last.content, last.error_code) == ("assistant", "Maybe ", "stopped")
    await alice_socket.disconnect()


async def test_it_answers_one_question_at_a_time(ollama, alice_socket):
    ollama.script(Reply(pieces=["One", " answer"], hold_after=1))
    await alice_socket.connect()
    await alice_socket.send_json_to({"type": "ask", "text": "First"})
    await alice_socket.receive_json_from(timeout=5)  # start

    await alice_socket.send_json_to({"type": "ask", "text": "Second"})

    refused = None
    while refused is None:
        event = await alice_socket.receive_json_from(timeout=5)
        if event["type"] == "error":
            refused = event
    assert refused["code"] == "busy"
    ollama.release()
    assert (await until_done(alice_socket))[-1]["reason"] == "stop"
    assert await Message.objects.filter(role="user").acount() == 1
    await alice_socket.disconnect()


async def test_closing_the_socket_stops_the_answer(ollama, alice_socket):
    ollama.script(Reply(pieces=["Half ", "of it"], hold_after=1))
    await alice_socket.connect()
    await alice_socket.send_json_to({"type": "ask", "text": "Tell me"})
    await alice_socket.receive_json_from(timeout=5)  # start
    await alice_socket.receive_json_from(timeout=5)  # "Half "

    await alice_socket.disconnect()

    assert await asyncio.to_thread(ollama.hung_up.wait, 5)
    last = await Message.objects.alast()
    assert (last.content, last.error_code) == ("Half ", "stopped")


async def test_it_refuses_someone_elses_conversation(ollama, alice_socket, bob):
    bobs = await sync_to_async(open_conversation)(bob)
    await alice_socket.connect()

    await alice_socket.send_json_to({"type": "ask", "text": "Hi", "conversation": bobs.pk})

    assert await alice_socket.receive_json_from(timeout=5) == {
        "type": "error",
        "code": "not_found",
        "message": "That conversation does not exist.",
    }
    assert ollama.chat_bodies == []
    await alice_socket.disconnect()


async def test_it_refuses_an_empty_question(ollama, alice_socket):
    await alice_socket.connect()

    await alice_socket.send_json_to({"type": "ask", "text": "   "})

    assert (await alice_socket.receive_json_from(timeout=5))["code"] == "bad_request"
    assert await Conversation.objects.acount() == 0
    await alice_socket.disconnect()


async def test_an_anonymous_socket_is_closed(ollama):
    socket = WebsocketCommunicator(
        application, "/ws/assistant/", headers=[(b"origin", b"http://localhost")]
    )

    connected, code = await socket.connect()

    assert (connected, code) == (False, 4401)


async def test_a_user_deactivated_meanwhile_is_disconnected(ollama, alice_socket, alice):
    await alice_socket.connect()
    await get_user_model().objects.filter(pk=alice.pk).aupdate(is_active=False)

    await alice_socket.send_json_to({"type": "ask", "text": "Hi"})

    assert await alice_socket.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}
    assert ollama.chat_bodies == []


async def test_a_user_who_signed_out_meanwhile_is_disconnected(ollama, alice_socket):
    await alice_socket.connect()
    await Session.objects.all().adelete()  # signed out in another tab

    await alice_socket.send_json_to({"type": "ask", "text": "Hi"})

    assert await alice_socket.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}
    assert ollama.chat_bodies == []


async def test_it_answers_a_malformed_message_and_stays_open(ollama, alice_socket):
    await alice_socket.connect()

    await alice_socket.send_to(text_data="{not json")
    first = await alice_socket.receive_json_from(timeout=5)
    await alice_socket.send_json_to({"type": "ask", "text": "Hi", "conversation": "abc"})
    second = await alice_socket.receive_json_from(timeout=5)

    assert (first["code"], second["code"]) == ("bad_request", "bad_request")
    assert second["message"] == "conversation must be a conversation's id."
    await alice_socket.disconnect()


async def test_it_refuses_a_nul_character_or_an_absurd_conversation_id(ollama, alice_socket):
    await alice_socket.connect()

    await alice_socket.send_json_to({"type": "ask", "text": "Hi\x00"})
    nul = await alice_socket.receive_json_from(timeout=5)
    await alice_socket.send_json_to({"type": "ask", "text": "Hi", "conversation": 10**20})
    absurd = await alice_socket.receive_json_from(timeout=5)

    assert (nul["code"], absurd["code"]) == ("bad_request", "bad_request")
    assert "NUL" in nul["message"]
    assert absurd["message"] == "conversation must be a conversation's id."
    assert ollama.chat_bodies == []
    await alice_socket.disconnect()
