"""The fake Ollama speaks the documented wire format (docs/wire-formats.md, "Ollama"), so tests
that pass against it exercise the same parsing a real server needs."""

from __future__ import annotations

import json
import re

import httpx

from tests.fakes.ollama import Reply, ToolCall

CHAT = {"model": "qwen3:8b", "messages": [{"role": "user", "content": "Hi"}]}


def lines(response: httpx.Response) -> list[dict]:
    return [json.loads(line) for line in response.iter_lines() if line]


def test_it_streams_ndjson_content_then_a_final_line_with_metrics(ollama):
    ollama.script(Reply.text("Hel", "lo"))

    with httpx.stream("POST", f"{ollama.url}/api/chat", json=CHAT) as response:
        assert response.headers["content-type"] == "application/x-ndjson"
        assert response.headers["transfer-encoding"] == "chunked"
        chunks = lines(response)

    assert [c["message"]["content"] for c in chunks] == ["Hel", "lo", ""]
    assert [c["done"] for c in chunks] == [False, False, True]
    assert list(chunks[0]) == ["model", "created_at", "message", "done"]
    final = chunks[-1]
    assert final["done_reason"] == "stop"
    assert {"total_duration", "prompt_eval_count", "eval_count"} <= final.keys()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z", final["created_at"])


def test_tool_calls_carry_arguments_as_objects_with_or_without_ids(ollama):
    ollama.script(Reply.calls(ToolCall("search_games", {"query": "rpg"}), ToolCall("x", id=None)))

    with httpx.stream("POST", f"{ollama.url}/api/chat", json=CHAT) as response:
        calls = lines(response)[0]["message"]["tool_calls"]

    assert re.fullmatch(r"call_[0-9a-f]{8}", calls[0]["id"])
    assert calls[0]["function"] == {
        "index": 0,
        "name": "search_games",
        "arguments": {"query": "rpg"},
    }
    assert "id" not in calls[1]
    assert calls[1]["function"]["index"] == 1


def test_it_answers_whole_when_not_streaming(ollama):
    ollama.script(Reply.text("All ", "at once"))

    body = httpx.post(f"{ollama.url}/api/chat", json={**CHAT, "stream": False}).json()

    assert body["message"] == {"role": "assistant", "content": "All at once"}
    assert body["done"] is True


def test_it_refuses_like_ollama(ollama):
    ollama.script(Reply.busy())

    unknown = httpx.post(f"{ollama.url}/api/chat", json={**CHAT, "model": "nope:1b"})
    no_tools = httpx.post(
        f"{ollama.url}/api/chat",
        json={
            **CHAT,
            "model": "gemma2:2b",
            "tools": [{"type": "function", "function": {"name": "x"}}],
        },
    )
    busy = httpx.post(f"{ollama.url}/api/chat", json=CHAT)
    no_model = httpx.post(f"{ollama.url}/api/chat", json={"messages": []})

    assert (unknown.status_code, unknown.json()) == (404, {"error": "model 'nope:1b' not found"})
    assert no_tools.status_code == 400
    assert no_tools.json()["error"].endswith("gemma2:2b does not support tools")
    assert busy.status_code == 503 and "server busy" in busy.json()["error"]
    assert (no_model.status_code, no_model.json()) == (400, {"error": "model is required"})


def test_an_error_can_arrive_mid_stream(ollama):
    ollama.script(Reply.broken_mid_stream("Par", message="an error was encountered"))

    with httpx.stream("POST", f"{ollama.url}/api/chat", json=CHAT) as response:
        assert response.status_code == 200
        chunks = lines(response)

    assert chunks[-1] == {"error": "an error was encountered"}


def test_it_lists_models_and_its_version_and_records_requests(ollama):
    tags = httpx.get(f"{ollama.url}/api/tags").json()
    version = httpx.get(f"{ollama.url}/api/version").json()

    entry = tags["models"][0]
    assert {"name", "model", "modified_at", "size", "digest", "details"} <= entry.keys()
    assert entry["details"]["parameter_size"] == "8.2B"
    assert version == {"version": "0.12.6"}
    assert [(r.method, r.path) for r in ollama.requests] == [
        ("GET", "/api/tags"),
        ("GET", "/api/version"),
    ]
