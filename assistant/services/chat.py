"""The assistant's one use-case: answer a question in a conversation, streaming as it goes.

`stream_reply` is what the WebSocket consumer and `manage.py ask` both call. It stores the question,
runs the tool loop (ChatOllama with the user's MCP tools) and yields events as they happen:

    start → (token | tool_start | tool_end)* → [error] → done

Every Ollama failure becomes an `error` event naming the fix, followed by `done`; the question and
whatever was answered are stored either way, so the conversation stays intact. Stopping (cancelling
the consuming task, or closing the iterator) stores the partial answer as "stopped".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict
from uuid import uuid4

from django.core.exceptions import PermissionDenied
from django.db import transaction
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, ToolMessage
from langchain_core.messages.ai import add_ai_message_chunks
from langchain_core.messages.tool import ToolCall
from langchain_core.tools import BaseTool

from assistant import llm
from assistant.db import in_db_thread, release_connection
from assistant.models import Conversation, Message
from assistant.prompts import build_messages
from assistant.services.conversations import title_from
from assistant.tools import Toolbox, compact, framed, games_in, label, result_text, user_tools

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 4000
MAX_TOOL_ROUNDS = 6  # model calls that may use tools; one more, without tools, must answer
MAX_HISTORY_MESSAGES = 200
MAX_STORED_TOOL_RESULT = 4000


class GameRef(TypedDict):
    id: int
    title: str


class StartEvent(TypedDict):
    type: Literal["start"]
    conversation: int
    title: str
    model: str


class TokenEvent(TypedDict):
    type: Literal["token"]
    text: str


class ToolStartEvent(TypedDict):
    type: Literal["tool_start"]
    id: str
    name: str
    label: str
    args: dict[str, Any]


class ToolEndEvent(TypedDict):
    type: Literal["tool_end"]
    id: str
    name: str
    ok: bool
    note: str


class ErrorEvent(TypedDict):
    type: Literal["error"]
    code: str
    message: str


DoneReason = Literal["stop", "length", "error", "stopped"]


class DoneEvent(TypedDict):
    type: Literal["done"]
    conversation: int
    message: int | None
    reason: DoneReason
    games: list[GameRef]


def stopped_event(conversation: Conversation) -> DoneEvent:
    """What a caller that stopped an answer tells its client (the partial answer is stored)."""
    return DoneEvent(
        type="done", conversation=conversation.pk, message=None, reason="stopped", games=[]
    )


ChatEvent = StartEvent | TokenEvent | ToolStartEvent | ToolEndEvent | ErrorEvent | DoneEvent
Emit = Callable[[ChatEvent | None], None]


@dataclass
class _Turn:
    """What one answer accumulates until it is stored."""

    model: str
    content: list[str] = field(default_factory=list)
    tool_messages: list[Message] = field(default_factory=list)
    seen_games: dict[int, str] = field(default_factory=dict)
    input_tokens: int | None = None
    output_tokens: int | None = None
    problem: llm.OllamaError | None = None
    stopped: bool = False

    @property
    def text(self) -> str:
        return "".join(self.content)

    def games(self) -> list[GameRef]:
        """The library games (seen in this turn's tool results) that the answer names or links."""
        text = self.text.casefold()
        return [
            GameRef(id=game_id, title=title)
            for game_id, title in self.seen_games.items()
            if f"/games/{game_id}/" in text or title.casefold() in text
        ]

    def count(self, reply: AIMessageChunk) -> None:
        usage = reply.usage_metadata
        if usage:
            self.input_tokens = usage["input_tokens"]  # the last call's prompt: the whole context
            self.output_tokens = (self.output_tokens or 0) + usage["output_tokens"]


def clean_question(text: str) -> str:
    question = text.strip()[:MAX_QUESTION_CHARS]
    if not question:
        raise ValueError("Ask a question first.")
    return question


async def stream_reply(
    conversation: Conversation, text: str, *, user
) -> AsyncGenerator[ChatEvent, None]:
    """Answer TEXT in CONVERSATION for USER (its owner), yielding events as they happen."""
    if conversation.owner_id != user.pk:
        raise PermissionDenied("That conversation belongs to someone else.")
    question = clean_question(text)
    history = await _begin(conversation, question)
    # The answer runs in its own task: the MCP session's task group must be entered and left in
    # one task, which a generator suspended at `yield` cannot promise. Events cross a queue.
    events: asyncio.Queue[ChatEvent | None] = asyncio.Queue()
    answer = asyncio.create_task(_answer(conversation, question, history, user, events.put_nowait))
    try:
        while (event := await events.get()) is not None:
            yield event
    finally:
        if not answer.done():
            answer.cancel()  # stop: closes the HTTP stream, so Ollama stops generating too
        await asyncio.wait([answer])


async def _answer(
    conversation: Conversation,
    question: str,
    history: list[tuple[str, str]],
    user,
    emit: Emit,
) -> None:
    turn = _Turn(model=conversation.model)
    emit(
        StartEvent(
            type="start",
            conversation=conversation.pk,
            title=conversation.title,
            model=conversation.model,
        )
    )
    try:
        async with user_tools(user) as toolbox:
            messages = build_messages(user, history, question, list(toolbox.schemas.values()))
            await _converse(llm.chat_model(conversation.model), messages, toolbox, turn, emit)
    except asyncio.CancelledError:
        turn.stopped = True
        raise
    except Exception as exc:
        turn.problem = _problem(exc, conversation.model)
        emit(ErrorEvent(type="error", code=turn.problem.code, message=turn.problem.message))
    finally:
        message = await _finish(conversation, turn)
        if not turn.stopped:
            reason: DoneReason = "error" if turn.problem else "stop"
            if turn.problem and turn.problem.code == "truncated":
                reason = "length"
            emit(
                DoneEvent(
                    type="done",
                    conversation=conversation.pk,
                    message=message.pk,
                    reason=reason,
                    games=message.games,
                )
            )
        emit(None)


async def _converse(
    model: BaseChatModel,
    messages: list[BaseMessage],
    toolbox: Toolbox,
    turn: _Turn,
    emit: Emit,
) -> None:
    """Call the model, run the tools it asks for, feed their results back, until it answers."""
    tainted = False  # has library text (untrusted) entered this turn yet?
    for round_ in range(MAX_TOOL_ROUNDS + 1):
        offered = toolbox.offered(tainted=tainted) if round_ < MAX_TOOL_ROUNDS else []
        schemas = [toolbox.schemas[tool.name] for tool in offered]
        runnable = model.bind_tools(schemas) if schemas else model
        chunks: list[AIMessageChunk] = []
        async for chunk in runnable.astream(messages):
            # langchain types a tool-bound model's stream as AIMessage; like the model's own
            # astream, it yields AIMessageChunk.
            chunks.append(chunk)  # type: ignore[arg-type]
            if piece := chunk.text:
                turn.content.append(piece)
                emit(TokenEvent(type="token", text=piece))
        if not chunks:
            raise llm.OllamaError("connection_lost", "Ollama ended the answer without a word.")
        reply = add_ai_message_chunks(*chunks)  # merged once, not once per token
        turn.count(reply)
        if not reply.tool_calls:
            if reply.response_metadata.get("done_reason") == "length":
                turn.problem = llm.truncated(turn.model)
                emit(ErrorEvent(type="error", code="truncated", message=turn.problem.message))
            return
        messages.append(AIMessage(content=reply.text, tool_calls=reply.tool_calls))
        available = {tool.name: tool for tool in offered}
        for call in reply.tool_calls:
            messages.append(await _run_tool(call, available, toolbox, turn, emit))
            tainted = True


async def _run_tool(
    call: ToolCall,
    available: dict[str, BaseTool],
    toolbox: Toolbox,
    turn: _Turn,
    emit: Emit,
) -> ToolMessage:
    name, args = call["name"], call.get("args") or {}
    call_id = call.get("id") or f"call_{uuid4().hex[:8]}"
    emit(ToolStartEvent(type="tool_start", id=call_id, name=name, label=label(name), args=args))
    note = ""
    tool = available.get(name)
    if tool is None:
        ok = False
        if name in toolbox.tools:
            note = "withheld: actions need the user's own request"
            text = (
                f"{name} is not available now: actions are withheld once library text has been "
                "read in this turn. If the user wants it, they must ask for it in a new message."
            )
        else:
            note = "no such tool"
            text = f"There is no tool named {name!r}."
    else:
        try:
            result: ToolMessage = await tool.ainvoke({**call, "id": call_id})
        except Exception as exc:  # a broken tool must not end the answer; the model is told
            log.warning("assistant tool %s failed: %s", name, type(exc).__name__)
            ok, note, text = False, "failed", f"{name} failed: {type(exc).__name__}."
        else:
            text = compact(result_text(result))
            ok = result.status != "error"
            artifact = getattr(result, "artifact", None)
            structured = artifact.get("structured_content") if isinstance(artifact, dict) else None
            turn.seen_games.update(games_in(structured if structured is not None else text))
    turn.tool_messages.append(
        Message(
            role=Message.Role.TOOL,
            tool_name=name[:100],
            tool_args=args,
            content=text[:MAX_STORED_TOOL_RESULT],
            error_code="" if ok else "tool_failed",
            error=note,
        )
    )
    emit(ToolEndEvent(type="tool_end", id=call_id, name=name, ok=ok, note=note))
    return ToolMessage(
        content=framed(name, text),
        tool_call_id=call_id,
        name=name,
        status="success" if ok else "error",
    )


def _problem(exc: BaseException, model: str) -> llm.OllamaError:
    while isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        exc = exc.exceptions[0]  # the MCP session's task group wraps what crosses it
    if isinstance(exc, llm.OllamaError):
        return exc
    problem = llm.explain(exc, model=model)
    if problem is None:
        log.exception("assistant: unexpected failure", exc_info=exc)
        problem = llm.OllamaError(
            "internal",
            "Something went wrong on Game Djinn's side while answering; it has been logged. "
            "Try again.",
        )
    else:
        log.warning("assistant: %s (%s)", problem.code, type(exc).__name__)
    return problem


@in_db_thread
def _begin(conversation: Conversation, question: str) -> list[tuple[str, str]]:
    """Store the question; return the conversation so far as (role, text), oldest first."""
    earlier = (
        conversation.messages.filter(role__in=[Message.Role.USER, Message.Role.ASSISTANT])
        .filter(error_code__in=["", "truncated"])
        .exclude(content="")
        .order_by("-id")
        .values_list("role", "content")[:MAX_HISTORY_MESSAGES]
    )
    history = list(reversed(earlier))
    with transaction.atomic():
        Message.objects.create(conversation=conversation, role=Message.Role.USER, content=question)
        if not conversation.title:
            conversation.title = title_from(question)
        conversation.save(update_fields=["title", "updated_at"])
    return history


@in_db_thread
def _finish(conversation: Conversation, turn: _Turn) -> Message:
    problem = turn.problem
    for message in turn.tool_messages:
        message.conversation = conversation
    with transaction.atomic():
        Message.objects.bulk_create(turn.tool_messages)
        message = Message.objects.create(
            conversation=conversation,
            role=Message.Role.ASSISTANT,
            content=turn.text,
            games=turn.games(),
            error_code="stopped" if turn.stopped else (problem.code if problem else ""),
            error="Stopped." if turn.stopped else (problem.message if problem else ""),
            input_tokens=turn.input_tokens,
            output_tokens=turn.output_tokens,
        )
    release_connection()  # _begin already moved the conversation to the top of the list
    return message
