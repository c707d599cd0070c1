"""The WebSocket that streams a user's sync progress to their browser (``ws/sync/``).

Messages are the JSON payloads of libraries.progress (libraries.schemas.SyncProgressMessage:
the run as REST and MCP show it, plus its order), forwarded as they are. They are hints: a
page renders from the SyncRun rows and should re-read them (GET /api/libraries/runs/<id>) after
every (re)connect, because a channel layer may drop messages.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model

from libraries.models import Library
from libraries.progress import group_for_user
from libraries.queries import library_for


class SyncProgressConsumer(AsyncJsonWebsocketConsumer):
    group: str | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close()  # before accept(): the handshake itself is refused
            return
        self.group = group_for_user(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """The socket only talks one way; anything the browser sends is ignored."""

    async def sync_progress(self, event: dict[str, Any]) -> None:
        # A socket outlives the request that opened it: re-check on every message that the
        # user is still signed in and active, and that the library is still theirs.
        allowed = await self._check(event["library_id"])
        if allowed is None:
            await self.close(code=4401)
        elif allowed:
            await self.send_json(event)

    @database_sync_to_async  # closes its connection afterwards, unlike the async ORM calls
    def _check(self, library_id: int) -> bool | None:
        """None when the user is no longer signed in; else whether the library is theirs."""
        user = self.scope["user"]
        session_key = getattr(self.scope.get("session"), "session_key", None)
        # A fresh read: the scope's own session object is cached from the handshake, so it
        # would not notice a logout in another tab.
        session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
        if not session_key or session.get(SESSION_KEY) != str(user.pk):
            return None
        if not get_user_model().objects.filter(pk=user.pk, is_active=True).exists():
            return None
        try:
            library_for(user, library_id)
        except Library.DoesNotExist:
            return False
        return True
