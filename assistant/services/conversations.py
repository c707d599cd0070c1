"""A user's conversations with the assistant: list, start or continue, rename, delete."""

from __future__ import annotations

import re

from django.conf import settings
from django.db.models import QuerySet

from assistant.models import Conversation, Message

TITLE_CHARS = 80
_MODEL_NAME = re.compile(r"^[A-Za-z0-9][\w.\-:/@]{0,199}$")


def conversations_for(user) -> QuerySet[Conversation]:
    return Conversation.objects.filter(owner=user)


def get_conversation(user, conversation_id: int) -> Conversation:
    """USER's conversation; Conversation.DoesNotExist for anyone else's."""
    return conversations_for(user).get(pk=conversation_id)


def clean_model_name(model: str) -> str:
    model = model.strip()
    if not _MODEL_NAME.match(model):
        raise ValueError("That is not an Ollama model name (e.g. qwen3:8b).")
    return model


def default_model_for(user) -> str:
    """The model of the user's latest conversation: choosing a model once sticks."""
    latest = conversations_for(user).values_list("model", flat=True).first()
    return latest or settings.OLLAMA_MODEL


def open_conversation(user, conversation_id: int | None = None, model: str = "") -> Conversation:
    """The conversation to continue (USER's own), or a new one; MODEL, when given, switches it."""
    if conversation_id is None:
        return Conversation.objects.create(
            owner=user, model=clean_model_name(model) if model else default_model_for(user)
        )
    conversation = get_conversation(user, conversation_id)
    if model and model != conversation.model:
        conversation.model = clean_model_name(model)
        conversation.save(update_fields=["model", "updated_at"])
    return conversation


def title_from(question: str) -> str:
    first_line = question.strip().splitlines()[0] if question.strip() else ""
    return first_line if len(first_line) <= TITLE_CHARS else first_line[: TITLE_CHARS - 1] + "…"


def rename_conversation(user, conversation_id: int, title: str) -> Conversation:
    title = " ".join(title.split())
    if not title:
        raise ValueError("A conversation needs a title.")
    conversation = get_conversation(user, conversation_id)
    conversation.title = title[:200]
    conversation.save(update_fields=["title", "updated_at"])
    return conversation


def delete_conversation(user, conversation_id: int) -> bool:
    deleted, _ = conversations_for(user).filter(pk=conversation_id).delete()
    return bool(deleted)


def transcript(conversation: Conversation) -> list[Message]:
    """What the chat page shows: questions, answers (with their errors) and tool activity."""
    return list(conversation.messages.all())
