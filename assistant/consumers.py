"""The chat socket: `ask` streams an answer's events as they happen; `stop` cancels it."""

from __future__ import annotations

import asyncio
import json
from contextlib import aclosing
from importlib import import_module
from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model

from assistant.db import in_db_thread
from assistant.models import Conversation
from assistant.services.chat import ErrorEvent, clean_question, stopped_event, stream_reply
from assistant.services.conversations import open_conversation
from gamedjinn.converters import row_id
from gamedjinn.nul_characters import NUL_IN_TEXT, contains_nul


def _refused(code: str, message: str) -> ErrorEvent:
    return ErrorEvent(type="error", code=code, message=message)


def _conversation_id(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return row_id(value)
    except ValueError:
        raise ValueError("conversation must be a conversation's id.") from None


@in_db_thread
def _open(
    user, session_key: str | None, conversation_id: int | None, model: str
) -> Conversation | None:
    """The conversation to answer in, or None when the user has signed out or was deactivated
    since the socket opened. The session is read afresh: the scope's copy is from the handshake
    and would not notice a logout in another tab."""
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    if not session_key or session.get(SESSION_KEY) != str(user.pk):
        return None
    if not get_user_model().objects.filter(pk=user.pk, is_active=True).exists():
        return None
    return open_conversation(user, conversation_id, model)


class ChatConsumer(AsyncJsonWebsocketConsumer):
    """One signed-in user's socket. At most one answer runs at a time."""

    async def connect(self) -> None:
        self.user = self.scope.get("user")
        self.answering: asyncio.Task[None] | None = None
        self.gone = False
        if self.user is None or not self.user.is_authenticated:
            await self.close(code=4401)
            return
        await self.accept()

    async def disconnect(self, code: int) -> None:
        self.gone = True
        await self._stop()

    @classmethod
    async def decode_json(cls, text_data: str) -> Any:
        try:
            return json.loads(text_data)
        except ValueError:
            return None  # answered as a bad request below, not by dropping the socket

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if contains_nul(content):
            await self.send_json(_refused("bad_request", f"The message's {NUL_IN_TEXT}"))
            return
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ask":
            await self._ask(content)
        elif kind == "stop":
            await self._stop()
        else:
            await self.send_json(_refused("bad_request", "Send {type: 'ask' | 'stop'}."))

    async def _ask(self, content: dict[str, Any]) -> None:
        if self.answering is not None and not self.answering.done():
            await self.send_json(_refused("busy", "Still answering: stop it or wait."))
            return
        try:
            text = clean_question(str(content.get("text") or ""))
            conversation = await _open(
                self.user,
                getattr(self.scope.get("session"), "session_key", None),
                _conversation_id(content.get("conversation")),
                str(content.get("model") or ""),
            )
        except Conversation.DoesNotExist:
            await self.send_json(_refused("not_found", "That conversation does not exist."))
            return
        except (TypeError, ValueError) as exc:
            await self.send_json(_refused("bad_request", str(exc)))
            return
        if conversation is None:
            await self.close(code=4401)
            return
        self.answering = asyncio.create_task(self._answer(conversation, text))

    async def _answer(self, conversation: Conversation, text: str) -> None:
        try:
            async with aclosing(stream_reply(conversation, text, user=self.user)) as events:
                async for event in events:
                    await self.send_json(event)
        except asyncio.CancelledError:
            if not self.gone:
                await self.send_json(stopped_event(conversation))
            raise

    async def _stop(self) -> None:
        if self.answering is not None and not self.answering.done():
            self.answering.cancel()
            await asyncio.wait([self.answering])
