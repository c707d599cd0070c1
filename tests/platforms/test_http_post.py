"""HttpClient.post: a form or JSON body, paced and retried like a GET (token exchanges, queries
sent as POST), against a real loopback server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from platforms.http import HttpClient, RetryPolicy
from platforms.ratelimit import MemoryWindowStore, SlidingWindowLimiter


class _Recorder(BaseHTTPRequestHandler):
    failures_left = 0
    bodies: list[tuple[str, str, bytes]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        type(self).bodies.append(
            (self.path, self.headers.get("Content-Type", ""), self.rfile.read(length))
        )
        if type(self).failures_left:
            type(self).failures_left -= 1
            self.send_response(503)
            self.end_headers()
            return
        body = json.dumps({"ok": True}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[type[_Recorder]]:
    _Recorder.failures_left, _Recorder.bodies = 0, []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Recorder.url = f"http://127.0.0.1:{httpd.server_address[1]}"  # type: ignore[attr-defined]
    yield _Recorder
    httpd.shutdown()
    httpd.server_close()


def _client(url: str) -> HttpClient:
    limiter = SlidingWindowLimiter("post-test", 1000, 1, MemoryWindowStore())
    policy = RetryPolicy(attempts=3, base=0.001, cap=0.001, budget_seconds=2.0)
    return HttpClient(url, limiter=limiter, retry=policy, label="The store")


def test_it_sends_a_form_and_retries_it_after_a_server_error(server):
    server.failures_left = 1
    client = _client(server.url)

    response = client.post("/token", data={"grant_type": "authorization_code", "code": "abc"})

    assert response.json() == {"ok": True}
    assert [(path, body) for path, _, body in server.bodies] == [
        ("/token", b"grant_type=authorization_code&code=abc"),
        ("/token", b"grant_type=authorization_code&code=abc"),
    ]
    assert server.bodies[0][1] == "application/x-www-form-urlencoded"


def test_it_sends_a_json_body(server):
    client = _client(server.url)

    client.post("/graphql", json={"query": "{ me }"})

    ((path, content_type, body),) = server.bodies
    assert (path, content_type, json.loads(body)) == (
        "/graphql",
        "application/json",
        {"query": "{ me }"},
    )
