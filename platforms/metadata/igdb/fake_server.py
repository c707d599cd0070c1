"""A real HTTP server speaking Twitch's client-credentials token endpoint and IGDB's Apicalypse
POST endpoints on one loopback port, for tests and demos.

It parses enough Apicalypse to answer what a client sends: ``fields`` (top-level names; related
objects always come expanded, as a client asking for ``genres.name`` gets them), ``where`` with
``&``-joined ``name = value`` / ``name = (v, …)`` conditions, ``search "…"``, ``sort`` and
``limit``. Tokens expire or can be revoked; failures (429, 5xx, malformed, timeout, a refused
client) are injected with ``fail_next``. Nothing here imports Game Djinn code.
"""

from __future__ import annotations

import json
import re
import secrets
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

TOKEN_LIFETIME = 5_184_000  # about 60 days, as Twitch gives app tokens
FAILURES = ("rate_limited", "server_error", "malformed", "not_a_list", "timeout")
_GENRE_IDS = {
    "Point-and-click": 2, "Fighting": 4, "Shooter": 5, "Music": 7, "Platform": 8, "Puzzle": 9,
    "Racing": 10, "Real Time Strategy (RTS)": 11, "Role-playing (RPG)": 12, "Simulator": 13,
    "Sport": 14, "Strategy": 15, "Turn-based strategy (TBS)": 16, "Tactical": 24,
    "Adventure": 31, "Indie": 32, "Arcade": 33,
}  # fmt: skip
_ESRB_IDS = {"RP": 6, "EC": 7, "E": 8, "E10": 9, "T": 10, "M": 11, "AO": 12}
_PEGI_IDS = {"Three": 1, "Seven": 2, "Twelve": 3, "Sixteen": 4, "Eighteen": 5}


@dataclass
class FakeIgdbGame:
    id: int
    name: str
    released: str = ""  # YYYY-MM-DD
    summary: str = ""
    genres: list[str] = field(default_factory=list)
    developers: list[str] = field(default_factory=list)
    publishers: list[str] = field(default_factory=list)
    esrb: str = ""  # the rating_category text: E, E10, T, M, AO, RP, EC
    pegi: str = ""  # Three, Seven, Twelve, Sixteen, Eighteen
    legacy_ratings: bool = False  # answer with the retired category/rating enums
    cover: str = ""  # image id
    artworks: list[str] = field(default_factory=list)
    # store → uid, by external_game_source id (1 Steam, 5 GOG, 11 Microsoft, 26 Epic, 36 PSN)
    external: dict[int, str] = field(default_factory=dict)
    time_to_beat: tuple[int, int, int] | None = None  # seconds: hastily, normally, completely


@dataclass(frozen=True, slots=True)
class RequestRecord:
    at: float
    path: str
    body: str
    status: int


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
    fake: FakeIgdb

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


Answer = tuple[int, str, dict[str, str]]


class FakeIgdb:
    """Serve GAMES on 127.0.0.1: ``/oauth2/token`` and ``/v4/<endpoint>``."""

    def __init__(
        self,
        games: list[FakeIgdbGame] | None = None,
        *,
        client_id: str = "fake-igdb-client",
        client_secret: str = "fake-igdb-secret",
        timeout_seconds: float = 1.0,
    ) -> None:
        self.games = list(games or [])
        self.client_id = client_id
        self.client_secret = client_secret
        self.timeout_seconds = timeout_seconds
        self.refuse_client = False
        self.tokens_issued = 0
        self._tokens: dict[str, bool] = {}  # token → still valid
        self._failures: deque[list[Any]] = deque()
        self._log: list[RequestRecord] = []
        self._lock = threading.Lock()
        self._server: _Server | None = None

    def start(self) -> FakeIgdb:
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

    def __enter__(self) -> FakeIgdb:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeIgdb is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def settings(self) -> dict[str, Any]:
        return {
            "IGDB_CLIENT_ID": self.client_id,
            "IGDB_CLIENT_SECRET": self.client_secret,
            "IGDB_API_URL": f"{self.url}/v4",
            "IGDB_TOKEN_URL": f"{self.url}/oauth2/token",
            "IGDB_RATE_LIMIT": (10_000, 1),
            "IGDB_HTTP_TIMEOUT": self.timeout_seconds,
        }

    def fail_next(self, failure: str, *, count: int = 1, retry_after: int | None = 1) -> None:
        """Answer the next COUNT API requests (not token requests) with FAILURE."""
        if failure not in FAILURES:
            raise ValueError(f"unknown failure {failure!r}; one of {FAILURES}")
        with self._lock:
            self._failures.append([failure, count, retry_after])

    def expire_tokens(self) -> None:
        """Every token issued so far now answers 401 (as a revoked or lapsed one does)."""
        with self._lock:
            for token in self._tokens:
                self._tokens[token] = False

    @property
    def requests(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._log)

    def api_requests(self, endpoint: str | None = None) -> list[RequestRecord]:
        prefix = f"/v4/{endpoint}" if endpoint else "/v4/"
        return [r for r in self.requests if r.path.startswith(prefix)]

    # --- handling -------------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        arrived = time.monotonic()
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length).decode("utf-8", "replace") if length else ""
        if parts.path == "/oauth2/token":
            form = {k: v[0] for k, v in parse_qs(parts.query or body).items()}
            status, text, headers = self._token(form)
            logged = ""  # never keep the secret
        else:
            status, text, headers = self._api(parts.path, body, handler)
            logged = body
        with self._lock:
            self._log.append(RequestRecord(arrived, parts.path, logged, status))
        payload = text.encode("utf-8")
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    def _token(self, form: dict[str, str]) -> Answer:
        if (
            self.refuse_client
            or form.get("client_id") != self.client_id
            or form.get("client_secret") != self.client_secret
        ):
            return _json(403, {"status": 403, "message": "invalid client secret"})
        if form.get("grant_type") != "client_credentials":
            return _json(400, {"status": 400, "message": "invalid grant type"})
        token = secrets.token_hex(15)
        with self._lock:
            self._tokens[token] = True
            self.tokens_issued += 1
        return _json(
            200, {"access_token": token, "expires_in": TOKEN_LIFETIME, "token_type": "bearer"}
        )

    def _api(self, path: str, body: str, handler: BaseHTTPRequestHandler) -> Answer:
        failure = self._take_failure()
        if failure is not None:
            kind, retry_after = failure
            if kind == "rate_limited":
                headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
                return 429, '{"message":"Too Many Requests"}', headers
            if kind == "server_error":
                return 502, "<html><body>Bad Gateway</body></html>", {}
            if kind == "malformed":
                return 200, '[{"id": 1, "name": ', {"Content-Type": "application/json"}
            if kind == "not_a_list":
                return _json(200, {"games": "none"})
            time.sleep(self.timeout_seconds + 0.5)
        bearer = handler.headers.get("Authorization", "")
        token = bearer[7:] if bearer.startswith("Bearer ") else ""
        with self._lock:
            valid = self._tokens.get(token, False)
        if handler.headers.get("Client-ID") != self.client_id or not valid:
            return _json(401, {"message": "Authorization Failure. Have you tried:"})
        endpoint = path.removeprefix("/v4/").strip("/")
        rows_of = {
            "games": self._game_rows,
            "external_games": self._external_rows,
            "game_time_to_beats": self._ttb_rows,
        }.get(endpoint)
        if rows_of is None:
            return _json(404, {"message": "Not found"})
        try:
            query = parse_apicalypse(body)
        except ValueError as exc:
            return _json(400, [{"title": "Syntax Error", "status": 400, "cause": str(exc)}])
        rows = [row for row in rows_of() if query.matches(row)]
        if query.search:
            words = query.search.lower().split()
            rows = [r for r in rows if all(w in str(r.get("name", "")).lower() for w in words)]
        if query.sort:
            name, descending = query.sort
            rows.sort(key=lambda r: (r.get(name) is None, r.get(name)), reverse=descending)
        return _json(200, [query.project(row) for row in rows[: query.limit]])

    def _take_failure(self) -> tuple[str, int | None] | None:
        with self._lock:
            if not self._failures:
                return None
            entry = self._failures[0]
            entry[1] -= 1
            if entry[1] <= 0:
                self._failures.popleft()
            return entry[0], entry[2]

    def _game_rows(self) -> list[dict[str, Any]]:
        return [_game_row(game) for game in self.games]

    def _external_rows(self) -> list[dict[str, Any]]:
        rows = []
        for game in self.games:
            for source, uid in sorted(game.external.items()):
                rows.append(
                    {
                        "id": game.id * 100 + source,
                        "game": game.id,
                        "uid": uid,
                        "external_game_source": source,
                    }
                )
        return rows

    def _ttb_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "id": game.id + 7_000,
                "game_id": game.id,
                "hastily": game.time_to_beat[0],
                "normally": game.time_to_beat[1],
                "completely": game.time_to_beat[2],
                "count": 12,
            }
            for game in self.games
            if game.time_to_beat
        ]


def _game_row(game: FakeIgdbGame) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": game.id,
        "name": game.name,
        "url": f"https://www.igdb.com/games/{re.sub(r'[^a-z0-9]+', '-', game.name.lower())}",
    }
    if game.released:
        moment = datetime.fromisoformat(game.released).replace(tzinfo=UTC)
        row["first_release_date"] = int(moment.timestamp())
    if game.summary:
        row["summary"] = game.summary
    if game.genres:
        row["genres"] = [{"id": _GENRE_IDS.get(g, 99), "name": g} for g in game.genres]
    companies = [
        {
            "id": game.id * 10 + index,
            "company": {"id": 500 + index, "name": name},
            "developer": name in game.developers,
            "publisher": name in game.publishers,
        }
        for index, name in enumerate(dict.fromkeys([*game.developers, *game.publishers]))
    ]
    if companies:
        row["involved_companies"] = companies
    ratings: list[dict[str, Any]] = []
    if game.esrb:
        if game.legacy_ratings:
            ratings.append({"id": game.id * 3, "category": 1, "rating": _ESRB_IDS[game.esrb]})
        else:
            ratings.append(
                {
                    "id": game.id * 3,
                    "organization": {"id": 1, "name": "ESRB"},
                    "rating_category": {"id": _ESRB_IDS[game.esrb], "rating": game.esrb},
                }
            )
    if game.pegi:
        if game.legacy_ratings:
            ratings.append({"id": game.id * 3 + 1, "category": 2, "rating": _PEGI_IDS[game.pegi]})
        else:
            ratings.append(
                {
                    "id": game.id * 3 + 1,
                    "organization": {"id": 2, "name": "PEGI"},
                    "rating_category": {"id": 12 + _PEGI_IDS[game.pegi], "rating": game.pegi},
                }
            )
    if ratings:
        row["age_ratings"] = ratings
    if game.cover:
        row["cover"] = {"id": game.id, "image_id": game.cover}
    if game.artworks:
        row["artworks"] = [
            {"id": game.id * 10 + i, "image_id": image} for i, image in enumerate(game.artworks)
        ]
    return row


# --- Apicalypse ---------------------------------------------------------------------------------

_VALUE = r'"(?:[^"\\]|\\.)*"|-?\d+|true|false|null'
_CONDITION = re.compile(
    rf"^\s*([a-z_.]+)\s*(=|!=)\s*(\(\s*(?:{_VALUE})(?:\s*,\s*(?:{_VALUE}))*\s*\)|{_VALUE})\s*$"
)


@dataclass
class Query:
    fields: set[str] = field(default_factory=lambda: {"id"})
    conditions: list[tuple[str, str, list[Any]]] = field(default_factory=list)
    search: str = ""
    sort: tuple[str, bool] | None = None
    limit: int = 10

    def matches(self, row: dict[str, Any]) -> bool:
        for name, operator, values in self.conditions:
            present = row.get(name) in values
            if present != (operator == "="):
                return False
        return True

    def project(self, row: dict[str, Any]) -> dict[str, Any]:
        if "*" in self.fields:
            return dict(row)
        return {k: v for k, v in row.items() if k == "id" or k in self.fields}


def parse_apicalypse(body: str) -> Query:
    """The parts of an Apicalypse body this fake understands; ValueError on anything else."""
    query = Query()
    for statement in _statements(body):
        keyword, _, rest = statement.strip().partition(" ")
        rest = rest.strip()
        if keyword in ("fields", "f"):
            query.fields |= {name.strip().split(".")[0] for name in rest.split(",")}
        elif keyword in ("where", "w"):
            for part in rest.split("&"):
                match = _CONDITION.match(part)
                if not match:
                    raise ValueError(f"cannot read condition {part.strip()!r}")
                name, operator, raw = match.groups()
                items = raw[1:-1].split(",") if raw.startswith("(") else [raw]
                query.conditions.append((name, operator, [_value(i.strip()) for i in items]))
        elif keyword == "search":
            if not (rest.startswith('"') and rest.endswith('"')):
                raise ValueError("search needs a quoted text")
            query.search = rest[1:-1]
        elif keyword in ("limit", "l"):
            query.limit = max(1, min(500, int(rest)))
        elif keyword in ("sort", "s"):
            name, _, direction = rest.partition(" ")
            query.sort = (name, direction.strip() == "desc")
        elif keyword:
            raise ValueError(f"unknown statement {keyword!r}")
    return query


def _statements(body: str) -> list[str]:
    """Split on semicolons outside quoted text."""
    statements: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for char in body:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            statements.append("".join(current))
            current = []
            continue
        current.append(char)
    if "".join(current).strip():
        raise ValueError("a statement is not closed with ;")
    return [s for s in statements if s.strip()]


def _value(text: str) -> Any:
    if text.startswith('"'):
        return json.loads(text)
    if text in ("true", "false"):
        return text == "true"
    if text == "null":
        return None
    return int(text)


def _json(status: int, body: Any) -> Answer:
    return status, json.dumps(body), {"Content-Type": "application/json"}
