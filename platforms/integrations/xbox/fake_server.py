"""A real HTTP server that speaks OpenXBL's (xbl.io) shapes on one loopback port, for tests, the
contract suite and the demo mode.

One account, one personal API key (``X-Authorization``): the profile, the title history (games
and apps, Xbox 360 titles, Game Pass titles), batched minutes played and achievements per title.
The key can be expired (403) or revoked (401). Shapes follow docs/integrations/xbox.md; nothing
here imports Game Djinn code.
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from platforms.fakes import LoopbackFake

FAILURES = (
    "rate_limited",
    "rate_limited_no_header",
    "server_error",
    "timeout",
    "malformed",
    "truncated",
    "expired_credentials",
    "revoked_credentials",
)
QUOTA_PER_HOUR = 150  # what the free plan's X-RateLimit-Limit says
STATS_BATCH_LIMIT = 100
ACHIEVEMENTS_PER_PAGE = 32

# --- the world ----------------------------------------------------------------------------------


@dataclass
class XboxTitle:
    title_id: int
    name: str
    kind: str = "Game"  # "Game" | "App"
    devices: tuple[str, ...] = ("XboxSeries",)
    minutes: int | None = None  # None: the title keeps no MinutesPlayed statistic
    last_played: str = ""
    achievements: int = 0  # how many the title has (modern titles only)
    unlocked: int = 0
    legacy_360: bool = False
    game_pass: bool = False
    image_hash: str = ""


@dataclass
class XboxWorld:
    xuid: str
    gamertag: str
    api_key: str
    titles: list[XboxTitle] = field(default_factory=list)

    def title(self, title_id: int) -> XboxTitle | None:
        return next((t for t in self.titles if t.title_id == title_id), None)

    @property
    def games(self) -> list[XboxTitle]:
        return [t for t in self.titles if t.kind == "Game" and set(t.devices) != {"Win32"}]


_WORDS = (
    "Halo", "Forza", "Gears", "Fable", "Sea", "Thieves", "Starfield", "Horizon", "Legends",
    "Crackdown", "Banjo", "Perfect", "Dark", "Ori", "Grounded", "Hellblade", "Ash", "Empire",
)  # fmt: skip
_SPECIAL_TITLES = (
    "Ōkami HD: L'Été Éternel",
    "ＦＵＬＬ　ＷＩＤＴＨ Ｒａｃｅｒ",  # noqa: RUF001 - full-width titles are the point
    "Tom Clancy's Rainbow Six® Siege™",
    "🎮 Controller Quest 🐉 — Deluxe",
    "東方紅魔郷 ～ the Embodiment of Scarlet Devil",  # noqa: RUF001
)
_APPS = ("YouTube", "Netflix", "Spotify Music", "Microsoft Edge", "Xbox App")
_DEVICES = (("XboxSeries",), ("XboxOne", "XboxSeries"), ("PC",), ("PC", "XboxSeries"))


def _long_title(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(60)]
    return ("The Extraordinarily Long Saga of " + " ".join(words))[:320]


def generate_xbox_world(n: int, seed: int = 7) -> XboxWorld:
    """A deterministic account whose history holds ``n`` games (some Xbox 360, some Game Pass,
    some without minutes), plus a few apps and PC programs that are not games."""
    rng = random.Random(seed)
    world = XboxWorld(
        xuid=str(2_533_274_800_000_000 + rng.randrange(10**8)),
        gamertag="Djinn Demo",
        api_key=f"{rng.getrandbits(128):032x}-{rng.getrandbits(32):08x}",
    )
    next_id = 1_600_000_000
    for index in range(n):
        next_id += rng.randrange(1, 5000)
        if index < len(_SPECIAL_TITLES):
            name = _SPECIAL_TITLES[index]
        elif index == len(_SPECIAL_TITLES):
            name = _long_title(rng)
        else:
            name = f"{rng.choice(_WORDS)} {rng.choice(_WORDS)} {index}"
        world.titles.append(_title(rng, next_id, name))
    for index, name in enumerate(_APPS[: max(1, min(len(_APPS), n // 20 + 1))]):
        world.titles.append(XboxTitle(900_000_000 + index, name, kind="App", devices=("XboxOne",)))
    if n:
        world.titles.append(XboxTitle(1_955_296_332, "Dolphin", kind="Game", devices=("Win32",)))
    rng.shuffle(world.titles)
    return world


def _title(rng: random.Random, title_id: int, name: str) -> XboxTitle:
    legacy = rng.random() < 0.1
    achievements = 0 if rng.random() < 0.15 else rng.randint(5, 60)
    minutes = None if rng.random() < 0.1 else rng.randint(1, 9000)
    last = (
        f"20{rng.randint(15, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T"
        f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}."
        f"{rng.randint(0, 9_999_999):07d}Z"
    )
    return XboxTitle(
        title_id=title_id,
        name=name,
        devices=("Xbox360",) if legacy else rng.choice(_DEVICES),
        minutes=minutes,
        last_played=last,
        achievements=achievements,
        unlocked=rng.randint(0, achievements),
        legacy_360=legacy,
        game_pass=rng.random() < 0.2,
        image_hash=f"{rng.getrandbits(160):040x}",
    )


# --- the server ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One answered request (no key is kept): its method, path, status and stats batch size."""

    at: float
    method: str
    path: str
    status: int
    batch: int = 0


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _Server

    def do_GET(self) -> None:
        self.server.fake._handle(self, "GET")

    def do_POST(self) -> None:
        self.server.fake._handle(self, "POST")

    def log_message(self, format: str, *args: Any) -> None:
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    server_address: tuple[str, int]
    fake: FakeXbox

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # a client that timed out and hung up
        super().handle_error(request, client_address)


Answer = tuple[int, str, dict[str, str]]


class FakeXbox(LoopbackFake):
    """Serve ``world`` on 127.0.0.1 as OpenXBL would.

    ``envelope`` wraps payloads as ``{"content": …, "code": 200}`` (what OpenXBL answers now);
    False serves them bare, as older answers were. ``reset_only`` makes a rate-limited answer
    carry ``X-RateLimit-Reset`` without ``Retry-After``."""

    handler = _Handler
    server_class = _Server

    def __init__(
        self,
        world: XboxWorld | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        timeout_seconds: float = 1.0,
        envelope: bool = True,
    ) -> None:
        self.world = world or generate_xbox_world(40)
        self.timeout_seconds = timeout_seconds
        self.envelope = envelope
        self.reset_only = False
        self._address = (host, port)
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._key_state = "valid"  # "valid" | "expired" | "revoked"
        self._failures: deque[list[Any]] = deque()  # [failure, remaining, retry_after]
        self._log: list[RequestRecord] = []

    # --- the FakeStore protocol -------------------------------------------------------------

    def settings(self) -> dict[str, Any]:
        return {
            "XBOX_OPENXBL_URL": self.url,
            "XBOX_RATE_LIMIT": (10_000, 1),
            "XBOX_HTTP_TIMEOUT": self.timeout_seconds,
        }

    def connect_values(self) -> dict[str, str]:
        return {"api_key": self.world.api_key}

    def set_titles(self, titles: list[str]) -> None:
        rng = random.Random(len(titles))
        made = [_title(rng, 1_700_000_000 + index, name) for index, name in enumerate(titles)]
        with self._lock:
            self.world.titles = made

    def fail_next(self, failure: str, *, count: int = 1, retry_after: int | None = None) -> None:
        """Answer the next ``count`` requests with ``failure``. The two credential failures
        change the key's state instead, for good: expired answers 403 (OpenXBL lost the
        account's Xbox sign-in), revoked answers 401 (the key was deleted). ``renew_key``
        undoes both."""
        if failure not in FAILURES:
            raise ValueError(f"unknown failure {failure!r}; one of {FAILURES}")
        with self._lock:
            if failure == "expired_credentials":
                self._key_state = "expired"
                return
            if failure == "revoked_credentials":
                self._key_state = "revoked"
                return
            if failure == "rate_limited" and retry_after is None:
                retry_after = 1
            self._failures.append([failure, count, retry_after])

    # --- helpers for tests and the demo -----------------------------------------------------

    def renew_key(self) -> str:
        """A new key for the account (the old one stops working), as regenerating it would."""
        with self._lock:
            self.world.api_key = secrets.token_hex(18)
            self._key_state = "valid"
            return self.world.api_key

    @property
    def requests(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._log)

    # --- request handling -------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        arrived = time.monotonic()
        parts = urlsplit(handler.path)
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        key = handler.headers.get("X-Authorization", "")
        batch = 0
        try:
            body = json.loads(raw) if raw else None
            if isinstance(body, dict) and isinstance(body.get("stats"), list):
                batch = len(body["stats"])
        except ValueError:
            body = None
        status, text, headers = self._answer(method, parts.path, query, key, body)
        with self._lock:
            self._log.append(RequestRecord(arrived, method, parts.path, status, batch))
            used = sum(1 for r in self._log if r.at > arrived - 3600)
        headers.setdefault("X-RateLimit-Limit", str(QUOTA_PER_HOUR))
        headers.setdefault("X-RateLimit-Remaining", str(max(0, QUOTA_PER_HOUR - used)))
        payload = text.encode("utf-8")
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    def _answer(self, method: str, path: str, query: dict[str, str], key: str, body: Any) -> Answer:
        if not path.startswith("/api/v2/"):
            return _json(404, {"error": "Not Found"})
        failure = self._take_failure()
        truncate = False
        if failure is not None:
            kind, retry_after = failure
            if kind in ("rate_limited", "rate_limited_no_header"):
                headers = {"Content-Type": "application/json"}
                if kind == "rate_limited":
                    headers["X-RateLimit-Limit"] = str(QUOTA_PER_HOUR)
                    headers["X-RateLimit-Remaining"] = "0"
                    headers["X-RateLimit-Reset"] = str(int(time.time()) + int(retry_after or 1))
                    if not self.reset_only:
                        headers["Retry-After"] = str(retry_after)
                return 429, json.dumps({"message": "Too Many Attempts."}), headers
            if kind == "server_error":
                status = random.choice((500, 502, 503))
                return status, f"<html><body><h1>{status}</h1></body></html>", {}
            if kind == "malformed":
                return _json(200, {"code": 200, "content": {"unexpected": [], "titles": "none"}})
            if kind == "timeout":
                time.sleep(self.timeout_seconds + 0.5)  # simulated hang, past the client's wait
            truncate = kind == "truncated"

        with self._lock:
            valid_key = bool(key) and secrets.compare_digest(key, self.world.api_key)
            state = self._key_state
        if not valid_key or state == "revoked":
            return _json(401, {"error": "Unauthorized", "message": "Invalid API key."})
        if state == "expired":
            return _json(
                403,
                {"error": "Forbidden", "message": "Sign in again at xbl.io to renew access."},
            )

        if method == "GET" and path == "/api/v2/account":
            answer = self._wrap(self._account())
        elif method == "GET" and path.rstrip("/") == "/api/v2/player/titleHistory":
            answer = self._wrap(self._history())
        elif method == "POST" and path == "/api/v2/player/stats":
            answer = self._stats(body)
        elif method == "GET" and path.startswith("/api/v2/achievements/player/"):
            answer = self._achievements(path, query)
        else:
            answer = _json(404, {"error": "Not Found"})
        status, text, headers = answer
        if truncate and status == 200:
            text = text[: max(1, len(text) // 2)]
        return status, text, headers

    def _take_failure(self) -> tuple[str, int | None] | None:
        with self._lock:
            if not self._failures:
                return None
            entry = self._failures[0]
            entry[1] -= 1
            if entry[1] <= 0:
                self._failures.popleft()
            return entry[0], entry[2]

    def _wrap(self, payload: dict[str, Any]) -> Answer:
        return _json(200, {"content": payload, "code": 200} if self.envelope else payload)

    def _account(self) -> dict[str, Any]:
        world = self.world
        settings = {
            "GameDisplayPicRaw": "https://images-eds-ssl.xboxlive.com/image?url=djinn&format=png",
            "Gamerscore": str(sum(t.unlocked * 10 for t in world.titles)),
            "Gamertag": world.gamertag,
            "AccountTier": "Gold",
            "XboxOneRep": "GoodPlayer",
            "PreferredColor": "https://dlassets-ssl.xboxlive.com/public/content/ppl/colors/00000.json",
            "RealName": "",
            "Bio": "",
            "TenureLevel": "7",
            "Watermarks": "",
            "Location": "",
            "ModernGamertag": world.gamertag,
            "ModernGamertagSuffix": "",
            "UniqueModernGamertag": world.gamertag,
            "RealNameOverride": "",
            "IsQuarantined": "0",
        }
        return {
            "profileUsers": [
                {
                    "id": world.xuid,
                    "hostId": world.xuid,
                    "settings": [{"id": k, "value": v} for k, v in settings.items()],
                    "isSponsoredUser": False,
                }
            ]
        }

    def _history(self) -> dict[str, Any]:
        with self._lock:
            titles = list(self.world.titles)
        return {"xuid": self.world.xuid, "titles": [_history_entry(t) for t in titles]}

    def _stats(self, body: Any) -> Answer:
        if not isinstance(body, dict) or not isinstance(body.get("stats"), list):
            return _json(400, {"code": 400, "content": "Bad request body."})
        if len(body["stats"]) > STATS_BATCH_LIMIT:
            return _json(400, {"code": 400, "content": "Too many stats in one request."})
        if body.get("xuids") != [self.world.xuid]:
            return _json(400, {"code": 400, "content": "Unknown xuid."})
        with self._lock:
            by_id = {t.title_id: t for t in self.world.titles}
        stats = []
        for wanted in body["stats"]:
            title_id = str(wanted.get("titleId", ""))
            title = by_id.get(int(title_id)) if title_id.isdigit() else None
            if title is None or title.minutes is None or wanted.get("name") != "MinutesPlayed":
                continue  # titles without the statistic are simply absent
            stats.append(
                {
                    "xuid": self.world.xuid,
                    "scid": f"00000000-0000-0000-0000-{title.title_id:012x}",
                    "titleid": str(title.title_id),
                    "name": "MinutesPlayed",
                    "type": "Integer",
                    "value": str(title.minutes),
                }
            )
        payload = {
            "groups": [],
            "statlistscollection": [
                {"arrangebyfield": "xuid", "arrangebyfieldid": self.world.xuid, "stats": stats}
            ],
        }
        return self._wrap(payload)

    def _achievements(self, path: str, query: dict[str, str]) -> Answer:
        parts = path.removeprefix("/api/v2/achievements/player/").strip("/").split("/")
        if len(parts) != 2 or not all(p.isdigit() for p in parts) or parts[0] != self.world.xuid:
            return _json(404, {"error": "Not Found"})
        title = self.world.title(int(parts[1]))
        entries = _achievement_entries(title) if title and not title.legacy_360 else []
        start = (
            int(query["continuationToken"]) if query.get("continuationToken", "").isdigit() else 0
        )
        page = entries[start : start + ACHIEVEMENTS_PER_PAGE]
        following = start + ACHIEVEMENTS_PER_PAGE
        token = str(following) if following < len(entries) else None
        return self._wrap(
            {
                "achievements": page,
                "pagingInfo": {"continuationToken": token, "totalRecords": len(entries)},
            }
        )


def _history_entry(t: XboxTitle) -> dict[str, Any]:
    achievements = 0 if t.kind != "Game" else t.achievements
    return {
        "titleId": str(t.title_id),
        "pfn": None if t.legacy_360 else f"Djinn.{t.title_id}_8wekyb3d8bbwe",
        "bingId": None,
        "serviceConfigId": f"00000000-0000-0000-0000-{t.title_id:012x}",
        "windowsPhoneProductId": None,
        "name": t.name,
        "type": t.kind,
        "devices": list(t.devices),
        "displayImage": f"http://store-images.s-microsoft.com/image/apps.{t.image_hash}",
        "mediaItemType": (
            "Xbox360Game" if t.legacy_360 else ("Application" if t.kind == "App" else "Game")
        ),
        "modernTitleId": str(t.title_id),
        "isBundle": False,
        "achievement": {
            "currentAchievements": t.unlocked if achievements else 0,
            "totalAchievements": achievements,
            "currentGamerscore": t.unlocked * 10 if achievements else 0,
            "totalGamerscore": achievements * 10,
            "progressPercentage": (100 * t.unlocked // achievements) if achievements else 0,
            "sourceVersion": 1 if t.legacy_360 else 2,
        },
        "stats": {"sourceVersion": 0 if t.legacy_360 else 2},
        "gamePass": {"isGamePass": t.game_pass},
        "images": [],
        "titleHistory": {"lastTimePlayed": t.last_played, "visible": True, "canHide": False},
        "detail": None,
        "friendsWhoPlayed": None,
        "alternateTitleIds": None,
        "contentBoards": None,
        "xboxLiveTier": "Full",
        "isStreamable": t.game_pass,
    }


def _achievement_entries(title: XboxTitle) -> list[dict[str, Any]]:
    """The title's achievements, made up from its id so a 5,000-title world stays small."""
    rng = random.Random(title.title_id)
    entries = []
    for number in range(1, title.achievements + 1):
        achieved = number <= title.unlocked
        secret = rng.random() < 0.1
        entries.append(
            {
                "id": str(number),
                "serviceConfigId": f"00000000-0000-0000-0000-{title.title_id:012x}",
                "name": f"{rng.choice(_WORDS)} Medal {number}",
                "titleAssociations": [{"name": title.name, "id": title.title_id}],
                "progressState": "Achieved" if achieved else "NotStarted",
                "progression": {
                    "requirements": [],
                    "timeUnlocked": (
                        f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T"
                        f"{rng.randint(0, 23):02d}:00:00.1630000Z"
                        if achieved
                        else "0001-01-01T00:00:00Z"
                    ),
                },
                "mediaAssets": [
                    {
                        "name": f"{title.title_id}-{number}",
                        "type": "Icon",
                        "url": f"http://images-eds.xboxlive.com/image?url={title.title_id}{number}",
                    }
                ],
                "platforms": ["XboxOne"],
                "isSecret": secret,
                "description": f"Earn medal {number} in {title.name}.",
                "lockedDescription": "Keep playing." if secret else f"Earn medal {number}.",
                "productId": f"00000000-0000-0000-0000-{title.title_id:012x}",
                "achievementType": "Persistent",
                "participationType": "Individual",
                "timeWindow": None,
                "rewards": [
                    {
                        "name": None,
                        "description": None,
                        "value": "10",
                        "type": "Gamerscore",
                        "mediaAsset": None,
                        "valueType": "Int",
                    }
                ],
                "estimatedTime": "00:00:00",
                "deeplink": "",
                "isRevoked": False,
                "rarity": {
                    "currentCategory": "Common",
                    "currentPercentage": round(rng.uniform(0.5, 90.0), 2),
                },
            }
        )
    return entries


def _json(status: int, payload: Any) -> Answer:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return status, body, {"Content-Type": "application/json; charset=utf-8"}


def main(argv: list[str] | None = None) -> None:
    """Run a fake OpenXBL for the demo mode or manual testing until Ctrl-C."""
    parser = argparse.ArgumentParser(description="Serve a fake OpenXBL (xbl.io).")
    parser.add_argument("--games", type=int, default=120)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    world = generate_xbox_world(args.games, seed=args.seed)
    fake = FakeXbox(world, host=args.host, port=args.port, timeout_seconds=10.0)
    fake.start()
    out = sys.stdout
    out.write(f"Fake OpenXBL serving {args.games} games at {fake.url}\n")
    out.write(f"  XBOX_OPENXBL_URL={fake.url}\n")
    out.write(f"  API key to paste: {world.api_key}\n")
    out.write("Press Ctrl-C to stop.\n")
    out.flush()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
