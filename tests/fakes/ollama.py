"""A fake Ollama: a real HTTP server on 127.0.0.1 that speaks Ollama's documented API.

What it speaks (docs/wire-formats.md, "Ollama"):
- `POST /api/chat`: NDJSON streaming (`application/x-ndjson`, chunked), one JSON object a line:
  content pieces, `tool_calls` (arguments as JSON objects; with or without call ids; several in
  one chunk), a final `done:true` line with `done_reason` and the metrics; `stream:false` too.
- `GET /api/tags`, `GET /api/version`, `GET /` ("Ollama is running").
- The failures: 404 for a model that is not pulled, 400 for a model without tool support (both
  follow from the installed models, as on a real server), 503 busy, an `{"error": …}` line
  mid-stream, `done_reason: "length"`, and a reply that never comes (for timeouts).

Each test scripts it: `fake.script(Reply.text("Hi"), …)` queues one reply per `/api/chat` request,
or `fake.respond_with(fn)` answers from the request body. Every request is recorded
(`fake.requests`, `fake.chat_bodies`) so a test can assert what was sent: the tools offered, the
tool results, the system prompt. A reply can hold mid-stream until `fake.release()` or until the
client hangs up, which `fake.disconnects` counts (that is how Ollama notices a cancelled answer).
"""

from __future__ import annotations

import json
import secrets
import select
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

BUSY = "server busy, please try again.  maximum pending requests exceeded"
MODEL_ERROR = "an error was encountered while running the model"


@dataclass(frozen=True)
class FakeModel:
    name: str
    size: int
    parameter_size: str
    family: str
    capabilities: tuple[str, ...] = ("completion", "tools")
    quantization_level: str = "Q4_K_M"


DEFAULT_MODELS = (
    FakeModel("qwen3:8b", 5_225_388_164, "8.2B", "qwen3", ("completion", "tools", "thinking")),
    FakeModel("llama3.2:3b", 2_019_393_189, "3.2B", "llama"),
    FakeModel("gemma2:2b", 1_629_518_495, "2.6B", "gemma2", ("completion",)),
)


@dataclass(frozen=True)
class ToolCall:
    name: str
    arguments: dict[str, Any] = field(default_factory=dict)
    # "auto": an id like current Ollama sends ("call_" + 8 chars); None: no id (older servers).
    id: str | None = "auto"


@dataclass
class Reply:
    """One scripted answer to one `/api/chat` request."""

    pieces: list[str] = field(default_factory=list)
    tool_calls: list[ToolCall] = field(default_factory=list)
    done_reason: str = "stop"
    status: int = 200
    error: str = ""  # the body's "error" when status != 200
    error_after: str = ""  # an {"error": …} line after the pieces, on an HTTP 200 stream
    hold_before: bool = False  # send nothing until released (or the client gives up)
    hold_after: int | None = None  # stop after this many pieces until released
    interval: float = 0.0  # seconds between pieces: the pace of a model generating

    @classmethod
    def text(cls, *pieces: str, done_reason: str = "stop") -> Reply:
        return cls(pieces=list(pieces), done_reason=done_reason)

    @classmethod
    def calls(cls, *tool_calls: ToolCall, pieces: tuple[str, ...] = ()) -> Reply:
        return cls(pieces=list(pieces), tool_calls=list(tool_calls))

    @classmethod
    def http_error(cls, status: int, message: str) -> Reply:
        return cls(status=status, error=message)

    @classmethod
    def busy(cls) -> Reply:
        return cls(status=503, error=BUSY)

    @classmethod
    def broken_mid_stream(cls, *pieces: str, message: str = MODEL_ERROR) -> Reply:
        return cls(pieces=list(pieces), error_after=message)

    @classmethod
    def never(cls) -> Reply:
        return cls(hold_before=True)


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    at: float
    took: float = 0.0  # seconds from reading the request to the last byte of the answer
    cpu: float = 0.0  # CPU seconds the fake itself spent on it (its thread's time)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class FakeOllama:
    def __init__(
        self, models: tuple[FakeModel, ...] = DEFAULT_MODELS, version: str = "0.12.6"
    ) -> None:
        self.models: list[FakeModel] = list(models)
        self.version = version
        self.requests: list[RecordedRequest] = []
        self.disconnects = 0
        self.hung_up = threading.Event()  # set when a client hangs up on an answer
        self._connections = 0
        self._idle = threading.Condition()
        # perf_counter() when each content piece was flushed to the socket (for the benchmark).
        self.emitted: list[float] = []
        self._replies: deque[Reply] = deque()
        self._responder: Callable[[dict[str, Any]], Reply] | None = None
        self._released = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- lifecycle ---------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeOllama:
        self._thread.start()
        return self

    def close(self) -> None:
        self._released.set()
        self._server.shutdown()
        self._server.server_close()

    # --- scripting -----------------------------------------------------------------------------
    def script(self, *replies: Reply) -> None:
        with self._lock:
            self._replies.extend(replies)

    def respond_with(self, responder: Callable[[dict[str, Any]], Reply]) -> None:
        self._responder = responder

    def release(self) -> None:
        """Let every held reply go on."""
        self._released.set()

    def pull(self, model: FakeModel) -> None:
        self.models.append(model)

    def remove(self, name: str) -> None:
        self.models = [m for m in self.models if m.name != name]

    def wait_idle(self, timeout: float) -> bool:
        """True once no client holds a connection open (False if one still does after TIMEOUT)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._connections == 0, timeout)

    def _connected(self, delta: int) -> None:
        with self._idle:
            self._connections += delta
            self._idle.notify_all()

    @property
    def pending(self) -> int:
        return len(self._replies)

    @property
    def chat_bodies(self) -> list[dict[str, Any]]:
        return [r.body for r in self.requests if r.path == "/api/chat"]

    # --- internals -----------------------------------------------------------------------------
    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _installed(self, name: str) -> FakeModel | None:
        for model in self.models:
            if name in (model.name, model.name.removesuffix(":latest")):
                return model
        return None

    def _next_reply(self, body: dict[str, Any]) -> Reply:
        model = self._installed(str(body.get("model", "")))
        if model is None:
            return Reply.http_error(404, f"model '{body.get('model')}' not found")
        if body.get("tools") and "tools" not in model.capabilities:
            return Reply.http_error(
                400, f"registry.ollama.ai/library/{model.name} does not support tools"
            )
        with self._lock:
            if self._replies:
                return self._replies.popleft()
        if self._responder is not None:
            return self._responder(body)
        return Reply.http_error(500, "fake ollama: no reply was scripted for this request")

    def tags(self) -> dict[str, Any]:
        return {
            "models": [
                {
                    "name": m.name,
                    "model": m.name,
                    "modified_at": "2026-08-01T10:00:00.000000000Z",
                    "size": m.size,
                    "digest": secrets.token_hex(32),
                    "details": {
                        "parent_model": "",
                        "format": "gguf",
                        "family": m.family,
                        "families": [m.family],
                        "parameter_size": m.parameter_size,
                        "quantization_level": m.quantization_level,
                    },
                }
                for m in self.models
            ]
        }


class _ClientGone(Exception):
    pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # each NDJSON line leaves at once, as from Ollama
    server: ThreadingHTTPServer

    @property
    def fake(self) -> FakeOllama:
        return self.server.fake  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def setup(self) -> None:
        super().setup()
        self.fake._connected(+1)

    def finish(self) -> None:
        super().finish()
        self.fake._connected(-1)

    def _read_body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return raw.decode(errors="replace")

    def _record(self, body: Any) -> RecordedRequest:
        self._started = time.perf_counter()
        self._cpu_started = time.thread_time()
        record = RecordedRequest(
            self.command, self.path, dict(self.headers.items()), body, time.time()
        )
        self.fake._record(record)
        return record

    def _done(self, record: RecordedRequest) -> None:
        record.took = time.perf_counter() - self._started
        record.cpu = time.thread_time() - self._cpu_started

    def _json(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        record = self._record(None)
        if self.path == "/api/version":
            self._json(200, {"version": self.fake.version})
        elif self.path == "/api/tags":
            self._json(200, self.fake.tags())
        elif self.path == "/":
            data = b"Ollama is running"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        else:
            self._json(404, {"error": "404 page not found"})
        self._done(record)

    def do_POST(self) -> None:
        body = self._read_body()
        record = self._record(body)
        try:
            self._answer(body)
        except (_ClientGone, BrokenPipeError, ConnectionResetError):
            self.fake.disconnects += 1
            self.fake.hung_up.set()
            self.close_connection = True
        finally:
            self._done(record)

    def _answer(self, body: Any) -> None:
        if self.path != "/api/chat":
            self._json(404, {"error": "404 page not found"})
        elif not isinstance(body, dict):
            self._json(400, {"error": "missing request body"})
        elif not body.get("model"):
            self._json(400, {"error": "model is required"})
        else:
            reply = self.fake._next_reply(body)
            if reply.hold_before:
                self._hold()
            if reply.status != 200:
                self._json(reply.status, {"error": reply.error})
            elif body.get("stream", True):
                self._stream(body, reply)
            else:
                self._whole(body, reply)

    # --- the answer --------------------------------------------------------------------------
    def _hold(self) -> None:
        """Wait for release(); if the client hangs up meanwhile, stop (as Ollama does: 499)."""
        while not self.fake._released.wait(0.01):
            readable, _, _ = select.select([self.connection], [], [], 0)
            if readable and not self.connection.recv(1, socket.MSG_PEEK):
                raise _ClientGone

    def _line(self, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode() + b"\n"
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def _stream(self, body: dict[str, Any], reply: Reply) -> None:
        model = body["model"]
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for index, piece in enumerate(reply.pieces):
            if reply.hold_after is not None and index == reply.hold_after:
                self._hold()
            if reply.interval and index:
                time.sleep(reply.interval)  # the fake model "generating" the next token
            self.fake.emitted.append(time.perf_counter())
            self._line(_chunk(model, {"role": "assistant", "content": piece}))
        if reply.error_after:
            self._line({"error": reply.error_after})
        else:
            if reply.tool_calls:
                message = {
                    "role": "assistant",
                    "content": "",
                    "tool_calls": _tool_calls(reply.tool_calls),
                }
                self._line(_chunk(model, message))
            self._line(_final(model, body, reply))
        self.wfile.write(b"0\r\n\r\n")

    def _whole(self, body: dict[str, Any], reply: Reply) -> None:
        message: dict[str, Any] = {"role": "assistant", "content": "".join(reply.pieces)}
        if reply.tool_calls:
            message["tool_calls"] = _tool_calls(reply.tool_calls)
        payload = _final(body["model"], body, reply)
        payload["message"] = message
        self._json(200, payload)


def _chunk(model: str, message: dict[str, Any]) -> dict[str, Any]:
    return {"model": model, "created_at": _now(), "message": message, "done": False}


def _tool_calls(calls: list[ToolCall]) -> list[dict[str, Any]]:
    result = []
    for index, call in enumerate(calls):
        entry: dict[str, Any] = {}
        if call.id is not None:
            entry["id"] = call.id if call.id != "auto" else "call_" + secrets.token_hex(4)
        entry["function"] = {"index": index, "name": call.name, "arguments": call.arguments}
        result.append(entry)
    return result


def _final(model: str, body: dict[str, Any], reply: Reply) -> dict[str, Any]:
    prompt_tokens = max(1, len(json.dumps(body.get("messages", []))) // 4)
    return {
        "model": model,
        "created_at": _now(),
        "message": {"role": "assistant", "content": ""},
        "done": True,
        "done_reason": reply.done_reason,
        "total_duration": 1_000_000,
        "load_duration": 100_000,
        "prompt_eval_count": prompt_tokens,
        "prompt_eval_duration": 200_000,
        "eval_count": max(1, len(reply.pieces)),
        "eval_duration": 500_000,
    }


@contextmanager
def running_fake_ollama(**kwargs: Any) -> Iterator[FakeOllama]:
    fake = FakeOllama(**kwargs).start()
    try:
        yield fake
    finally:
        fake.close()
