"""End to end: a library synced for real from the fake Steam; a question over the WebSocket of the
real ASGI app; the model (fake Ollama) calls search_games; the MCP server queries the synced rows;
the answer streams back to the socket and the whole turn is stored."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from channels.testing import WebsocketCommunicator

from assistant.models import Message
from games.models import Game
from libraries.models import LibraryGame, SyncRun
from libraries.services.libraries import add_library
from libraries.services.sync import perform_run, request_sync
from platforms.integrations.steam.fake_server import FakeSteam, generate_world
from tests.assistant.conftest import DB, signed_in_socket
from tests.fakes.ollama import Reply, ToolCall
from tests.fakes.steam import aim_at_fake_steam

pytestmark = DB


@pytest.fixture
def synced(alice, settings) -> Iterator[LibraryGame]:
    """Alice's Steam library, added and synced (all three phases) from the fake Steam; returns
    her most played game."""
    world = generate_world(12, seed=3)
    with FakeSteam(world) as steam:
        aim_at_fake_steam(settings, steam.url)
        library = add_library(alice, "steam", {"account": world.vanity, "api_key": world.api_key})
        run = request_sync(library, trigger=SyncRun.Trigger.MANUAL, enqueue=False)
        perform_run(run.pk)
        run.refresh_from_db()
        assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
        yield (
            LibraryGame.objects.filter(library=library, release__game__game_type=Game.Type.GAME)
            .select_related("release__game")
            .order_by("-playtime_minutes")
            .first()
        )


@pytest.fixture
def socket(client, alice) -> WebsocketCommunicator:
    return signed_in_socket(client, alice)


async def test_a_question_is_answered_from_the_synced_library(ollama, socket, synced):
    game = synced.release.game
    hours = synced.playtime_minutes // 60
    link = f"[{game.title}](/games/{game.pk}/)"
    ollama.script(
        Reply.calls(ToolCall("search_games", {"query": game.title, "sort": "playtime"})),
        Reply.text("Your most played game is ", link, f", with {hours} hours."),
    )
    await socket.connect()

    await socket.send_json_to({"type": "ask", "text": "What is my most played game?"})
    events = []
    while not events or events[-1]["type"] != "done":
        events.append(await socket.receive_json_from(timeout=10))

    result = next(m for m in ollama.chat_bodies[1]["messages"] if m["role"] == "tool")
    assert f'"game_id":{game.pk}' in result["content"]
    assert f'"title":"{game.title}"' in result["content"]
    assert f'"playtime_minutes":{synced.playtime_minutes}' in result["content"]
    tokens = [e["text"] for e in events if e["type"] == "token"]
    assert tokens == ["Your most played game is ", link, f", with {hours} hours."]
    assert events[-1]["games"] == [{"id": game.pk, "title": game.title}]
    stored = [
        (m.role, m.tool_name, m.content)
        async for m in Message.objects.filter(conversation_id=events[0]["conversation"])
    ]
    assert stored[0] == ("user", "", "What is my most played game?")
    assert stored[1][:2] == ("tool", "search_games") and game.title in stored[1][2]
    assert stored[2] == ("assistant", "", "".join(tokens))
    await socket.disconnect()
