"""A real HTTP server that speaks Epic's account, library and catalogue shapes on one loopback
port, for tests, the contract suite and the demo mode.

It keeps real OAuth state: authorization codes work once, access tokens can expire or be
revoked, and every refresh *rotates* the refresh token (the old one dies at once), so a client
that forgets to save the new set breaks here as it would against Epic. Error bodies quote the
refused token, as Epic's do, so a client that repeats a body in its messages leaks here too.
Shapes follow docs/integrations/epic.md; nothing here imports Game Djinn code.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import secrets
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from platforms.fakes import LoopbackFake

# The Epic launcher's public OAuth client, the one every Epic tool signs in as.
CLIENT_ID = "34a02cf8f4414e29b15921876da36f9a"
CLIENT_SECRET = "daafbccc737745039dffe53d94fc76cf"
TOKEN_LIFETIME = 7200
REFRESH_LIFETIME = 1_987_200
ITEMS_PER_PAGE = 100
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
_LIBRARY_PATHS = ("/library/", "/catalog/")

# --- the world ----------------------------------------------------------------------------------


@dataclass
class EpicItem:
    """One owned catalogue item (a game or a DLC) and what the account did with it."""

    app_name: str
    namespace: str
    catalog_item_id: str
    title: str
    is_dlc: bool = False
    main_game: EpicItem | None = None  # for DLC: the base game's item
    seconds_played: int | None = None  # None: no playtime row at all
    acquired: str = "2021-06-10T14:26:48.383Z"
    developer: str = ""
    publisher: str = ""
    description: str = ""
    released: str = "2020-01-01T00:00:00.000Z"
    platforms: tuple[str, ...] = ("Windows",)
    third_party: str = ""  # "Uplay" / "Origin": a title played through another launcher
    image_hash: str = ""
    in_catalog: bool = True  # False: delisted, the catalogue no longer answers for it


@dataclass
class EpicWorld:
    account_id: str
    display_name: str
    items: list[EpicItem] = field(default_factory=list)
    # Records a client must leave out: an Unreal Engine asset, a developer's private sandbox,
    # a subscription record without an app.
    noise: list[dict[str, Any]] = field(default_factory=list)

    def by_catalog_id(self, namespace: str, catalog_id: str) -> EpicItem | None:
        for item in self.items:
            if item.namespace == namespace and item.catalog_item_id == catalog_id:
                return item
            main = item.main_game
            if main and main.namespace == namespace and main.catalog_item_id == catalog_id:
                return main
        return None


_CODENAMES = (
    "Sugar", "Kinglet", "Fennec", "Heron", "Osprey", "Marigold", "Puffin", "Catnip", "Quail",
    "Wren", "Juniper", "Lynx", "Petrel", "Moth", "Saffron", "Tansy", "Vireo", "Yarrow",
)  # fmt: skip
_WORDS = (
    "Alan", "Wake", "Control", "Hades", "Celeste", "Outer", "Wilds", "Borderlands", "Horizon",
    "Death", "Stranding", "Satisfactory", "Tunic", "Inscryption", "Kena", "Bridge", "Spirits",
)  # fmt: skip
_SPECIAL_TITLES = (
    "Ōkami Café: L'Été Meurtrier",
    "ＦＵＬＬ　ＷＩＤＴＨ Ｑｕｅｓｔ",  # noqa: RUF001 - full-width titles are the point
    "Assassin's Creed® Valhalla™",
    "🎮 Controller Quest 🐉 — Deluxe",
    "東方紅魔郷 ～ the Embodiment of Scarlet Devil",  # noqa: RUF001
)
_STUDIOS = ("Remedy", "Supergiant Games", "Gearbox", "Mobius Digital", "Ubisoft", "EA")


def _hex(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def _long_title(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(60)]
    return ("The Extraordinarily Long Saga of " + " ".join(words))[:320]


def generate_epic_world(n: int, seed: int = 7) -> EpicWorld:
    """A deterministic account owning ``n`` games (plus DLC for about one in ten), with Unicode
    and 300+-character titles, codename and hex app names, Ubisoft/EA-launched titles, a
    delisted game, games never played, and the noise records a client must skip."""
    rng = random.Random(seed)
    world = EpicWorld(account_id=_hex(rng), display_name="djinn_demo")
    for index in range(n):
        if index < len(_SPECIAL_TITLES):
            title = _SPECIAL_TITLES[index]
        elif index == len(_SPECIAL_TITLES):
            title = _long_title(rng)
        else:
            title = f"{rng.choice(_WORDS)} {rng.choice(_WORDS)} {index}"
        game = _item(rng, index, title)
        if index == 2:
            game.third_party = "Uplay"
        elif index == 7:
            game.third_party = "Origin"
        if index == 9:
            game.in_catalog = False
        world.items.append(game)
        if rng.random() < 0.1:
            world.items.append(_dlc(rng, game, f"{title} - Season Pass"))
    if n > 12:  # a DLC whose base game the account does not own
        base = _item(rng, n + 1, "An Unowned Base Game")
        world.items.append(_dlc(rng, base, "An Unowned Base Game - Expansion"))
    world.noise = _noise(rng)
    return world


def _item(rng: random.Random, index: int, title: str) -> EpicItem:
    app_name = (
        f"{rng.choice(_CODENAMES)}{index}" if rng.random() < 0.6 else _hex(rng)
    )  # real app names are codenames or 32 hex characters
    played = rng.random() < 0.6
    return EpicItem(
        app_name=app_name,
        namespace=_hex(rng),
        catalog_item_id=_hex(rng),
        title=title,
        seconds_played=rng.randint(0, 400_000) if played else None,
        acquired=f"20{rng.randint(18, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        f"T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00.000Z",
        developer=rng.choice(_STUDIOS),
        publisher=rng.choice(_STUDIOS),
        description=f"{title}: a game worth its place on the shelf.",
        released=f"{rng.randint(2012, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        "T15:00:00.000Z",
        platforms=("Windows", "Mac")[: rng.randint(1, 2)],
        image_hash=_hex(rng),
    )


def _dlc(rng: random.Random, game: EpicItem, title: str) -> EpicItem:
    dlc = _item(rng, 0, title)
    dlc.app_name = _hex(rng)
    dlc.namespace = game.namespace  # a DLC lives in its game's namespace
    dlc.is_dlc = True
    dlc.main_game = game
    dlc.seconds_played = None
    return dlc


def _noise(rng: random.Random) -> list[dict[str, Any]]:
    return [
        {
            "namespace": "ue",
            "catalogItemId": _hex(rng),
            "appName": "UE_Marketplace_Asset",
            "productId": _hex(rng),
            "sandboxName": "Unreal Engine Marketplace",
            "sandboxType": "PUBLIC",
            "recordType": "APPLICATION",
            "acquisitionDate": "2022-02-02T10:00:00.000Z",
            "dependencies": [],
        },
        {
            "namespace": _hex(rng),
            "catalogItemId": _hex(rng),
            "appName": "PrivateBuild",
            "productId": _hex(rng),
            "sandboxName": "Dev sandbox",
            "sandboxType": "PRIVATE",
            "recordType": "APPLICATION",
            "acquisitionDate": "2022-02-02T10:00:00.000Z",
            "dependencies": [],
        },
        {
            "namespace": "fn",
            "catalogItemId": _hex(rng),
            "productId": "prod-fn",
            "sandboxName": "Fortnite",
            "sandboxType": "PUBLIC",
            "recordType": "SUBSCRIPTION",
            "acquisitionDate": "2020-12-03T17:30:44.370Z",
            "dependencies": [],
        },
    ]


# --- the server ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One answered request: the path without its query (no code or token is kept) and the
    serial number of the access token it carried (0 for none or an unknown one)."""

    at: float
    method: str
    path: str
    status: int
    token_serial: int


@dataclass
class _Token:
    serial: int
    expired: bool = False


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _Server

    def do_GET(self) -> None:
        self.server.fake._handle(self, b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.server.fake._handle(self, self.rfile.read(length) if length else b"")

    def log_message(self, format: str, *args: Any) -> None:
        return  # request lines carry cursors; bodies carry codes and refresh tokens


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    server_address: tuple[str, int]
    fake: FakeEpic

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # a client that timed out and hung up
        super().handle_error(request, client_address)


Answer = tuple[int, str, dict[str, str]]


class FakeEpic(LoopbackFake):
    """Serve ``world`` on 127.0.0.1; one port answers for the account, library and catalogue
    services (and for the sign-in pages that hand out codes)."""

    handler = _Handler
    server_class = _Server

    def __init__(
        self,
        world: EpicWorld | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        timeout_seconds: float = 1.0,
    ) -> None:
        self.world = world or generate_epic_world(40)
        self.timeout_seconds = timeout_seconds  # the client timeout settings() asks for
        self._address = (host, port)
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._codes: set[str] = set()
        self._access: dict[str, _Token] = {}
        self._refresh: set[str] = set()
        self._serials = 0
        self._failures: deque[list[Any]] = deque()  # [failure, remaining, retry_after]
        self._log: list[RequestRecord] = []
        self.refreshes = 0

    # --- the FakeStore protocol -------------------------------------------------------------

    def settings(self) -> dict[str, Any]:
        return {
            "EPIC_ACCOUNT_URL": self.url,
            "EPIC_LIBRARY_URL": self.url,
            "EPIC_CATALOG_URL": self.url,
            "EPIC_RATE_LIMIT": (10_000, 1),
            "EPIC_HTTP_TIMEOUT": self.timeout_seconds,
        }

    def connect_values(self) -> dict[str, str]:
        """The page Epic shows after signing in, copied whole, as a user would paste it."""
        return {"code": self.redirect_page()}

    def set_titles(self, titles: list[str]) -> None:
        rng = random.Random(len(titles))
        items = [_item(rng, index, title) for index, title in enumerate(titles)]
        with self._lock:
            self.world.items = items

    def fail_next(self, failure: str, *, count: int = 1, retry_after: int | None = None) -> None:
        """Answer the next ``count`` library-service and catalogue requests with ``failure``.
        The two credential failures change the sign-in state instead: expired makes every
        access token issued so far answer 401 (a refresh fixes it); revoked also kills every
        refresh token (refreshing answers 400 invalid_grant)."""
        if failure not in FAILURES:
            raise ValueError(f"unknown failure {failure!r}; one of {FAILURES}")
        with self._lock:
            if failure in ("expired_credentials", "revoked_credentials"):
                for token in self._access.values():
                    token.expired = True
                if failure == "revoked_credentials":
                    self._refresh.clear()
                return
            if failure == "rate_limited" and retry_after is None:
                retry_after = 1
            self._failures.append([failure, count, retry_after])

    # --- helpers for tests and the demo -----------------------------------------------------

    def issue_code(self) -> str:
        """A one-time authorization code, as Epic's redirect page shows it."""
        code = secrets.token_hex(16)
        with self._lock:
            self._codes.add(code)
        return code

    def redirect_page(self) -> str:
        """The JSON Epic's ``/id/api/redirect`` page shows a signed-in user, with a new code."""
        code = self.issue_code()
        return json.dumps(
            {
                "warning": "Do not share this code with any 3rd party service. It allows full "
                "access to your Epic account.",
                "redirectUrl": f"https://localhost/launcher/authorized?code={code}",
                "authorizationCode": code,
                "exchangeCode": None,
                "sid": None,
                "ssoV2Enabled": True,
            },
            separators=(",", ":"),
        )

    def token_serial(self, access_token: str) -> int:
        with self._lock:
            token = self._access.get(access_token)
            return token.serial if token else 0

    def refresh_token_valid(self, refresh_token: str) -> bool:
        with self._lock:
            return refresh_token in self._refresh

    @property
    def requests(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._log)

    # --- request handling -------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        arrived = time.monotonic()
        parts = urlsplit(handler.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        auth = handler.headers.get("Authorization", "")
        token = auth[7:] if auth.lower().startswith("bearer ") else ""
        if handler.command == "POST":
            status, text, headers = self._post(parts.path, body, auth)
        else:
            status, text, headers = self._get(parts.path, query, token)
        with self._lock:
            serial = self._access[token].serial if token in self._access else 0
            self._log.append(RequestRecord(arrived, handler.command, parts.path, status, serial))
        payload = text.encode("utf-8")
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    def _post(self, path: str, body: bytes, auth: str) -> Answer:
        if path != "/account/api/oauth/token":
            return _error(404, "errors.com.epicgames.common.not_found", "Not found", 1004)
        return self._token({k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}, auth)

    def _get(self, path: str, query: dict[str, list[str]], token: str) -> Answer:
        if path == "/id/login":
            return 302, "", {"Location": f"{self.url}/id/api/redirect"}
        if path == "/id/api/redirect":
            return 200, self.redirect_page(), {"Content-Type": "application/json; charset=utf-8"}
        if not path.startswith(_LIBRARY_PATHS):
            return _error(404, "errors.com.epicgames.common.not_found", "Not found", 1004)

        failure = self._take_failure()
        truncate = False
        if failure is not None:
            kind, retry_after = failure
            if kind in ("rate_limited", "rate_limited_no_header"):
                headers = {"Content-Type": "application/json"}
                if kind == "rate_limited":
                    headers["Retry-After"] = str(retry_after)
                body = {
                    "errorCode": "errors.com.epicgames.common.throttled",
                    "errorMessage": "Operation access is limited by throttling policy.",
                    "numericErrorCode": 1041,
                    "originatingService": "library",
                    "intent": "prod",
                }
                return 429, json.dumps(body), headers
            if kind == "server_error":
                status = random.choice((500, 502, 503))
                return status, f"<html><body><h1>{status}</h1></body></html>", {}
            if kind == "malformed":
                return _json(200, {"unexpected": [], "records": "none"})
            if kind == "timeout":
                time.sleep(self.timeout_seconds + 0.5)  # simulated hang, past the client's wait
            truncate = kind == "truncated"

        with self._lock:
            live = self._access.get(token)
            signed_in = live is not None and not live.expired
        if not signed_in:
            # Epic quotes the refused token in the message.
            return _error(
                401,
                "errors.com.epicgames.common.oauth.invalid_token",
                f"Sorry the OAuth token '{token}' is invalid",
                1014,
            )
        if path == "/library/api/public/items":
            status, text, headers = self._items(query)
        elif path.startswith("/library/api/public/playtime/account/"):
            status, text, headers = self._playtime(path)
        elif path.startswith("/catalog/api/shared/namespace/") and path.endswith("/bulk/items"):
            namespace = unquote(path.split("/")[5])
            status, text, headers = self._catalog(namespace, query.get("id", []))
        else:
            return _error(404, "errors.com.epicgames.common.not_found", "Not found", 1004)
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

    def _token(self, form: dict[str, str], auth: str) -> Answer:
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if auth.lower() != f"basic {expected}".lower():
            return _error(
                401,
                "errors.com.epicgames.account.invalid_client_credentials",
                "Sorry the client credentials you are using are invalid",
                18033,
                oauth="invalid_client",
            )
        grant = form.get("grant_type")
        with self._lock:
            if grant == "authorization_code":
                code = form.get("code", "")
                if code not in self._codes:
                    return _error(
                        400,
                        "errors.com.epicgames.account.oauth.authorization_code_not_found",
                        "Sorry the authorization code you supplied was not found. It is "
                        "possible that it was no longer valid",
                        18059,
                        oauth="invalid_grant",
                    )
                self._codes.discard(code)
            elif grant == "refresh_token":
                old = form.get("refresh_token", "")
                if old not in self._refresh:
                    return _error(
                        400,
                        "errors.com.epicgames.account.auth_token.invalid_refresh_token",
                        f"Sorry the refresh token '{old}' is invalid",
                        18036,
                        oauth="invalid_grant",
                    )
                self._refresh.discard(old)  # rotation: the old refresh token dies here
                self.refreshes += 1
            else:
                return _error(
                    400,
                    "errors.com.epicgames.common.oauth.unsupported_grant_type",
                    f"Unsupported grant type: {grant}",
                    1016,
                    oauth="unsupported_grant_type",
                )
            self._serials += 1
            access = "eg1~" + secrets.token_urlsafe(96)
            refresh = "eg1~" + secrets.token_urlsafe(64)
            self._access[access] = _Token(self._serials)
            self._refresh.add(refresh)
        now = datetime.now(UTC)
        return _json(
            200,
            {
                "access_token": access,
                "expires_in": TOKEN_LIFETIME,
                "expires_at": _stamp(now + timedelta(seconds=TOKEN_LIFETIME)),
                "token_type": "bearer",
                "refresh_token": refresh,
                "refresh_expires": REFRESH_LIFETIME,
                "refresh_expires_at": _stamp(now + timedelta(seconds=REFRESH_LIFETIME)),
                "account_id": self.world.account_id,
                "client_id": CLIENT_ID,
                "internal_client": True,
                "client_service": "launcher",
                "displayName": self.world.display_name,
                "app": "launcher",
                "in_app_id": self.world.account_id,
                "product_id": "prod-fn",
                "application_id": "fghi4567FNFBKFz3E4TROb0bmPS8h1GW",
            },
        )

    def _records(self) -> list[dict[str, Any]]:
        with self._lock:
            items, noise = list(self.world.items), list(self.world.noise)
        records = [
            {
                "namespace": item.namespace,
                "catalogItemId": item.catalog_item_id,
                "appName": item.app_name,
                "productId": item.namespace,
                # Real sandbox names are usually the product's name; a distinct one here shows
                # whether a client took its titles from the catalogue.
                "sandboxName": f"{(item.main_game or item).app_name} Live",
                "sandboxType": "PUBLIC",
                "recordType": "APPLICATION",
                "acquisitionDate": item.acquired,
                "dependencies": [],
            }
            for item in items
        ]
        return records + noise

    def _items(self, query: dict[str, list[str]]) -> Answer:
        records = self._records()
        cursor = (query.get("cursor") or [""])[0]
        offset = 0
        if cursor:
            try:
                offset = int(json.loads(base64.b64decode(cursor))["offset"])
            except (ValueError, KeyError, TypeError):
                return _error(
                    400, "errors.com.epicgames.library.invalid_cursor", "Invalid cursor", 1001
                )
        page = records[offset : offset + ITEMS_PER_PAGE]
        metadata: dict[str, Any] = {"stateToken": "aa000214-01b3-460f-b971-a684b6588291"}
        if offset + ITEMS_PER_PAGE < len(records):
            following = json.dumps({"offset": offset + ITEMS_PER_PAGE}, separators=(",", ":"))
            metadata["nextCursor"] = base64.b64encode(following.encode()).decode()
        return _json(200, {"responseMetadata": metadata, "records": page})

    def _playtime(self, path: str) -> Answer:
        account = unquote(path.split("/")[6])
        if account != self.world.account_id or not path.endswith("/all"):
            return _error(
                403,
                "errors.com.epicgames.common.missing_permission",
                "Sorry your login does not posses the permissions to read this account",
                1023,
            )
        with self._lock:
            items = list(self.world.items)
        rows = [
            {
                "accountId": self.world.account_id,
                "artifactId": item.app_name,
                "totalTime": item.seconds_played,
            }
            for item in items
            if item.seconds_played is not None
        ]
        return _json(200, rows)

    def _catalog(self, namespace: str, ids: list[str]) -> Answer:
        answer: dict[str, Any] = {}
        with self._lock:
            for catalog_id in ids:
                item = self.world.by_catalog_id(namespace, catalog_id)
                if item is not None and item.in_catalog:
                    answer[catalog_id] = _catalog_entry(item, self.world)
        return _json(200, answer)


def _catalog_entry(item: EpicItem, world: EpicWorld, *, nested: bool = False) -> dict[str, Any]:
    base = f"https://cdn1.epicgames.com/offer/{item.namespace}/{item.image_hash}"
    categories = [{"path": "addons"}, {"path": "addons/durable"}] if item.is_dlc else []
    if not item.is_dlc:
        categories = [{"path": "games"}, {"path": "applications"}]
    attributes: dict[str, Any] = {
        "CanRunOffline": {"type": "STRING", "value": "true"},
        "FolderName": {"type": "STRING", "value": item.app_name},
        "developerName": {"type": "STRING", "value": item.developer},
        "publisherName": {"type": "STRING", "value": item.publisher},
    }
    if item.third_party:
        attributes["ThirdPartyManagedApp"] = {"type": "STRING", "value": item.third_party}
        attributes["partnerLinkType"] = {"type": "STRING", "value": item.third_party.lower()}
    entry: dict[str, Any] = {
        "id": item.catalog_item_id,
        "title": item.title,
        "description": item.description,
        "keyImages": [
            {
                "type": kind,
                "url": f"{base}_{kind}.jpg",
                "md5": item.image_hash,
                "width": width,
                "height": height,
                "size": 123456,
                "uploadedDate": "2021-06-10T14:26:48.383Z",
            }
            for kind, width, height in (
                ("DieselGameBoxTall", 1200, 1600),
                ("DieselGameBox", 2560, 1440),
                ("Thumbnail", 400, 533),
                ("DieselStoreFrontWide", 2560, 1440),
            )
        ],
        "categories": categories,
        "namespace": item.namespace,
        "status": "ACTIVE",
        "creationDate": item.released,
        "lastModifiedDate": "2024-05-01T09:00:00.000Z",
        "customAttributes": attributes,
        "entitlementName": item.catalog_item_id,
        "entitlementType": "EXECUTABLE",
        "itemType": "DURABLE",
        "releaseInfo": [
            {
                "id": item.catalog_item_id[:16],
                "appId": item.app_name,
                "platform": list(item.platforms),
                "dateAdded": item.released,
            }
        ],
        "developer": item.developer,
        "developerId": item.namespace[:24],
        "eulaIds": [],
        "endOfSupport": False,
        "mainGameItemList": [],
        "ageGatings": {},
        "applicationId": item.namespace[:24],
        "requiresSecureAccount": False,
        "unsearchable": False,
    }
    if item.is_dlc and item.main_game is not None and not nested:
        entry["mainGameItem"] = _catalog_entry(item.main_game, world, nested=True)
    if not item.is_dlc and not nested:
        entry["dlcItemList"] = [
            _catalog_entry(dlc, world, nested=True) for dlc in world.items if dlc.main_game is item
        ]
    return entry


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _json(status: int, payload: Any) -> Answer:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return status, body, {"Content-Type": "application/json; charset=utf-8"}


def _error(status: int, code: str, message: str, numeric: int, *, oauth: str = "") -> Answer:
    body: dict[str, Any] = {
        "errorCode": code,
        "errorMessage": message,
        "messageVars": [],
        "numericErrorCode": numeric,
        "originatingService": "com.epicgames.account.public",
        "intent": "prod",
    }
    if oauth:
        body |= {"error_description": message, "error": oauth}
    return _json(status, body)


def main(argv: list[str] | None = None) -> None:
    """Run a fake Epic for the demo mode or manual testing until Ctrl-C."""
    parser = argparse.ArgumentParser(description="Serve a fake Epic (account, library, catalog).")
    parser.add_argument("--games", type=int, default=120)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    fake = FakeEpic(generate_epic_world(args.games, seed=args.seed), host=args.host, port=args.port)
    fake.timeout_seconds = 15.0
    fake.start()
    out = sys.stdout
    out.write(f"Fake Epic serving {args.games} games at {fake.url}\n")
    for name in ("EPIC_ACCOUNT_URL", "EPIC_LIBRARY_URL", "EPIC_CATALOG_URL"):
        out.write(f"  {name}={fake.url}\n")
    out.write(f"  sign in (shows a page with a new code): {fake.url}/id/login\n")
    out.write(f"  or paste this one-time code: {fake.issue_code()}\n")
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
