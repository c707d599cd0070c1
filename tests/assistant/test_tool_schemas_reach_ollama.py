"""What Ollama receives about each tool. The ollama client keeps only a parameter's type, items,
description and enum; the schemas are reshaped so that optional enums, nested fields, ranges and
defaults still reach the model."""

from __future__ import annotations

from tests.assistant.conftest import DB, ask
from tests.fakes.ollama import Reply

pytestmark = DB


def parameters(body: dict, tool: str) -> dict:
    spec = next(t for t in body["tools"] if t["function"]["name"] == tool)
    return spec["function"]["parameters"]["properties"]


async def test_optional_enums_nested_fields_and_ranges_reach_the_model(ollama, chat, alice):
    ollama.script(Reply.text("Hi."))

    await ask(chat, "Hi", alice)

    search = parameters(ollama.chat_bodies[0], "search_games")
    assert search["status_filter"]["type"] == "string"
    assert search["status_filter"]["enum"] == [
        "backlog",
        "playing",
        "completed",
        "abandoned",
        "wishlist",
    ]
    assert search["limit"]["type"] == "integer"
    assert "From 1 to 100. Default: 20." in search["limit"]["description"]
    export = parameters(ollama.chat_bodies[0], "export_library_data")
    assert export["filters"]["type"] == "object"
    assert "An object with: platform (string, one of steam/" in export["filters"]["description"]
    assert (
        "playtime_min (integer): Least playtime, in minutes. At least 0."
        in (export["filters"]["description"])
    )
