"""IGDB client: a Twitch app token, Apicalypse POSTs, typed records out, no ORM.

Token: Twitch's client-credentials grant gives an app token that lasts about 60 days. It is kept
in a shared cache (Django's, passed in) so every worker uses one token instead of signing in per
task, renewed a day before it runs out, and dropped and renewed once when IGDB answers 401.

Queries: IGDB allows 4 requests a second per application, so every call goes through the shared
limiter and asks for many games at once (``where id = (…)``, up to 500 rows a call) with the
related fields expanded in the same call (``genres.name``, ``cover.image_id``…).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

from games.ratings import normalize_esrb
from platforms.errors import MalformedResponse, PlatformError
from platforms.http import HttpClient, RetryPolicy, retry_from_settings
from platforms.metadata.igdb import EXTERNAL_GAME_SOURCES
from platforms.ratelimit import SlidingWindowLimiter, limiter_for
from platforms.records import GameDetails

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.igdb.com/v4"
DEFAULT_TOKEN_URL = "https://id.twitch.tv/oauth2/token"
IMAGE_URL = "https://images.igdb.com/igdb/image/upload/t_{size}/{image_id}.jpg"
# Renew this long before the token's end, so a long task never crosses it.
RENEW_MARGIN_SECONDS = 86_400
MAX_ROWS = 500
GAME_FIELDS = (
    "name, summary, first_release_date, url, genres.name, cover.image_id, artworks.image_id, "
    "screenshots.image_id, involved_companies.company.name, involved_companies.developer, "
    "involved_companies.publisher, age_ratings.organization.name, "
    "age_ratings.rating_category.rating, age_ratings.category, age_ratings.rating"
)
NOT_CONFIGURED = "IGDB is not set up: IGDB_CLIENT_ID and IGDB_CLIENT_SECRET are empty."
REFUSED = (
    "Twitch did not accept IGDB_CLIENT_ID/IGDB_CLIENT_SECRET; check them in the Twitch "
    "developer console (dev.twitch.tv/console/apps)."
)
_UID_RE = re.compile(r"[A-Za-z0-9._:\-]{1,100}")
# The retired enums (organisation in ``category``, rating in ``rating``), still on old rows.
_LEGACY_BOARDS = {1: "ESRB", 2: "PEGI"}
_LEGACY_RATINGS = {
    1: "3", 2: "7", 3: "12", 4: "16", 5: "18",
    6: "RP", 7: "EC", 8: "E", 9: "E10+", 10: "T", 11: "M", 12: "AO",
}  # fmt: skip
_PEGI = {"three": "3", "seven": "7", "twelve": "12", "sixteen": "16", "eighteen": "18"}


class TokenCache(Protocol):
    """Where the app token lives between calls (Django's cache has this shape)."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def set(self, key: str, value: Any, timeout: float | None = None) -> Any: ...

    def delete(self, key: str) -> Any: ...


@dataclass(frozen=True, slots=True)
class IgdbGame:
    """One IGDB game: its id, its name and year (to check a title search), what it says."""

    igdb_id: int
    name: str
    year: int | None
    details: GameDetails


@dataclass(frozen=True, slots=True)
class TimeToBeat:
    """Minutes: quickly (the main story), normally (with extras), completely."""

    main: int | None
    extras: int | None
    completionist: int | None


def configured() -> bool:
    from django.conf import settings

    return bool(settings.IGDB_CLIENT_ID and settings.IGDB_CLIENT_SECRET)


class IgdbClient:
    def __init__(
        self,
        client_id: str,
        client_secret: str,
        *,
        cache: TokenCache,
        limiter: SlidingWindowLimiter,
        retry: RetryPolicy,
        api_url: str = DEFAULT_API_URL,
        token_url: str = DEFAULT_TOKEN_URL,
        timeout: float = 10.0,
    ) -> None:
        if not client_id or not client_secret:
            raise PlatformError(NOT_CONFIGURED)
        self._client_id = client_id
        self._secret = client_secret
        self._cache = cache
        self._cache_key = "igdb:token:" + hashlib.sha256(client_id.encode()).hexdigest()[:16]
        token = urlsplit(token_url)
        self._token_path = token.path or "/"
        self._token = HttpClient(
            f"{token.scheme}://{token.netloc}",
            limiter=limiter,
            retry=retry,
            timeout=timeout,
            label="Twitch",
        )
        self._api = HttpClient(api_url, limiter=limiter, retry=retry, timeout=timeout, label="IGDB")

    @classmethod
    def from_settings(cls) -> IgdbClient:
        from django.conf import settings
        from django.core.cache import cache

        requests, seconds = settings.IGDB_RATE_LIMIT
        return cls(
            settings.IGDB_CLIENT_ID,
            settings.IGDB_CLIENT_SECRET,
            cache=cache,
            limiter=limiter_for("igdb", requests, seconds, settings.REDIS_URL or None),
            retry=retry_from_settings(),
            api_url=settings.IGDB_API_URL,
            token_url=settings.IGDB_TOKEN_URL,
            timeout=settings.IGDB_HTTP_TIMEOUT,
        )

    def __repr__(self) -> str:  # never the secret or the token
        return "<IgdbClient>"

    def close(self) -> None:
        self._token.close()
        self._api.close()

    def __enter__(self) -> IgdbClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- lookups -------------------------------------------------------------------------------

    def ids_by_store(self, store: str, uids: Sequence[str]) -> dict[str, int]:
        """{store id: IGDB game id} for the store ids IGDB knows (an edition listed twice keeps
        the first game IGDB names)."""
        source = EXTERNAL_GAME_SOURCES.get(store)
        wanted = sorted({uid for uid in uids if _UID_RE.fullmatch(uid)})
        if source is None or not wanted:
            return {}
        found: dict[str, int] = {}
        for start in range(0, len(wanted), MAX_ROWS):
            chunk = wanted[start : start + MAX_ROWS]
            quoted = ",".join(f'"{uid}"' for uid in chunk)
            rows = self.query(
                "external_games",
                f"fields game, uid, external_game_source; "
                f"where external_game_source = {source} & uid = ({quoted}); "
                f"sort id asc; limit {MAX_ROWS};",
            )
            for row in rows:
                uid, game = row.get("uid"), row.get("game")
                if isinstance(uid, str) and isinstance(game, int) and uid in chunk:
                    found.setdefault(uid, game)
        return found

    def games(self, ids: Iterable[int]) -> dict[int, IgdbGame]:
        wanted = sorted(set(ids))
        found: dict[int, IgdbGame] = {}
        for start in range(0, len(wanted), MAX_ROWS):
            chunk = ",".join(str(i) for i in wanted[start : start + MAX_ROWS])
            rows = self.query(
                "games", f"fields {GAME_FIELDS}; where id = ({chunk}); limit {MAX_ROWS};"
            )
            for row in rows:
                game = _game(row)
                found[game.igdb_id] = game
        return found

    def search(self, title: str, *, limit: int = 10) -> list[IgdbGame]:
        """Games whose name matches TITLE in IGDB's own search, best first."""
        text = " ".join(title.replace("\\", " ").replace('"', " ").split())[:200]
        if not text:
            return []
        rows = self.query("games", f'search "{text}"; fields {GAME_FIELDS}; limit {limit};')
        return [_game(row) for row in rows]

    def times_to_beat(self, ids: Iterable[int]) -> dict[int, TimeToBeat]:
        wanted = sorted(set(ids))
        found: dict[int, TimeToBeat] = {}
        for start in range(0, len(wanted), MAX_ROWS):
            chunk = ",".join(str(i) for i in wanted[start : start + MAX_ROWS])
            rows = self.query(
                "game_time_to_beats",
                f"fields game_id, hastily, normally, completely; "
                f"where game_id = ({chunk}); limit {MAX_ROWS};",
            )
            for row in rows:
                game_id = row.get("game_id")
                if isinstance(game_id, int):
                    found[game_id] = TimeToBeat(
                        _minutes(row.get("hastily")),
                        _minutes(row.get("normally")),
                        _minutes(row.get("completely")),
                    )
        return found

    # --- the wire ------------------------------------------------------------------------------

    def query(self, endpoint: str, body: str) -> list[dict[str, Any]]:
        """POST an Apicalypse BODY to /ENDPOINT; the rows it answers."""
        path = f"/{endpoint}"
        response = self._api.post(path, content=body, headers=self._headers(self._app_token()))
        if response.status_code == 401:
            # Revoked or expired before its time: one fresh token, then give up.
            self._cache.delete(self._cache_key)
            response = self._api.post(path, content=body, headers=self._headers(self._app_token()))
            if response.status_code == 401:
                raise PlatformError(REFUSED)
        if response.status_code != 200:
            raise PlatformError(
                f"IGDB answered HTTP {response.status_code} to {path}.",
                permanent=response.status_code in (400, 403, 404),
            )
        try:
            rows = response.json()
        except ValueError:
            raise MalformedResponse(f"IGDB sent an answer from {path} that is not JSON.") from None
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise MalformedResponse(f"IGDB sent an answer from {path} that is not a list of rows.")
        return rows

    def _headers(self, token: str) -> dict[str, str]:
        return {
            "Client-ID": self._client_id,
            "Authorization": f"Bearer {token}",
            "Content-Type": "text/plain",
        }

    def _app_token(self) -> str:
        cached = self._cache.get(self._cache_key)
        if isinstance(cached, str) and cached:
            return cached
        response = self._token.post(
            self._token_path,
            data={
                "client_id": self._client_id,
                "client_secret": self._secret,
                "grant_type": "client_credentials",
            },
        )
        if response.status_code in (400, 401, 403):
            raise PlatformError(REFUSED)
        if response.status_code != 200:
            raise PlatformError(
                f"Twitch answered HTTP {response.status_code} when asked for an IGDB token.",
                permanent=False,
            )
        try:
            body = response.json()
            token = body["access_token"]
            lifetime = int(body.get("expires_in") or 0)
            if not isinstance(token, str) or not token:
                raise ValueError("no token")
        except (ValueError, KeyError, TypeError):
            raise MalformedResponse("Twitch sent a token answer we do not understand.") from None
        keep = (
            lifetime - RENEW_MARGIN_SECONDS
            if lifetime > 2 * RENEW_MARGIN_SECONDS
            else lifetime // 2
        )
        self._cache.set(self._cache_key, token, timeout=max(1, keep))
        logger.info("IGDB app token renewed (valid for %d days)", lifetime // 86_400)
        return token


def build_client() -> IgdbClient:
    return IgdbClient.from_settings()


# --- parsing ------------------------------------------------------------------------------------


def _game(row: dict[str, Any]) -> IgdbGame:
    try:
        igdb_id = row["id"]
        if not isinstance(igdb_id, int) or isinstance(igdb_id, bool):
            raise TypeError("id")
        name = row.get("name") or ""
        if not isinstance(name, str):
            raise TypeError("name")
        released = _date(row.get("first_release_date"))
        companies = [c for c in _list(row.get("involved_companies")) if isinstance(c, dict)]
        esrb, pegi = _age_ratings(_list(row.get("age_ratings")))
        cover = _image(row.get("cover"), "cover_big")
        artworks = [_image(a, "1080p") for a in _list(row.get("artworks"))]
        screenshots = [_image(s, "screenshot_big") for s in _list(row.get("screenshots"))]
        details = GameDetails(
            external_id=str(igdb_id),
            store_name=name,
            type="",
            description=_text(row.get("summary")),
            about_html="",
            genres=[_text(g.get("name")) for g in _list(row.get("genres")) if isinstance(g, dict)],
            categories=[],
            developers=_companies(companies, "developer"),
            publishers=_companies(companies, "publisher"),
            release_date=released,
            release_date_text=released.isoformat() if released else "",
            coming_soon=False,
            esrb_rating=esrb,
            esrb_descriptors=[],
            pegi_rating=pegi,
            required_age=0,
            content_descriptor_ids=[],
            content_descriptor_notes="",
            metacritic_score=None,
            metacritic_url="",
            header_image=next((a for a in artworks if a), ""),
            capsule_image="",
            library_image=cover,
            background_image=next((a for a in artworks[1:] if a), ""),
            screenshots=[s for s in screenshots if s][:20],
            platforms=[],
            is_free=False,
            parent_external_id=None,
            website=_text(row.get("url")),
            raw={},
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise MalformedResponse(
            f"IGDB sent a game in a shape we do not understand ({exc})."
        ) from None
    return IgdbGame(igdb_id, name, released.year if released else None, details)


def with_time_to_beat(game: IgdbGame, ttb: TimeToBeat | None) -> IgdbGame:
    if ttb is None:
        return game
    from dataclasses import replace

    details = replace(
        game.details,
        time_to_beat_main=ttb.main,
        time_to_beat_extras=ttb.extras,
        time_to_beat_completionist=ttb.completionist,
    )
    return replace(game, details=details)


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _date(value: object) -> date | None:
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    try:
        return datetime.fromtimestamp(value, UTC).date()
    except (OverflowError, OSError, ValueError):
        return None


def _minutes(value: object) -> int | None:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        return None
    return round(value / 60)


def _image(value: object, size: str) -> str:
    image_id = value.get("image_id") if isinstance(value, dict) else None
    if not isinstance(image_id, str) or not re.fullmatch(r"[A-Za-z0-9_]{1,64}", image_id):
        return ""
    return IMAGE_URL.format(size=size, image_id=image_id)


def _companies(companies: list[dict[str, Any]], role: str) -> list[str]:
    names = []
    for entry in companies:
        company = entry.get("company")
        name = company.get("name") if isinstance(company, dict) else None
        if entry.get(role) is True and isinstance(name, str) and name.strip():
            names.append(name.strip())
    return names


def _age_ratings(ratings: list[Any]) -> tuple[str, str]:
    """(ESRB, PEGI) from IGDB's age ratings: the current shape (``organization.name`` and
    ``rating_category.rating``) or the retired enums on old rows."""
    esrb = pegi = ""
    for rating in ratings:
        if not isinstance(rating, dict):
            continue
        organization = rating.get("organization")
        category = rating.get("rating_category")
        board = organization.get("name") if isinstance(organization, dict) else None
        value = category.get("rating") if isinstance(category, dict) else None
        if not isinstance(board, str) or not isinstance(value, str):
            board = _LEGACY_BOARDS.get(_int(rating.get("category")))
            value = _LEGACY_RATINGS.get(_int(rating.get("rating")))
        if not board or not value:
            continue
        key = value.strip().lower()
        if board.upper() == "ESRB" and not esrb:
            esrb = normalize_esrb(key)
        elif board.upper() == "PEGI" and not pegi:
            pegi = _PEGI.get(key, key if key in _PEGI.values() else "")
    return esrb, pegi


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
