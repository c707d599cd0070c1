"""The chat socket: `ask` streams an answer's events as they happen; `stop` cancels it."""

from __future__ import annotations

import asyncio
from contextlib import aclosing
from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth import get_user_model

from assistant.db import in_db_thread
from assistant.models import Conversation
from assistant.services.chat import ErrorEvent, clean_question, stopped_event, stream_reply
from assistant.services.conversations import open_conversation


def _refused(code: str, message: str) -> ErrorEvent:
    return ErrorEvent(type="error", code=code, message=message)


@in_db_thread
def _open(user, conversation_id: int | None, model: str) -> Conversation | None:
    """The conversation to answer in, or None when the user was signed out or deactivated."""
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

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
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
        conversation_id = content.get("conversation")
        try:
            text = clean_question(str(content.get("text") or ""))
            conversation = await _open(
                self.user,
                int(conversation_id) if conversation_id else None,
                str(content.get("model") or ""),
            )
        except Conversation.DoesNotExist:
            await self.send_json(_refused("not_found", "That conversation does not exist."))
            return
        except (TypeError, ValueError) as exc:
            await self.send_json(_refused("bad_request", str(exc)))
            return
        if conversation is None:  # deactivated since connecting
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
