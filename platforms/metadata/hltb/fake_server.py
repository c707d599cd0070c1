"""A real HTTP server answering HowLongToBeat's site search (JSON POST, times in seconds) on
loopback, with its failures: 429, 5xx, a moved endpoint (404), malformed answers and hangs.
Nothing here imports Game Djinn code."""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FAILURES = ("rate_limited", "server_error", "moved", "malformed", "timeout")


@dataclass
class FakeHltbGame:
    id: int
    name: str
    year: int | None = None
    main: int = 0  # seconds; 0 = nobody submitted a time
    extras: int = 0
    completionist: int = 0


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_POST(self) -> None:
        self.server.fake._handle(self)

    def log_message(self, format: str, *args: Any) -> None:
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    server_address: tuple[str, int]
    fake: FakeHltb

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class FakeHltb:
    def __init__(
        self,
        games: list[FakeHltbGame] | None = None,
        *,
        search_path: str = "/api/search",
        timeout_seconds: float = 1.0,
    ) -> None:
        self.games = list(games or [])
        self.search_path = search_path
        self.timeout_seconds = timeout_seconds
        self.searches: list[list[str]] = []
        self._failures: deque[list[Any]] = deque()
        self._lock = threading.Lock()
        self._server: _Server | None = None

    def start(self) -> FakeHltb:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeHltb:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeHltb is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def settings(self) -> dict[str, Any]:
        return {
            "HLTB_URL": self.url,
            "HLTB_SEARCH_PATH": self.search_path,
            "HLTB_RATE_LIMIT": (10_000, 1),
            "HLTB_HTTP_TIMEOUT": self.timeout_seconds,
        }

    def fail_next(self, failure: str, *, count: int = 1) -> None:
        if failure not in FAILURES:
            raise ValueError(f"unknown failure {failure!r}; one of {FAILURES}")
        with self._lock:
            self._failures.append([failure, count])

    def _take_failure(self) -> str | None:
        with self._lock:
            if not self._failures:
                return None
            entry = self._failures[0]
            entry[1] -= 1
            if entry[1] <= 0:
                self._failures.popleft()
            return str(entry[0])

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        status, text = self._answer(handler.path, raw)
        payload = text.encode("utf-8")
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    def _answer(self, path: str, raw: bytes) -> tuple[int, str]:
        failure = self._take_failure()
        if failure == "rate_limited":
            return 429, '{"error":"Too Many Requests"}'
        if failure == "server_error":
            return 503, "<html>Service Unavailable</html>"
        if failure == "malformed":
            return 200, '{"data": [{"game_name": '
        if failure == "timeout":
            time.sleep(self.timeout_seconds + 0.5)
        if failure == "moved" or path != self.search_path:
            return 404, "<html>Not Found</html>"
        try:
            body = json.loads(raw)
            terms = [str(t).lower() for t in body["searchTerms"]]
        except (ValueError, KeyError, TypeError):
            return 400, '{"error":"Bad Request"}'
        with self._lock:
            self.searches.append(terms)
        found = [g for g in self.games if all(t in g.name.lower() for t in terms)]
        data = [
            {
                "game_id": g.id,
                "game_name": g.name,
                "game_alias": "",
                "release_world": g.year or 0,
                "comp_main": g.main,
                "comp_plus": g.extras,
                "comp_100": g.completionist,
                "comp_all": g.extras,
                "profile_platform": "PC",
            }
            for g in found
        ]
        return 200, json.dumps(
            {"color": "blue", "title": "", "category": "games", "count": len(data), "data": data}
        )
