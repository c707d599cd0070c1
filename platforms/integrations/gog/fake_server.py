"""A real HTTP server that speaks GOG's auth, embed, api and www shapes on one loopback port,
for tests, the contract suite and the demo mode.

It keeps real OAuth state: sign-in codes work once, access tokens can expire or be revoked, and
every refresh *rotates* the refresh token (the old one stops working), so a client that forgets
to save the new pair breaks here as it would against GOG. Shapes follow
docs/integrations/gog.md; nothing here imports Game Djinn code.
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
from urllib.parse import parse_qs, quote, unquote, urlsplit

from platforms.fakes import LoopbackFake

# GOG Galaxy's public OAuth client, the one every GOG tool signs in as.
CLIENT_ID = "46899977096215655"
CLIENT_SECRET = "9d85c43b1482497dbbce61f6e4aa173a433796eeae2ca8c5f6129f2dc4de46d9"
REDIRECT_URI = "https://embed.gog.com/on_login_success?origin=client"
TOKEN_LIFETIME = 3600
OWNED_PER_PAGE = 100
STATS_PER_PAGE = 50
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
_LIBRARY_PATHS = ("/userData.json", "/account/getFilteredProducts", "/u/")

# --- the world ----------------------------------------------------------------------------------


@dataclass
class GogProduct:
    id: int
    title: str
    slug: str
    image_hash: str
    game_type: str = "game"  # "game" | "dlc" | "pack"
    parent: int | None = None
    minutes: int | None = None  # None: no statistics for this game
    last_session: str | None = None
    hidden: bool = False
    release_date: str = ""
    developers: list[str] = field(default_factory=list)
    publisher: str = ""
    genres: list[str] = field(default_factory=list)
    lead: str = ""
    systems: tuple[str, ...] = ("windows",)


@dataclass
class GogWorld:
    user_id: str
    username: str
    avatar_hash: str
    products: list[GogProduct] = field(default_factory=list)

    def product(self, product_id: int) -> GogProduct | None:
        return next((p for p in self.products if p.id == product_id), None)

    @property
    def owned(self) -> list[GogProduct]:
        """What the owned list shows: games and packs; GOG folds DLC into their base game."""
        return [p for p in self.products if p.game_type != "dlc"]


_WORDS = (
    "Witcher", "Baldur", "Gate", "Planescape", "Torment", "Fallout", "Heroes", "Might",
    "Magic", "Disco", "Elysium", "Stardew", "Valley", "Frostpunk", "Cyber", "Shadow",
    "Tactics", "Legend", "Grim", "Fandango", "Master", "Orion", "Ultima", "Realm",
)  # fmt: skip
_SPECIAL_TITLES = (
    "Ōkami Café: L'Été Meurtrier",
    "ＦＵＬＬ　ＷＩＤＴＨ Ｑｕｅｓｔ",  # noqa: RUF001 - full-width titles are the point
    "Heroes of Might and Magic® 3: Complete™",
    "🎮 Controller Quest 🐉 — Deluxe",
    "東方紅魔郷 ～ the Embodiment of Scarlet Devil",  # noqa: RUF001
)
_GENRES = ("Action", "Adventure", "RPG", "Strategy", "Simulation", "Puzzle", "Shooter")
_STUDIOS = ("CD PROJEKT RED", "Larian Studios", "Obsidian", "Ice-Pick Lodge", "11 bit studios")


def _long_title(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(60)]
    return ("The Extraordinarily Long Chronicle of " + " ".join(words))[:320]


def generate_gog_world(n: int, seed: int = 7) -> GogWorld:
    """A deterministic account owning ``n`` games (plus DLC for some of them), with Unicode
    and 300+-character titles, hidden games, and statistics for about two thirds."""
    rng = random.Random(seed)
    world = GogWorld(
        user_id=str(48_628_349_900_000_000 + rng.randrange(10**8)),
        username="djinn_demo",
        avatar_hash=f"{rng.getrandbits(256):064x}",
    )
    next_id = 1_207_658_000
    used: set[str] = set()
    for index in range(n):
        next_id += rng.randrange(1, 500)
        if index < len(_SPECIAL_TITLES):
            title = _SPECIAL_TITLES[index]
        elif index == len(_SPECIAL_TITLES):
            title = _long_title(rng)
        else:
            title = f"{rng.choice(_WORDS)} {rng.choice(_WORDS)} {index}"
        used.add(title)
        product = _product(rng, next_id, title, "game", None)
        world.products.append(product)
        if rng.random() < 0.1:  # an owned DLC for this game
            next_id += 1
            world.products.append(
                _product(rng, next_id, f"{title} - Soundtrack", "dlc", product.id)
            )
    return world


def _product(
    rng: random.Random, product_id: int, title: str, game_type: str, parent: int | None
) -> GogProduct:
    slug = "".join(c if c.isascii() and c.isalnum() else "_" for c in title.lower())[:80]
    played = game_type == "game" and rng.random() < 0.65
    minutes = rng.randint(0, 6000) if played else None
    last = None
    if minutes:
        last = f"20{rng.randint(15, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T"
        last += f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00+00:00"
    return GogProduct(
        id=product_id,
        title=title,
        slug=slug.strip("_") or f"product_{product_id}",
        image_hash=f"{rng.getrandbits(256):064x}",
        game_type=game_type,
        parent=parent,
        minutes=minutes,
        last_session=last,
        hidden=game_type == "game" and rng.random() < 0.03,
        release_date=f"{rng.randint(1995, 2025)}-{rng.randint(1, 12):02d}-"
        f"{rng.randint(1, 28):02d}T00:00:00+0200",
        developers=[rng.choice(_STUDIOS)],
        publisher=rng.choice(_STUDIOS),
        genres=rng.sample(_GENRES, rng.randint(1, 3)),
        lead=f"<b>{title}</b> &amp; its secrets.",
        systems=("windows", "osx", "linux")[: rng.randint(1, 3)],
    )


# --- the server ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One answered request: the path without its query (no code or token is kept) and the
    serial number of the access token it carried (0 for none or an unknown one)."""

    at: float
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
        self.server.fake._handle(self)

    def log_message(self, format: str, *args: Any) -> None:
        return  # request lines carry codes and refresh tokens


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    server_address: tuple[str, int]
    fake: FakeGog

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # a client that timed out and hung up
        super().handle_error(request, client_address)


Answer = tuple[int, str, dict[str, str]]


class FakeGog(LoopbackFake):
    """Serve ``world`` on 127.0.0.1; one port answers for auth, embed, api and www."""

    handler = _Handler
    server_class = _Server

    def __init__(
        self,
        world: GogWorld | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        timeout_seconds: float = 1.0,
    ) -> None:
        self.world = world or generate_gog_world(40)
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
            "GOG_AUTH_URL": self.url,
            "GOG_EMBED_URL": self.url,
            "GOG_API_URL": self.url,
            "GOG_WWW_URL": self.url,
            "GOG_RATE_LIMIT": (10_000, 1),
            "GOG_HTTP_TIMEOUT": self.timeout_seconds,
        }

    def connect_values(self) -> dict[str, str]:
        """The whole address GOG's sign-in ends on, as a user would paste it."""
        return {"code": f"{REDIRECT_URI}&code={self.issue_code()}"}

    def set_titles(self, titles: list[str]) -> None:
        rng = random.Random(len(titles))
        products = [
            _product(rng, 1_500_000_000 + index, title, "game", None)
            for index, title in enumerate(titles)
        ]
        for product in products:
            product.hidden = False
        with self._lock:
            self.world.products = products

    def fail_next(self, failure: str, *, count: int = 1, retry_after: int | None = None) -> None:
        """Answer the next ``count`` library requests (userData, owned list, stats) with
        ``failure``. The two credential failures change the sign-in state instead: expired
        makes every access token issued so far answer 401 (a refresh fixes it); revoked also
        kills every refresh token (refreshing answers 400 invalid_grant)."""
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
        """A one-time sign-in code, as GOG's login page would append to the redirect."""
        code = secrets.token_urlsafe(72)
        with self._lock:
            self._codes.add(code)
        return code

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

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        arrived = time.monotonic()
        parts = urlsplit(handler.path)
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        bearer = handler.headers.get("Authorization", "")
        token = bearer[7:] if bearer.lower().startswith("bearer ") else ""
        status, body, headers = self._answer(parts.path, query, token)
        with self._lock:
            serial = self._access[token].serial if token in self._access else 0
            self._log.append(RequestRecord(arrived, parts.path, status, serial))
        payload = body.encode("utf-8")
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    def _answer(self, path: str, query: dict[str, str], token: str) -> Answer:
        if path == "/auth":
            location = f"{self.url}/on_login_success?origin=client&code={self.issue_code()}"
            return 302, "", {"Location": location}
        if path == "/on_login_success":
            page = "<html><body>Signed in. Copy this page's address into Game Djinn.</body></html>"
            return 200, page, {"Content-Type": "text/html; charset=utf-8"}
        if path == "/token":
            return self._token(query)
        if path.startswith("/products/"):
            return self._product_answer(path.removeprefix("/products/"))
        if path.startswith("/v2/games/"):
            return self._game_answer(path.removeprefix("/v2/games/"))
        if not path.startswith(_LIBRARY_PATHS):
            return _json(404, {"error": "not_found", "error_description": "Not found"})

        failure = self._take_failure()
        truncate = False
        if failure is not None:
            kind, retry_after = failure
            if kind in ("rate_limited", "rate_limited_no_header"):
                headers = {"Content-Type": "text/html; charset=utf-8"}
                if kind == "rate_limited":
                    headers["Retry-After"] = str(retry_after)
                return 429, "<html><body><h1>429 Too Many Requests</h1></body></html>", headers
            if kind == "server_error":
                status = random.choice((500, 502, 503))
                return status, f"<html><body><h1>{status}</h1></body></html>", {}
            if kind == "malformed":
                return _json(200, {"unexpected": [], "products": "none"})
            if kind == "timeout":
                time.sleep(self.timeout_seconds + 0.5)  # simulated hang, past the client's wait
            truncate = kind == "truncated"

        with self._lock:
            live = self._access.get(token)
            signed_in = live is not None and not live.expired
        if not signed_in:
            return _json(
                401,
                {"error": "invalid_token", "error_description": "The access token is invalid."},
            )
        if path == "/userData.json":
            status, body, headers = self._user_data()
        elif path == "/account/getFilteredProducts":
            status, body, headers = self._owned(query)
        else:
            status, body, headers = self._stats(path, query)
        if truncate and status == 200:
            body = body[: max(1, len(body) // 2)]
        return status, body, headers

    def _take_failure(self) -> tuple[str, int | None] | None:
        with self._lock:
            if not self._failures:
                return None
            entry = self._failures[0]
            entry[1] -= 1
            if entry[1] <= 0:
                self._failures.popleft()
            return entry[0], entry[2]

    def _token(self, query: dict[str, str]) -> Answer:
        if query.get("client_id") != CLIENT_ID or query.get("client_secret") != CLIENT_SECRET:
            return _json(401, {"error": "invalid_client", "error_description": "Bad client."})
        grant = query.get("grant_type")
        with self._lock:
            if grant == "authorization_code":
                code = query.get("code", "")
                if code not in self._codes or query.get("redirect_uri") != REDIRECT_URI:
                    return _invalid_grant()
                self._codes.discard(code)
            elif grant == "refresh_token":
                old = query.get("refresh_token", "")
                if old not in self._refresh:
                    return _invalid_grant()
                self._refresh.discard(old)  # rotation: the old refresh token dies here
                self.refreshes += 1
            else:
                return _json(400, {"error": "unsupported_grant_type"})
            self._serials += 1
            access, refresh = secrets.token_urlsafe(96), secrets.token_urlsafe(48)
            self._access[access] = _Token(self._serials)
            self._refresh.add(refresh)
        return _json(
            200,
            {
                "expires_in": TOKEN_LIFETIME,
                "scope": "",
                "token_type": "bearer",
                "access_token": access,
                "user_id": self.world.user_id,
                "refresh_token": refresh,
                "session_id": str(random.getrandbits(62)),
            },
        )

    def _user_data(self) -> Answer:
        world = self.world
        return _json(
            200,
            {
                "country": "DE",
                "currencies": [{"code": "EUR", "symbol": "€"}],
                "selectedCurrency": {"code": "EUR", "symbol": "€"},
                "preferredLanguage": {"code": "en", "name": "English"},
                "ratingBrand": "PEGI",
                "isLoggedIn": True,
                "checksum": {"cart": None, "games": "c1fc44f3808bd755560e1b00d34451a1"},
                "updates": {"messages": 0, "products": 0, "total": 0},
                "userId": world.user_id,
                "username": world.username,
                "galaxyUserId": world.user_id,
                "email": "djinn@example.com",
                "avatar": f"https://images.gog.com/{world.avatar_hash}",
            },
        )

    def _owned(self, query: dict[str, str]) -> Answer:
        with self._lock:
            owned = list(self.world.owned)
        page = _page(query)
        pages = max(1, -(-len(owned) // OWNED_PER_PAGE))
        chunk = owned[(page - 1) * OWNED_PER_PAGE : page * OWNED_PER_PAGE]
        dlc_counts: dict[int, int] = {}
        for product in self.world.products:
            if product.parent is not None:
                dlc_counts[product.parent] = dlc_counts.get(product.parent, 0) + 1
        return _json(
            200,
            {
                "sortBy": query.get("sortBy", "title"),
                "page": page,
                "totalProducts": len(owned),
                "totalPages": pages,
                "productsPerPage": OWNED_PER_PAGE,
                "moviesCount": 0,
                "tags": [],
                "products": [
                    {
                        "isGalaxyCompatible": True,
                        "tags": [],
                        "id": p.id,
                        "availability": {"isAvailable": True, "isAvailableInAccount": True},
                        "title": p.title,
                        "image": f"//images-1.gog.com/{p.image_hash}",
                        "url": f"/game/{p.slug}",
                        "worksOn": {
                            "Windows": "windows" in p.systems,
                            "Mac": "osx" in p.systems,
                            "Linux": "linux" in p.systems,
                        },
                        "category": p.genres[0] if p.genres else "",
                        "rating": 0,
                        "isComingSoon": False,
                        "isMovie": False,
                        "isGame": True,
                        "slug": p.slug,
                        "updates": 0,
                        "isNew": False,
                        "dlcCount": dlc_counts.get(p.id, 0),
                        "releaseDate": {"date": p.release_date, "timezone_type": 1},
                        "isBaseProductMissing": False,
                        "isHidingDisabled": False,
                        "isInDevelopment": False,
                        "isHidden": p.hidden,
                    }
                    for p in chunk
                ],
                "updatedProductsCount": 0,
                "hiddenUpdatedProductsCount": 0,
                "appliedFilters": {"tags": None},
                "hasHiddenProducts": any(p.hidden for p in owned),
            },
        )

    def _stats(self, path: str, query: dict[str, str]) -> Answer:
        username = unquote(path.removeprefix("/u/").removesuffix("/games/stats"))
        if username != self.world.username or not path.endswith("/games/stats"):
            return _json(404, {"error": "not_found", "error_description": "No such user."})
        with self._lock:
            owned = list(self.world.owned)
        page = _page(query)
        pages = max(1, -(-len(owned) // STATS_PER_PAGE))
        chunk = owned[(page - 1) * STATS_PER_PAGE : page * STATS_PER_PAGE]
        items = []
        for p in chunk:
            stats: Any = []  # GOG sends an empty *array* when there are no statistics
            if p.minutes is not None:
                stats = {self.world.user_id: {"lastSession": p.last_session, "playtime": p.minutes}}
            items.append(
                {
                    "game": {
                        "id": str(p.id),
                        "achievementSupport": False,
                        "image": f"//images-1.gog.com/{p.image_hash}",
                        "title": p.title,
                        "url": f"/game/{p.slug}",
                    },
                    "stats": stats,
                }
            )
        base = f"/u/{quote(username)}/games/stats"
        return _json(
            200,
            {
                "page": page,
                "limit": STATS_PER_PAGE,
                "pages": pages,
                "total": len(owned),
                "_links": {"self": {"href": f"{base}?page={page}"}},
                "_embedded": {"items": items},
            },
        )

    def _find(self, raw_id: str) -> GogProduct | None:
        return self.world.product(int(raw_id)) if raw_id.isdigit() else None

    def _product_answer(self, raw_id: str) -> Answer:
        product = self._find(raw_id)
        if product is None:
            return _json(404, {"error": "not_found", "error_description": "Product not found"})
        base = f"//images-2.gog.com/{product.image_hash}"
        dlcs: Any = [
            {"id": p.id, "link": f"https://api.gog.com/products/{p.id}"}
            for p in self.world.products
            if p.parent == product.id
        ]
        return _json(
            200,
            {
                "id": product.id,
                "title": product.title,
                "purchase_link": f"https://www.gog.com/checkout/manual/{product.id}",
                "slug": product.slug,
                "content_system_compatibility": {
                    "windows": "windows" in product.systems,
                    "osx": "osx" in product.systems,
                    "linux": "linux" in product.systems,
                },
                "languages": {"en": "English"},
                "links": {
                    "purchase_link": f"https://www.gog.com/checkout/manual/{product.id}",
                    "product_card": f"https://www.gog.com/game/{product.slug}",
                    "support": f"https://www.gog.com/support/{product.slug}",
                    "forum": f"https://www.gog.com/forum/{product.slug}",
                },
                "in_development": {"active": False, "until": None},
                "is_secret": False,
                "is_installable": True,
                "game_type": product.game_type,
                "is_pre_order": False,
                "release_date": product.release_date,
                "images": {
                    "background": f"{base}.jpg",
                    "logo": f"{base}_glx_logo.jpg",
                    "logo2x": f"{base}_glx_logo_2x.jpg",
                    "icon": f"{base}.png",
                    "sidebarIcon": f"{base}_sbicon.png",
                    "sidebarIcon2x": f"{base}_sbicon_2x.png",
                },
                "dlcs": {"products": dlcs} if dlcs else [],
                "description": {
                    "lead": product.lead,
                    "full": f"<p>{product.lead}</p><p>More about {product.title}.</p>",
                    "whats_cool_about_it": "",
                },
            },
        )

    def _game_answer(self, raw_id: str) -> Answer:
        product = self._find(raw_id)
        if product is None:
            return _json(404, {"message": "Product not found"})
        links: dict[str, Any] = {
            "self": {"href": f"https://api.gog.com/v2/games/{product.id}"},
            "boxArtImage": {"href": f"https://images.gog.com/{product.image_hash}.jpg"},
        }
        if product.parent is not None:
            links["requiresGames"] = [{"href": f"https://api.gog.com/v2/games/{product.parent}"}]
        return _json(
            200,
            {
                "_links": links,
                "_embedded": {
                    "product": {
                        "id": product.id,
                        "title": product.title,
                        "globalReleaseDate": product.release_date,
                    },
                    "productType": "DLC" if product.game_type == "dlc" else "GAME",
                    "developers": [{"name": name} for name in product.developers],
                    "publisher": {"name": product.publisher},
                    "tags": [
                        {"id": str(i), "name": name, "slug": name.lower()}
                        for i, name in enumerate(product.genres)
                    ],
                },
                "overview": product.lead,
            },
        )


def _json(status: int, payload: Any) -> Answer:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return status, body, {"Content-Type": "application/json; charset=utf-8"}


def _invalid_grant() -> Answer:
    return _json(
        400,
        {
            "error": "invalid_grant",
            "error_description": "The provided authorization grant is invalid, expired or revoked.",
        },
    )


def _page(query: dict[str, str]) -> int:
    raw = query.get("page", "1")
    return max(1, int(raw)) if raw.isdigit() else 1


def main(argv: list[str] | None = None) -> None:
    """Run a fake GOG for the demo mode or manual testing until Ctrl-C."""
    parser = argparse.ArgumentParser(description="Serve a fake GOG (auth, embed, api, www).")
    parser.add_argument("--games", type=int, default=120)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    fake = FakeGog(generate_gog_world(args.games, seed=args.seed), host=args.host, port=args.port)
    fake.timeout_seconds = 10.0
    fake.start()
    out = sys.stdout
    out.write(f"Fake GOG serving {args.games} games at {fake.url}\n")
    for name in ("GOG_AUTH_URL", "GOG_EMBED_URL", "GOG_API_URL", "GOG_WWW_URL"):
        out.write(f"  {name}={fake.url}\n")
    out.write(f"  sign in (prints a code in the address): {fake.url}/auth\n")
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
