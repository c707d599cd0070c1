"""A real HTTP server that speaks PSN's sign-in (ca.account.sony.com) and API
(m.np.playstation.com) shapes on one loopback port, for tests, the contract suite and the demo.

It keeps real sign-in state: an NPSSO buys one-time codes through the ``authorize`` redirect,
codes buy access tokens (an hour) and a refresh token whose life is bounded by the NPSSO's, and
both can expire or be revoked. Shapes follow docs/integrations/playstation.md; nothing here
imports Game Djinn code.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import secrets
import string
import sys
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from platforms.fakes import LoopbackFake

# The PlayStation Android app's public OAuth client, the one every PSN tool signs in as.
CLIENT_ID = "09515159-7237-4370-9b40-3806e67c0891"
BASIC_AUTH = "MDk1MTUxNTktNzIzNy00MzcwLTliNDAtMzgwNmU2N2MwODkxOnVjUGprYTV0bnRCMktxc1A="
REDIRECT_URI = "com.scee.psxandroid.scecompcall://redirect"
ACCESS_LIFETIME = 3599
NPSSO_LIFETIME = 60 * 86400  # community code: about two months (unverified)
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
_LIBRARY_PATHS = ("/api/gamelist/", "/api/trophy/", "/api/userProfile/")
_TROPHY_TYPES = ("bronze", "silver", "gold", "platinum")

# --- the world ----------------------------------------------------------------------------------


@dataclass
class PsnTrophySet:
    np_id: str  # NPWR12345_00
    name: str
    platforms: str  # "PS5", "PS4", "PS3", "PSVITA", "PS3,PSVITA", "PSP"
    trophies: int  # how many the set defines
    earned: int  # how many of them (the first ones) the account earned
    last_updated: str
    icon_hash: str

    @property
    def service(self) -> str:
        return "trophy2" if "PS5" in self.platforms.split(",") else "trophy"


@dataclass
class PsnTitle:
    title_id: str  # CUSA01433_00 (PS4) or PPSA01234_00 (PS5)
    name: str
    category: str  # "ps4_game" | "ps5_native_game"
    concept_id: int
    play_count: int
    first_played: str
    last_played: str
    duration: str  # ISO 8601, e.g. "PT12H34M56S"
    image_hash: str
    np_id: str | None = None  # its trophy set, when it has one


@dataclass
class PsnWorld:
    account_id: str
    online_id: str
    avatar_hash: str
    titles: list[PsnTitle] = field(default_factory=list)
    trophy_sets: list[PsnTrophySet] = field(default_factory=list)

    def trophy_set(self, np_id: str) -> PsnTrophySet | None:
        return next((s for s in self.trophy_sets if s.np_id == np_id), None)


_WORDS = (
    "Horizon", "Ratchet", "Clank", "Uncharted", "Gravity", "Rush", "Bloodborne", "Astro",
    "Demon", "Souls", "Returnal", "Sackboy", "Tearaway", "Ghost", "Knack", "Killzone",
    "Infamous", "Wipeout", "Journey", "Flower", "Dreams", "Shadow", "Colossus", "Ico",
)  # fmt: skip
_SPECIAL_TITLES = (
    "Marvel's Spider-Man 2",
    "ＦＵＬＬ　ＷＩＤＴＨ Ｑｕｅｓｔ",  # noqa: RUF001 - full-width titles are the point
    "Ratchet & Clank™: Rift Apart",
    "🎮 Controller Quest 🐉 — Deluxe",
    "東方紅魔郷 ～ the Embodiment of Scarlet Devil",  # noqa: RUF001
    "Ōkami HD: L'Été Meurtrier",
)
_LEGACY_PLATFORMS = ("PS3", "PS3", "PSVITA", "PS3,PSVITA", "PSP")


def _moment(rng: random.Random) -> str:
    return (
        f"20{rng.randint(14, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T"
        f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d}Z"
    )


def _duration(rng: random.Random) -> str:
    seconds = rng.randint(0, 400 * 3600)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = "PT"
    if hours:
        text += f"{hours}H"
    if minutes:
        text += f"{minutes}M"
    if secs or text == "PT":
        text += f"{secs}S"
    return text


def generate_playstation_world(n: int, seed: int = 7) -> PsnWorld:
    """A deterministic account with ``n`` titles: about seven in eight played PS4/PS5 titles
    (most with a trophy set, a few under a different trophy-list name so only the mapping
    endpoint ties them, some PS4/PS5 pairs of one game) and the rest PS3/Vita/PSP trophy-only
    titles; Unicode and 300+-character names among them."""
    rng = random.Random(seed)
    world = PsnWorld(
        account_id=str(6_000_000_000_000_000_000 + rng.randrange(10**18)),
        online_id="djinn_demo",
        avatar_hash=f"{rng.getrandbits(128):032x}",
    )
    legacy = n // 8
    played = n - legacy
    np_serial = 10_000
    for index in range(played):
        if index < len(_SPECIAL_TITLES):
            name = _SPECIAL_TITLES[index]
        elif index == len(_SPECIAL_TITLES):
            name = "The Extraordinarily Long Chronicle of " + " ".join(
                rng.choice(_WORDS) for _ in range(60)
            )
            name = name[:320]
        else:
            name = f"{rng.choice(_WORDS)} {rng.choice(_WORDS)} {index}"
        ps5 = rng.random() < 0.4
        title = PsnTitle(
            title_id=f"{'PPSA' if ps5 else 'CUSA'}{10_000 + index:05d}_00",
            name=name,
            category="ps5_native_game" if ps5 else "ps4_game",
            concept_id=10_000_000 + index,
            play_count=rng.randint(1, 300),
            first_played=_moment(rng),
            last_played=_moment(rng),
            duration=_duration(rng),
            image_hash=f"{rng.getrandbits(128):032x}",
        )
        world.titles.append(title)
        if rng.random() < 0.9:
            np_serial += 1
            renamed = rng.random() < 0.05
            trophy_set = PsnTrophySet(
                np_id=f"NPWR{np_serial:05d}_00",
                name=f"{name} Trophies" if not renamed else f"{name} (Trophy Set {index})",
                platforms="PS5" if ps5 else "PS4",
                trophies=rng.randint(10, 60),
                earned=0,
                last_updated=title.last_played,
                icon_hash=f"{rng.getrandbits(128):032x}",
            )
            trophy_set.earned = rng.randint(0, trophy_set.trophies)
            world.trophy_sets.append(trophy_set)
            title.np_id = trophy_set.np_id
    for index in range(legacy):
        np_serial += 1
        world.trophy_sets.append(
            PsnTrophySet(
                np_id=f"NPWR{np_serial:05d}_00",
                name=f"{rng.choice(_WORDS)} Classic {index}",
                platforms=rng.choice(_LEGACY_PLATFORMS),
                trophies=rng.randint(5, 50),
                earned=rng.randint(0, 5),
                last_updated=_moment(rng),
                icon_hash=f"{rng.getrandbits(128):032x}",
            )
        )
    return world


def _trophy(np_id: str, number: int) -> dict[str, Any]:
    """Trophy ``number`` of a set, derived from the set's id (no storage for 100k trophies)."""
    rng = random.Random(f"{np_id}:{number}")
    kind = "platinum" if number == 0 else rng.choice(_TROPHY_TYPES[:3])
    return {
        "trophyId": number,
        "trophyHidden": rng.random() < 0.1,
        "trophyType": kind,
        "trophyName": f"Trophy {number}: {rng.choice(_WORDS)}",
        "trophyDetail": f"Do the {rng.choice(_WORDS).lower()} thing.",
        "trophyIconUrl": f"https://image.api.playstation.com/trophy/np/{np_id}/{number}.PNG",
        "trophyGroupId": "default" if number < 40 else "001",
    }


# --- the server ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One answered request: the path without its query (no code or token is kept)."""

    at: float
    path: str
    status: int


@dataclass
class _Access:
    expired: bool = False


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _Server

    def do_GET(self) -> None:
        self.server.fake._handle(self, "GET")

    def do_POST(self) -> None:
        self.server.fake._handle(self, "POST")

    def log_message(self, format: str, *args: Any) -> None:
        return  # request lines carry codes; headers carry the NPSSO


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    server_address: tuple[str, int]
    fake: FakePlayStation

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # a client that timed out and hung up
        super().handle_error(request, client_address)


Answer = tuple[int, str, dict[str, str]]


class FakePlayStation(LoopbackFake):
    """Serve ``world`` on 127.0.0.1; one port answers for the sign-in and the API hosts."""

    handler = _Handler
    server_class = _Server

    def __init__(
        self,
        world: PsnWorld | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        timeout_seconds: float = 1.0,
    ) -> None:
        self.world = world or generate_playstation_world(40)
        self.timeout_seconds = timeout_seconds  # the client timeout settings() asks for
        # Seconds an NPSSO issued from now on stays valid; refresh tokens never outlive it.
        self.npsso_lifetime = NPSSO_LIFETIME
        self._address = (host, port)
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._npsso: dict[str, float] = {}  # NPSSO -> wall-clock expiry
        self._codes: dict[str, str] = {}  # one-time code -> the NPSSO that bought it
        self._access: dict[str, _Access] = {}
        self._refresh: dict[str, tuple[float, str]] = {}  # token -> (expiry, its NPSSO)
        self._failures: deque[list[Any]] = deque()  # [failure, remaining, retry_after]
        self._log: list[RequestRecord] = []
        self.refreshes = 0
        self.mapping_requests = 0

    # --- the FakeStore protocol -------------------------------------------------------------

    def settings(self) -> dict[str, Any]:
        return {
            "PLAYSTATION_AUTH_URL": self.url,
            "PLAYSTATION_API_URL": self.url,
            "PLAYSTATION_RATE_LIMIT": (10_000, 1),
            "PLAYSTATION_HTTP_TIMEOUT": self.timeout_seconds,
        }

    def connect_values(self) -> dict[str, str]:
        """A fresh NPSSO, as the user copies it from the ssocookie page."""
        return {"npsso": self.issue_npsso()}

    def set_titles(self, titles: list[str]) -> None:
        """The account played exactly these titles: all but the last on PS4/PS5 with a trophy
        set of the same name, the last a PS3 trophy-only title."""
        rng = random.Random(len(titles))
        world = PsnWorld(self.world.account_id, self.world.online_id, self.world.avatar_hash)
        for index, name in enumerate(titles):
            np_id = f"NPWR{50_000 + index:05d}_00"
            legacy = index == len(titles) - 1 and len(titles) > 1
            moment = _moment(rng)
            world.trophy_sets.append(
                PsnTrophySet(np_id, name, "PS3" if legacy else "PS5", 12, 3, moment, "ab" * 16)
            )
            if not legacy:
                world.titles.append(
                    PsnTitle(
                        title_id=f"PPSA{20_000 + index:05d}_00",
                        name=name,
                        category="ps5_native_game",
                        concept_id=20_000_000 + index,
                        play_count=3,
                        first_played=moment,
                        last_played=moment,
                        duration=_duration(rng),
                        image_hash="cd" * 16,
                        np_id=np_id,
                    )
                )
        with self._lock:
            self.world = world

    def fail_next(self, failure: str, *, count: int = 1, retry_after: int | None = None) -> None:
        """Answer the next ``count`` API requests with ``failure``. The credential failures
        change the sign-in state instead: ``expired_credentials`` is the whole session running
        out (every NPSSO, access and refresh token expired); ``revoked_credentials`` is the
        owner signing out everywhere (every NPSSO and token revoked)."""
        if failure not in FAILURES:
            raise ValueError(f"unknown failure {failure!r}; one of {FAILURES}")
        with self._lock:
            if failure in ("expired_credentials", "revoked_credentials"):
                for token in self._access.values():
                    token.expired = True
                if failure == "expired_credentials":
                    now = time.time()
                    self._npsso = {k: now - 1 for k in self._npsso}
                    self._refresh = {k: (now - 1, n) for k, (_, n) in self._refresh.items()}
                else:
                    self._npsso.clear()
                    self._refresh.clear()
                return
            if failure == "rate_limited" and retry_after is None:
                retry_after = 1
            self._failures.append([failure, count, retry_after])

    # --- helpers for tests and the demo -----------------------------------------------------

    def issue_npsso(self) -> str:
        """A new signed-in session's NPSSO (64 letters and digits)."""
        alphabet = string.ascii_letters + string.digits
        npsso = "".join(secrets.choice(alphabet) for _ in range(64))
        with self._lock:
            self._npsso[npsso] = time.time() + self.npsso_lifetime
        return npsso

    def expire_access_tokens(self) -> None:
        """Every access token issued so far answers 401 (a refresh fixes it)."""
        with self._lock:
            for token in self._access.values():
                token.expired = True

    def revoke_refresh_tokens(self) -> None:
        """Sony refuses every refresh token issued so far; the NPSSOs still work."""
        with self._lock:
            for token in self._access.values():
                token.expired = True
            self._refresh.clear()

    def expire_npsso(self) -> None:
        """Every NPSSO issued so far has run out (tokens already issued keep working)."""
        with self._lock:
            now = time.time()
            self._npsso = {k: now - 1 for k in self._npsso}

    @property
    def requests(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._log)

    # --- request handling -------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        arrived = time.monotonic()
        parts = urlsplit(handler.path)
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        if method == "POST":
            length = int(handler.headers.get("Content-Length") or 0)
            raw = handler.rfile.read(length).decode("utf-8", "replace")
            query |= {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
        status, body, headers = self._answer(method, parts.path, query, handler.headers)
        with self._lock:
            self._log.append(RequestRecord(arrived, parts.path, status))
        payload = body.encode("utf-8")
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    def _answer(self, method: str, path: str, query: dict[str, str], headers: Any) -> Answer:
        if path == "/api/v1/ssocookie":
            return self._ssocookie(headers)
        if path == "/api/authz/v3/oauth/authorize" and method == "GET":
            return self._authorize(query, headers)
        if path == "/api/authz/v3/oauth/token" and method == "POST":
            return self._token(query, headers)
        if not path.startswith(_LIBRARY_PATHS) or method != "GET":
            return _api_error(404, 2240525, "Resource not found")

        failure = self._take_failure()
        truncate = False
        if failure is not None:
            kind, retry_after = failure
            if kind in ("rate_limited", "rate_limited_no_header"):
                extra = {"Retry-After": str(retry_after)} if kind == "rate_limited" else {}
                status, body, answer_headers = _api_error(429, 2241410, "Too many requests")
                return status, body, answer_headers | extra
            if kind == "server_error":
                status = random.choice((500, 502, 503))
                return status, f"<html><body><h1>{status}</h1></body></html>", {}
            if kind == "malformed":
                return _json(200, {"unexpected": [], "titles": "none", "trophyTitles": 7})
            if kind == "timeout":
                time.sleep(self.timeout_seconds + 0.5)  # simulated hang, past the client's wait
            truncate = kind == "truncated"

        bearer = str(headers.get("Authorization") or "")
        token = bearer[7:] if bearer.lower().startswith("bearer ") else ""
        with self._lock:
            live = self._access.get(token)
            signed_in = live is not None and not live.expired
        if not signed_in:
            return _api_error(401, 2241401, "Invalid token")
        status, body, answer_headers = self._api(path, query)
        if truncate and status == 200:
            body = body[: max(1, len(body) // 2)]
        return status, body, answer_headers

    def _take_failure(self) -> tuple[str, int | None] | None:
        with self._lock:
            if not self._failures:
                return None
            entry = self._failures[0]
            entry[1] -= 1
            if entry[1] <= 0:
                self._failures.popleft()
            return entry[0], entry[2]

    # --- sign-in ----------------------------------------------------------------------------

    def _npsso_of(self, headers: Any) -> str | None:
        cookies = str(headers.get("Cookie") or "")
        for part in cookies.split(";"):
            name, _, value = part.strip().partition("=")
            if name == "npsso":
                with self._lock:
                    expiry = self._npsso.get(value)
                return value if expiry is not None and expiry > time.time() else None
        return None

    def _ssocookie(self, headers: Any) -> Answer:
        npsso = self._npsso_of(headers) or self.issue_npsso()
        return _json(200, {"npsso": npsso})

    def _authorize(self, query: dict[str, str], headers: Any) -> Answer:
        if query.get("client_id") != CLIENT_ID or query.get("redirect_uri") != REDIRECT_URI:
            return _json(400, {"error": "invalid_client", "error_code": 4102})
        cid = str(uuid.uuid4())
        npsso = self._npsso_of(headers)
        if npsso is None:
            failed = urlencode(
                {
                    "error": "login_required",
                    "error_code": "4165",
                    "error_description": "Sign in",
                    "no_captcha": "false",
                    "cid": cid,
                }
            )
            return 302, "", {"Location": f"{REDIRECT_URI}/?{failed}"}
        code = "v3." + secrets.token_urlsafe(8)[:6]
        with self._lock:
            self._codes[code] = npsso
        return 302, "", {"Location": f"{REDIRECT_URI}/?{urlencode({'code': code, 'cid': cid})}"}

    def _token(self, form: dict[str, str], headers: Any) -> Answer:
        if str(headers.get("Authorization") or "") != f"Basic {BASIC_AUTH}":
            return _json(401, {"error": "invalid_client", "error_code": 4102})
        grant = form.get("grant_type")
        now = time.time()
        with self._lock:
            if grant == "authorization_code":
                npsso = self._codes.pop(form.get("code", ""), None)
                if npsso is None or form.get("redirect_uri") != REDIRECT_URI:
                    return _invalid_grant("Invalid authorization code", 4156)
                refresh = secrets.token_urlsafe(40)
                ends = min(now + NPSSO_LIFETIME, self._npsso.get(npsso, now))
                self._refresh[refresh] = (ends, npsso)
            elif grant == "refresh_token":
                refresh = form.get("refresh_token", "")
                known = self._refresh.get(refresh)
                if known is None:
                    return _invalid_grant("Invalid refresh token", 4159)
                if known[0] <= now:
                    return _invalid_grant("Expired refresh token", 4159)
                ends = known[0]
                self.refreshes += 1
            else:
                return _json(400, {"error": "unsupported_grant_type", "error_code": 4101})
            access = secrets.token_urlsafe(48)
            self._access[access] = _Access()
        id_token = base64.urlsafe_b64encode(b'{"alg":"none"}').decode().rstrip("=")
        return _json(
            200,
            {
                "access_token": access,
                "token_type": "bearer",
                "expires_in": ACCESS_LIFETIME,
                "scope": "psn:mobile.v2.core psn:clientapp",
                "id_token": f"{id_token}.e30.",
                "refresh_token": refresh,
                "refresh_token_expires_in": max(0, int(ends - now)),
            },
        )

    # --- the API ----------------------------------------------------------------------------

    def _api(self, path: str, query: dict[str, str]) -> Answer:
        world = self.world
        me = ("me", world.account_id)
        parts = [unquote(p) for p in path.strip("/").split("/")]
        if parts[:4] == ["api", "trophy", "v1", "users"] and len(parts) >= 6:
            if parts[4] not in me:
                return _api_error(403, 2240526, "Not permitted by access control")
            rest = parts[5:]
            if rest == ["trophySummary"]:
                return self._summary()
            if rest == ["trophyTitles"]:
                return self._trophy_titles(query)
            if rest == ["titles", "trophyTitles"]:
                return self._mapping(query)
            if (
                len(rest) == 5
                and rest[0] == "npCommunicationIds"
                and rest[2:4]
                == [
                    "trophyGroups",
                    "all",
                ]
            ):
                return self._trophies(rest[1], query, earned=True)
        if parts[:4] == ["api", "trophy", "v1", "npCommunicationIds"] and len(parts) == 8:
            return self._trophies(parts[4], query, earned=False)
        if parts[:5] == ["api", "userProfile", "v1", "internal", "users"] and len(parts) == 7:
            if parts[5] not in me or parts[6] != "profiles":
                return _api_error(404, 2240525, "Resource not found")
            return self._profile()
        if parts[:4] == ["api", "gamelist", "v2", "users"] and parts[4:] in (
            [who, "titles"] for who in me
        ):
            return self._played(query)
        return _api_error(404, 2240525, "Resource not found")

    def _summary(self) -> Answer:
        sets = self.world.trophy_sets
        earned = {kind: 0 for kind in _TROPHY_TYPES}
        for trophy_set in sets:
            for number in range(trophy_set.earned):
                earned[_trophy(trophy_set.np_id, number)["trophyType"]] += 1
        return _json(
            200,
            {
                "accountId": self.world.account_id,
                "trophyLevel": 100 + len(sets),
                "progress": 42,
                "tier": 2,
                "earnedTrophies": earned,
            },
        )

    def _profile(self) -> Answer:
        base = (
            f"https://static-resource.np.community.playstation.net/avatar/{self.world.avatar_hash}"
        )
        return _json(
            200,
            {
                "onlineId": self.world.online_id,
                "aboutMe": "",
                "avatars": [
                    {"size": size, "url": f"{base}_{size}.png"} for size in ("s", "m", "l", "xl")
                ],
                "languages": ["en-US"],
                "isPlus": False,
                "isOfficiallyVerified": False,
                "isMe": True,
            },
        )

    def _played(self, query: dict[str, str]) -> Answer:
        categories = set(query.get("categories", "ps4_game,ps5_native_game").split(","))
        titles = [t for t in self.world.titles if t.category in categories]
        offset, limit = _window(query, default_limit=100, maximum=200)
        chunk = titles[offset : offset + limit]
        following = offset + limit if offset + limit < len(titles) else None
        answer: dict[str, Any] = {
            "titles": [
                {
                    "titleId": t.title_id,
                    "name": t.name,
                    "localizedName": t.name,
                    "imageUrl": f"https://image.api.playstation.com/cdn/{t.image_hash}.png",
                    "localizedImageUrl": f"https://image.api.playstation.com/cdn/{t.image_hash}.png",
                    "category": t.category,
                    "service": "none_purchased",
                    "playCount": t.play_count,
                    "concept": {
                        "id": t.concept_id,
                        "titleIds": [t.title_id],
                        "name": t.name,
                        "media": {"audios": [], "videos": [], "images": []},
                        "genres": ["ACTION"],
                        "localizedName": {
                            "defaultLanguage": "en-US",
                            "metadata": {"en-US": t.name},
                        },
                        "country": "US",
                        "language": "en",
                    },
                    "media": {},
                    "firstPlayedDateTime": t.first_played,
                    "lastPlayedDateTime": t.last_played,
                    "playDuration": t.duration,
                }
                for t in chunk
            ],
            "previousOffset": max(0, offset - limit),
            "totalItemCount": len(titles),
        }
        if following is not None:
            answer["nextOffset"] = following
        return _json(200, answer)

    def _trophy_title_json(self, trophy_set: PsnTrophySet) -> dict[str, Any]:
        defined = {kind: 0 for kind in _TROPHY_TYPES}
        earned = {kind: 0 for kind in _TROPHY_TYPES}
        for number in range(trophy_set.trophies):
            kind = _trophy(trophy_set.np_id, number)["trophyType"]
            defined[kind] += 1
            if number < trophy_set.earned:
                earned[kind] += 1
        total = max(1, trophy_set.trophies)
        return {
            "npServiceName": trophy_set.service,
            "npCommunicationId": trophy_set.np_id,
            "trophySetVersion": "01.00",
            "trophyTitleName": trophy_set.name,
            "trophyTitleIconUrl": f"https://image.api.playstation.com/trophy/np/{trophy_set.np_id}/{trophy_set.icon_hash}.PNG",
            "trophyTitlePlatform": trophy_set.platforms,
            "hasTrophyGroups": trophy_set.trophies > 40,
            "trophyGroupCount": 2 if trophy_set.trophies > 40 else 1,
            "definedTrophies": defined,
            "progress": trophy_set.earned * 100 // total,
            "earnedTrophies": earned,
            "hiddenFlag": False,
            "lastUpdatedDateTime": trophy_set.last_updated,
        }

    def _trophy_titles(self, query: dict[str, str]) -> Answer:
        sets = sorted(self.world.trophy_sets, key=lambda s: s.last_updated, reverse=True)
        offset, limit = _window(query, default_limit=100, maximum=800)
        chunk = sets[offset : offset + limit]
        answer: dict[str, Any] = {
            "trophyTitles": [self._trophy_title_json(s) for s in chunk],
            "totalItemCount": len(sets),
        }
        if offset + limit < len(sets):
            answer["nextOffset"] = offset + limit
        if offset:
            answer["previousOffset"] = max(0, offset - limit)
        return _json(200, answer)

    def _mapping(self, query: dict[str, str]) -> Answer:
        ids = [i for i in query.get("npTitleIds", "").split(",") if i]
        if not ids or len(ids) > 5:
            return _api_error(400, 2240513, "Bad request: npTitleIds")
        with self._lock:
            self.mapping_requests += 1
        by_id = {t.title_id: t for t in self.world.titles}
        titles = []
        for title_id in ids:
            title = by_id.get(title_id)
            trophy_set = self.world.trophy_set(title.np_id) if title and title.np_id else None
            titles.append(
                {
                    "npTitleId": title_id,
                    "trophyTitles": [self._trophy_title_json(trophy_set)] if trophy_set else [],
                }
            )
        return _json(200, {"titles": titles})

    def _trophies(self, np_id: str, query: dict[str, str], *, earned: bool) -> Answer:
        trophy_set = self.world.trophy_set(np_id)
        if trophy_set is None or query.get("npServiceName") != trophy_set.service:
            return _api_error(404, 2240525, "Resource not found")
        offset, limit = _window(query, default_limit=trophy_set.trophies, maximum=1000)
        numbers = range(trophy_set.trophies)[offset : offset + limit]
        if earned:
            trophies = []
            for number in numbers:
                base = _trophy(np_id, number)
                item = {
                    "trophyId": number,
                    "trophyHidden": base["trophyHidden"],
                    "earned": number < trophy_set.earned,
                    "trophyType": base["trophyType"],
                    "trophyRare": random.Random(np_id + str(number)).randint(0, 3),
                    "trophyEarnedRate": f"{random.Random(number).uniform(1, 90):.1f}",
                }
                if number < trophy_set.earned:
                    item["earnedDateTime"] = trophy_set.last_updated
                trophies.append(item)
        else:
            trophies = [_trophy(np_id, number) for number in numbers]
        answer: dict[str, Any] = {
            "trophySetVersion": "01.00",
            "hasTrophyGroups": trophy_set.trophies > 40,
            "trophies": trophies,
            "totalItemCount": trophy_set.trophies,
        }
        if earned:
            answer["lastUpdatedDateTime"] = trophy_set.last_updated
        if offset + limit < trophy_set.trophies:
            answer["nextOffset"] = offset + limit
        return _json(200, answer)


def _window(query: dict[str, str], *, default_limit: int, maximum: int) -> tuple[int, int]:
    offset_text, limit_text = query.get("offset", "0"), query.get("limit", "")
    offset = int(offset_text) if offset_text.isdigit() else 0
    limit = int(limit_text) if limit_text.isdigit() and int(limit_text) > 0 else default_limit
    return offset, min(max(1, limit), maximum)


def _json(status: int, payload: Any) -> Answer:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return status, body, {"Content-Type": "application/json; charset=utf-8"}


def _api_error(status: int, code: int, message: str) -> Answer:
    return _json(
        status, {"error": {"referenceId": str(uuid.uuid4()), "code": code, "message": message}}
    )


def _invalid_grant(description: str, code: int) -> Answer:
    return _json(
        400,
        {
            "error": "invalid_grant",
            "error_description": description,
            "error_code": code,
            "docs": "https://auth.api.sonyentertainmentnetwork.com/docs/",
            "parameter": "refresh_token" if code == 4159 else "code",
        },
    )


def main(argv: list[str] | None = None) -> None:
    """Run a fake PSN for the demo mode or manual testing until Ctrl-C."""
    parser = argparse.ArgumentParser(description="Serve a fake PlayStation Network.")
    parser.add_argument("--titles", type=int, default=120)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    world = generate_playstation_world(args.titles, seed=args.seed)
    fake = FakePlayStation(world, host=args.host, port=args.port)
    fake.timeout_seconds = 10.0
    fake.start()
    out = sys.stdout
    out.write(f"Fake PlayStation serving {args.titles} titles at {fake.url}\n")
    for name in ("PLAYSTATION_AUTH_URL", "PLAYSTATION_API_URL"):
        out.write(f"  {name}={fake.url}\n")
    out.write(f"  NPSSO page (like Sony's ssocookie): {fake.url}/api/v1/ssocookie\n")
    out.write(f"  or paste this NPSSO: {fake.issue_npsso()}\n")
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
