"""ws/sync/: signed-in users get their own sync progress, nobody else's, and nobody anonymous."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.models import Session
from django.test import Client

from gamedjinn.asgi import application
from libraries.progress import group_for_user
from tests.libraries.conftest import run_sync_now

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _socket(session_key: str | None = None) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://localhost")]
    if session_key:
        headers.append((b"cookie", f"sessionid={session_key}".encode()))
    return WebsocketCommunicator(application, "/ws/sync/", headers=headers)


@pytest.fixture
def bob_session(bob) -> str:
    client = Client()
    client.force_login(bob)
    return client.cookies["sessionid"].value


async def test_it_refuses_anonymous_users():
    socket = _socket()

    connected, _ = await socket.connect()

    assert not connected


async def test_the_owner_receives_progress_and_another_user_does_not(
    library, steam, alice_session, bob_session
):
    steam.latency_seconds = 0.005
    alices, bobs = _socket(alice_session), _socket(bob_session)
    assert (await alices.connect())[0] and (await bobs.connect())[0]

    run = await database_sync_to_async(run_sync_now)(library)

    received = []
    while not received or received[-1]["status"] != "succeeded":
        received.append(await alices.receive_json_from(timeout=5))
    assert {m["run_id"] for m in received} == {run.pk}
    assert received[-1]["type"] == "sync.progress"
    assert await bobs.receive_nothing(timeout=0.3)
    await alices.disconnect()
    await bobs.disconnect()


async def test_it_closes_the_socket_once_the_user_has_signed_out(alice, library, alice_session):
    socket = _socket(alice_session)
    assert (await socket.connect())[0]

    await database_sync_to_async(Session.objects.filter(session_key=alice_session).delete)()
    await get_channel_layer().group_send(
        group_for_user(alice.pk), {"type": "sync.progress", "library_id": library.pk}
    )

    assert await socket.receive_output(timeout=2) == {"type": "websocket.close", "code": 4401}
