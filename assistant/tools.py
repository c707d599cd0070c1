"""The assistant's tools: the MCP server's tools, scoped to the asking user, as LangChain tools.

There is one implementation of each tool, in `mcp_bridge.server`. The assistant reaches it the way
an outside MCP client does — through an MCP session, here an in-memory one inside this process —
and langchain-mcp-adapters turns the listed tools into LangChain tools.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import anyio
from langchain_core.messages import ToolMessage
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from langchain_mcp_adapters.tools import convert_mcp_tool_to_langchain_tool
from mcp import ClientSession
from mcp.server.fastmcp import FastMCP
from mcp.shared.memory import create_client_server_memory_streams
from mcp.types import CallToolResult, Tool

from assistant.llm import fit_tool_schema

# Tools that change something or hand over the whole library. The model may call them only when
# the user's own words led there: once library text (untrusted) has entered a turn, they are no
# longer offered (see Toolbox.offered). Names fixed by the MCP contract (docs/mcp.md); a tool
# annotated readOnlyHint=false by the MCP server is treated the same way.
ACTION_TOOLS = frozenset(
    {
        "add_platform_library",
        "sync_platform_library",
        "create_smart_collection",
        "export_library_data",
    }
)

LABELS = {
    "search_games": "Searching your library",
    "get_game_details": "Reading the game's details",
    "analyze_gaming_patterns": "Analysing how you play",
    "recommend_games": "Looking for recommendations",
    "filter_by_content_rating": "Checking content ratings",
    "get_cross_platform_games": "Comparing your platforms",
    "get_supported_platforms": "Listing the platforms",
    "export_library_data": "Exporting your library",
    "create_smart_collection": "Creating a collection",
    "sync_platform_library": "Starting a sync",
    "add_platform_library": "Adding a library",
    "list_match_suggestions": "Reading the suggested matches",
    "list_recent_curations": "Reading recent merges and splits",
    "accept_match": "Joining the two games",
    "reject_match": "Keeping the two games apart",
    "merge_games": "Merging the games",
    "split_release": "Splitting the release off",
    "undo_change": "Undoing the change",
}

MAX_RESULT_CHARS = 8000
_FRAME_TAG = re.compile(r"<(/?)\s*tool_result", re.IGNORECASE)


@dataclass
class _Served:
    server: FastMCP
    tools: list[Tool] | None = None  # its tool list, once listed
    schemas: dict[str, dict[str, Any]] = field(default_factory=dict)  # as Ollama will see them


# Building a server (eleven tools and their pydantic schemas) costs ~25 ms, listing its tools ~5 ms
# of (de)serialising schemas, converting them for the model (every $ref resolved with deep copies)
# ~4 ms; so a user's server is kept with its tool list and schemas. FastMCP serves any number of
# sessions at once, as it does over HTTP.
_SERVED: OrderedDict[tuple[int, str], _Served] = OrderedDict()
_SERVED_KEPT = 64


def _served(user) -> _Served:
    from mcp_bridge.server import build_server

    key = (user.pk, user.get_username())
    served = _SERVED.pop(key, None) or _Served(build_server(user=user))
    _SERVED[key] = served
    while len(_SERVED) > _SERVED_KEPT:
        _SERVED.popitem(last=False)
    return served


def label(name: str) -> str:
    return LABELS.get(name, f"Using {name.replace('_', ' ')}") + "…"


@dataclass
class Toolbox:
    tools: dict[str, BaseTool]
    schemas: dict[str, dict[str, Any]] = field(default_factory=dict)
    gated: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, tools: Iterable[BaseTool], schemas: dict[str, dict[str, Any]]) -> Toolbox:
        tools = list(tools)
        gated = {
            tool.name
            for tool in tools
            if tool.name in ACTION_TOOLS or (tool.metadata or {}).get("readOnlyHint") is False
        }
        return cls({tool.name: tool for tool in tools}, schemas, frozenset(gated))

    def offered(self, *, tainted: bool) -> list[BaseTool]:
        """The tools to bind for the next model call. After library text has entered the turn
        (TAINTED), actions are withheld: an instruction hidden in a game's description cannot
        make the assistant act, however the model takes it."""
        return [t for name, t in self.tools.items() if not (tainted and name in self.gated)]


class _InProcessSession(ClientSession):
    """A client of our own server, in this process. Each structured result was built from the
    very pydantic model its output schema is generated from (FastMCP validates it on the way
    out); checking it again here with jsonschema would cost ~10 ms a call and prove nothing."""

    async def _validate_tool_result(self, name: str, result: CallToolResult) -> None:
        return None


@asynccontextmanager
async def _connect(server: FastMCP) -> AsyncIterator[ClientSession]:
    """An MCP session over in-memory streams (what mcp.shared.memory does, with the client above)."""
    lowlevel = server._mcp_server
    async with (
        create_client_server_memory_streams() as (client_streams, server_streams),
        anyio.create_task_group() as tasks,
    ):
        tasks.start_soon(
            lambda: lowlevel.run(*server_streams, lowlevel.create_initialization_options())
        )
        try:
            async with _InProcessSession(*client_streams) as session:
                await session.initialize()
                yield session
        finally:
            tasks.cancel_scope.cancel()


@asynccontextmanager
async def user_tools(user) -> AsyncIterator[Toolbox]:
    """Open an in-memory MCP session with USER's server; its tools as LangChain tools."""
    served = _served(user)
    async with _connect(served.server) as session:
        if served.tools is None:
            served.tools = (await session.list_tools()).tools  # FastMCP lists all in one page
        tools = [
            convert_mcp_tool_to_langchain_tool(session, tool, server_name="gamedjinn")
            for tool in served.tools
        ]
        if not served.schemas:
            served.schemas = {t.name: fit_tool_schema(convert_to_openai_tool(t)) for t in tools}
        yield Toolbox.of(tools, served.schemas)


def result_text(message: ToolMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    parts = []
    for block in content:
        if isinstance(block, str):
            parts.append(block)
        elif isinstance(block, dict) and block.get("type") == "text":
            parts.append(str(block.get("text", "")))
    return "\n".join(parts)


def compact(text: str) -> str:
    """JSON results without the indentation FastMCP adds: a third fewer tokens for the model."""
    try:
        return json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))
    except ValueError:
        return text


def framed(name: str, text: str) -> str:
    """A tool result as the model sees it: inside markers the system prompt declares untrusted.
    A forged closing marker inside the data is defused so the data cannot step outside."""
    if len(text) > MAX_RESULT_CHARS:
        text = text[:MAX_RESULT_CHARS] + "\n[… result shortened to fit the context]"
    text = _FRAME_TAG.sub(lambda m: f"&lt;{m.group(1)}tool_result", text)
    name = re.sub(r"[^\w.-]", "_", name)  # the model chose it: it may be anything
    return f'<tool_result name="{name}">\n{text}\n</tool_result>'


def games_in(value: Any) -> dict[int, str]:
    """{game id: title} for every game a tool result mentions (objects with an id and a title)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    found: dict[int, str] = {}
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            game_id = item.get("game_id", item.get("id"))
            title = item.get("title")
            if isinstance(game_id, int) and isinstance(title, str) and title:
                found[game_id] = title
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found
