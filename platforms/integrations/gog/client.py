"""GOG account and product client: HTTP in, typed records out, no ORM.

The account side speaks OAuth as GOG Galaxy does: a one-time code (pasted by the user) is
exchanged for an access token that lives about an hour and a refresh token that may rotate on
every refresh. The stored credentials are therefore the source of truth for the refresh token:
after every refresh the new pair is written through the CredentialStore *before* the new access
token is used, so a crash between the two can never strand a library on a dead refresh token.

Answers and error shapes relied on are written down in docs/integrations/gog.md.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any, NoReturn
from urllib.parse import parse_qs, quote, urlsplit

import httpx

from platforms.contract import Connection, CredentialStore
from platforms.errors import (
    InvalidCredentials,
    InvalidIdentifier,
    MalformedResponse,
    PlatformError,
    ReconnectRequired,
)
from platforms.http import HttpClient, RetryPolicy, redact, retry_from_settings
from platforms.integrations.gog import CLIENT_ID, REDIRECT_URI
from platforms.ratelimit import SlidingWindowLimiter, limiter_for
from platforms.records import GameDetails, OwnedGame, PlayerProfile
from platforms.wire import as_object, clip

logger = logging.getLogger(__name__)

DEFAULT_AUTH_URL = "https://auth.gog.com"
DEFAULT_EMBED_URL = "https://embed.gog.com"
DEFAULT_API_URL = "https://api.gog.com"
DEFAULT_WWW_URL = "https://www.gog.com"
DEFAULT_RATE_LIMIT = (60, 60)
# GOG Galaxy's client secret. It ships inside every Galaxy install and every open-source GOG
# tool, so it identifies the client rather than protecting anything; it is still kept out of
# logs by the redaction filter.
CLIENT_SECRET = "9d85c43b1482497dbbce61f6e4aa173a433796eeae2ca8c5f6129f2dc4de46d9"
# Refresh a little before the access token runs out, so a slow page walk never crosses expiry.
REFRESH_MARGIN = timedelta(seconds=60)
# Far more pages than any real library has; a larger count is a broken answer, not a library.
MAX_PAGES = 5000

_TOKEN = "/token"
_USER_DATA = "/userData.json"
_OWNED = "/account/getFilteredProducts"
_STATS = "/u/{username}/games/stats"
_PRODUCT = "/products/{id}"
_GAME = "/v2/games/{id}"

RECONNECT_MESSAGE = (
    "GOG signed this library out (the sign-in expired or was revoked); reconnect it from its page."
)
_SHAPE_ERRORS = (KeyError, TypeError, ValueError, AttributeError)
_CODE_RE = re.compile(r"[A-Za-z0-9._~\-]{16,1500}")


def parse_code(text: str) -> str:
    """The authorization code from what the user pasted: the code itself, or the whole address
    of GOG's ``on_login_success`` page (with or without ``https://``)."""
    value = (text or "").strip()
    if not value:
        raise InvalidIdentifier(
            "Paste the address GOG showed after you signed in, or the code in it."
        )
    if "code=" in value or "://" in value or "?" in value:
        parts = urlsplit(value if "://" in value else f"https://{value}")
        codes = parse_qs(parts.query).get("code") or []
        if not codes or not codes[0].strip():
            raise InvalidIdentifier(
                "That address has no code in it: copy the address of the page GOG showed "
                "after you signed in (it contains code=)."
            )
        value = codes[0].strip()
    if not _CODE_RE.fullmatch(value):
        raise InvalidIdentifier(
            "That is not a GOG sign-in code: paste the whole address of the page GOG showed "
            "after you signed in, or the long code after code= in it."
        )
    return value


class GogClient:
    """One GOG account (through its CredentialStore) plus GOG's public product API.

    Build it with ``build_client`` in the app; all four hosts share one limiter, since GOG's
    front end is one service. Close it, or use it as a context manager.
    """

    def __init__(
        self,
        credentials: CredentialStore,
        *,
        auth_url: str = DEFAULT_AUTH_URL,
        embed_url: str = DEFAULT_EMBED_URL,
        api_url: str = DEFAULT_API_URL,
        www_url: str = DEFAULT_WWW_URL,
        limiter: SlidingWindowLimiter,
        retry: RetryPolicy,
        timeout: float = 10.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._store = credentials
        self._credentials: dict[str, Any] | None = None
        self._clock = clock

        def http(base: str) -> HttpClient:
            return HttpClient(base, limiter=limiter, retry=retry, timeout=timeout, label="GOG")

        self._auth = http(auth_url)
        self._embed = http(embed_url)
        self._api = http(api_url)
        self._www = http(www_url)

    @classmethod
    def from_settings(cls, credentials: CredentialStore) -> GogClient:
        """A client configured from Django settings, read lazily so importing this module
        never needs Django configured."""
        from django.conf import settings

        requests, seconds = _rate_limit(getattr(settings, "GOG_RATE_LIMIT", DEFAULT_RATE_LIMIT))
        redis_url = getattr(settings, "REDIS_URL", "") or None
        return cls(
            credentials,
            auth_url=getattr(settings, "GOG_AUTH_URL", "") or DEFAULT_AUTH_URL,
            embed_url=getattr(settings, "GOG_EMBED_URL", "") or DEFAULT_EMBED_URL,
            api_url=getattr(settings, "GOG_API_URL", "") or DEFAULT_API_URL,
            www_url=getattr(settings, "GOG_WWW_URL", "") or DEFAULT_WWW_URL,
            limiter=limiter_for("gog", requests, seconds, redis_url),
            retry=retry_from_settings(),
            timeout=float(getattr(settings, "GOG_HTTP_TIMEOUT", 10.0)),
        )

    def __repr__(self) -> str:  # never a token
        return f"<GogClient signed_in={bool(self._current().get('refresh_token'))}>"

    @property
    def limiter(self) -> SlidingWindowLimiter:
        return self._api.limiter

    def close(self) -> None:
        for http in (self._auth, self._embed, self._api, self._www):
            http.close()

    def __enter__(self) -> GogClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- connecting ----------------------------------------------------------------------------

    def connect(self, values: Mapping[str, str]) -> Connection:
        """Exchange the pasted code, read who signed in, and read the owned list once."""
        code = parse_code(values.get("code") or "")
        response = self._auth.get(
            _TOKEN,
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": REDIRECT_URI,
            },
        )
        if response.status_code in (400, 401, 403):
            raise InvalidCredentials(
                "GOG did not accept that code: a code works once and only for a few minutes. "
                "Sign in at GOG again and paste the new address."
            )
        if response.status_code != 200:
            _unexpected(response, _TOKEN)
        self._credentials = self._token_credentials(_json(response, _TOKEN), {})
        profile = self._profile()
        self.get_owned_games(profile.external_id)
        return Connection(profile=profile, credentials=self._current())

    def _profile(self) -> PlayerProfile:
        body = self._authed_json(self._embed, _USER_DATA, {})
        with _shape(_USER_DATA):
            user_id = str(body["userId"]).strip()
            username = str(body["username"]).strip()
            if not user_id.isdigit() or not username:
                raise ValueError("no user id or username")
            avatar = body.get("avatar") or ""
            avatar = _absolute(avatar) if isinstance(avatar, str) else ""
        credentials = self._current()
        if credentials.get("user_id") != user_id or credentials.get("username") != username:
            credentials = {**credentials, "user_id": user_id, "username": username}
            if self._credentials_saved():
                self._save(credentials)
            else:
                self._credentials = credentials
        return PlayerProfile(
            external_id=user_id,
            display_name=username,
            avatar_url=avatar,
            profile_url=f"https://www.gog.com/u/{quote(username)}",
            is_public=True,
        )

    # --- library -------------------------------------------------------------------------------

    def get_owned_games(self, account_id: str) -> list[OwnedGame]:
        """Every owned game (all pages), with minutes played and last session from the
        account's game statistics where GOG has them."""
        credentials = self._current()
        username = credentials.get("username") or ""
        user_id = str(credentials.get("user_id") or account_id)
        if not username:
            profile = self._profile()
            username, user_id = profile.display_name, profile.external_id
        products = self._owned_products()
        stats = self._stats(username, user_id)
        games: list[OwnedGame] = []
        seen: set[str] = set()
        for product_id, title, image, hidden in products:
            minutes, last = stats.get(product_id, (0, None, "", ""))[:2]
            seen.add(product_id)
            games.append(
                OwnedGame(
                    external_id=product_id,
                    name=title,
                    playtime_minutes=minutes,
                    last_played=last,
                    icon_url=image,
                    hidden=hidden,
                )
            )
        # The stats list can name owned games the owned list leaves out (e.g. hidden ones).
        for product_id, (minutes, last, title, image) in stats.items():
            if product_id not in seen and title:
                games.append(
                    OwnedGame(
                        external_id=product_id,
                        name=title,
                        playtime_minutes=minutes,
                        last_played=last,
                        icon_url=image,
                    )
                )
        return games

    def _owned_products(self) -> list[tuple[str, str, str, bool]]:
        found: list[tuple[str, str, str, bool]] = []
        page, pages = 1, 1
        while page <= pages:
            body = self._authed_json(
                self._www, _OWNED, {"mediaType": 1, "sortBy": "title", "page": page}
            )
            with _shape(_OWNED):
                pages = _page_count(body["totalPages"])
                for product in body["products"]:
                    product = as_object(product)
                    title = product["title"]
                    if not isinstance(title, str):
                        raise TypeError("title is not text")
                    found.append(
                        (
                            _product_id(product["id"]),
                            title,
                            _image(product.get("image")),
                            bool(product.get("isHidden", False)),
                        )
                    )
            page += 1
        return found

    def _stats(
        self, username: str, user_id: str
    ) -> dict[str, tuple[int, datetime | None, str, str]]:
        """product id -> (minutes, last session, title, image) from the profile's stats."""
        path = _STATS.format(username=quote(username, safe=""))
        found: dict[str, tuple[int, datetime | None, str, str]] = {}
        page, pages = 1, 1
        while page <= pages:
            response = self._authed(
                self._www, path, {"sort": "recent_playtime", "order": "desc", "page": page}
            )
            if response.status_code in (403, 404):
                # A profile whose game statistics are hidden: the games are still owned.
                logger.info("GOG game statistics are not visible (HTTP %d)", response.status_code)
                return found
            if response.status_code != 200:
                _unexpected(response, _STATS)
            body = _object_json(response, _STATS)
            with _shape(_STATS):
                pages = _page_count(body.get("pages", 1))
                for item in as_object(body["_embedded"])["items"]:
                    game = as_object(as_object(item)["game"])
                    minutes, last = _play_stats(item.get("stats"), user_id)
                    title = game.get("title")
                    found[_product_id(game["id"])] = (
                        minutes,
                        last,
                        title if isinstance(title, str) else "",
                        _image(game.get("image")),
                    )
            page += 1
        return found

    # --- metadata ------------------------------------------------------------------------------

    def get_app_details(self, external_id: str) -> GameDetails | None:
        """Product metadata; None when GOG does not know the product (any more)."""
        product_id = _check_id(external_id)
        path = _PRODUCT.format(id=product_id)
        response = self._api.get(path, {"expand": "description", "locale": "en-US"})
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            _unexpected(response, _PRODUCT)
        product = _object_json(response, _PRODUCT)
        extra = self._game_v2(product_id)
        with _shape(_PRODUCT):
            return _details(product_id, product, extra)

    def _game_v2(self, product_id: str) -> dict[str, Any]:
        """Developers, publisher, genres and the base game of a DLC, which only the newer games
        endpoint carries; {} when it does not know the product."""
        path = _GAME.format(id=product_id)
        response = self._api.get(path, {"locale": "en-US"})
        if response.status_code == 404:
            return {}
        if response.status_code != 200:
            _unexpected(response, _GAME)
        return _object_json(response, _GAME)

    # --- tokens --------------------------------------------------------------------------------

    def _current(self) -> dict[str, Any]:
        if self._credentials is None:
            self._credentials = dict(self._store.load())
        return self._credentials

    def _credentials_saved(self) -> bool:
        """Whether these credentials came from (or went to) the store, i.e. not mid-connect."""
        return bool(self._store.load().get("refresh_token"))

    def _save(self, credentials: dict[str, Any]) -> None:
        self._store.save(credentials)
        self._credentials = credentials

    def _token_credentials(self, body: Any, previous: Mapping[str, Any]) -> dict[str, Any]:
        with _shape(_TOKEN):
            body = as_object(body)
            access, refresh = body["access_token"], body["refresh_token"]
            if not (isinstance(access, str) and access and isinstance(refresh, str) and refresh):
                raise ValueError("empty token")
            lifetime = int(body.get("expires_in") or 3600)
            user_id = str(body.get("user_id") or previous.get("user_id") or "")
        return {
            **previous,
            "access_token": access,
            "refresh_token": refresh,
            "expires_at": (self._clock() + timedelta(seconds=lifetime)).isoformat(),
            "user_id": user_id,
        }

    def _access_token(self) -> str:
        credentials = self._current()
        token = credentials.get("access_token") or ""
        expiring = _expires_at(credentials.get("expires_at")) <= self._clock() + REFRESH_MARGIN
        if not token or expiring:
            return self._refresh()
        return str(token)

    def _refresh(self) -> str:
        """A new token pair, saved through the store before anything uses it."""
        credentials = self._current()
        refresh_token = credentials.get("refresh_token") or ""
        if not refresh_token:
            raise ReconnectRequired(RECONNECT_MESSAGE)
        response = self._auth.get(
            _TOKEN,
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
            },
        )
        if response.status_code in (400, 401, 403):
            raise ReconnectRequired(RECONNECT_MESSAGE)
        if response.status_code != 200:
            _unexpected(response, _TOKEN)
        renewed = self._token_credentials(_json(response, _TOKEN), credentials)
        self._save(renewed)
        logger.info("GOG sign-in renewed")
        return str(renewed["access_token"])

    def _authed(
        self, http: HttpClient, path: str, params: Mapping[str, str | int]
    ) -> httpx.Response:
        """A call with the account's token: refreshed first when about to expire, and once
        more (then repeated once) when GOG answers that it is no longer valid."""
        token = self._access_token()
        response = http.get(path, params, headers={"Authorization": f"Bearer {token}"})
        if not _signed_out(response):
            return response
        token = self._refresh()
        response = http.get(path, params, headers={"Authorization": f"Bearer {token}"})
        if _signed_out(response):
            raise ReconnectRequired(RECONNECT_MESSAGE)
        return response

    def _authed_json(
        self, http: HttpClient, path: str, params: Mapping[str, str | int]
    ) -> dict[str, Any]:
        response = self._authed(http, path, params)
        if response.status_code != 200:
            _unexpected(response, path)
        return _object_json(response, path)


def build_client(credentials: CredentialStore) -> GogClient:
    """The integration's client factory."""
    return GogClient.from_settings(credentials)


# --- parsing ------------------------------------------------------------------------------------


def _details(product_id: str, product: dict[str, Any], extra: dict[str, Any]) -> GameDetails:
    title = product["title"]
    if not isinstance(title, str):
        raise TypeError("title is not text")
    description = product.get("description") or {}
    description = description if isinstance(description, dict) else {}
    images = product.get("images") or {}
    images = images if isinstance(images, dict) else {}
    systems = product.get("content_system_compatibility") or {}
    release_text = str(product.get("release_date") or "")
    embedded = as_object(extra.get("_embedded") or {})
    links = as_object(extra.get("_links") or {})
    game_type = str(product.get("game_type") or "game")
    parent = None
    for link in links.get("requiresGames") or []:
        href = str(as_object(link)["href"])
        parent = _product_id(href.rstrip("/").rsplit("/", 1)[-1].split("?")[0])
        break
    publisher = embedded.get("publisher") or {}
    lead = str(description.get("lead") or "")
    return GameDetails(
        external_id=product_id,
        store_name=title,
        type=game_type,
        description=_text(lead) or _text(str(extra.get("overview") or "")),
        about_html=str(description.get("full") or ""),
        genres=[str(as_object(tag)["name"]) for tag in embedded.get("tags") or []],
        categories=[],
        developers=[str(as_object(dev)["name"]) for dev in embedded.get("developers") or []],
        publishers=[str(publisher["name"])] if isinstance(publisher, dict) and publisher else [],
        release_date=_date(release_text),
        release_date_text=release_text[:10],
        coming_soon=bool(product.get("is_pre_order")),
        esrb_rating="",
        esrb_descriptors=[],
        pegi_rating="",
        required_age=0,
        content_descriptor_ids=[],
        content_descriptor_notes="",
        metacritic_score=None,
        metacritic_url="",
        header_image=_image(images.get("logo2x"), suffix=""),
        capsule_image=_image(images.get("logo"), suffix=""),
        library_image="",
        background_image=_image(images.get("background"), suffix=""),
        screenshots=[],
        platforms=[
            name
            for key, name in (("windows", "windows"), ("osx", "mac"), ("linux", "linux"))
            if isinstance(systems, dict) and systems.get(key)
        ],
        is_free=False,
        parent_external_id=parent,
        website="",
        raw={"product": product, "game": extra},
    )


def _play_stats(stats: object, user_id: str) -> tuple[int, datetime | None]:
    """Minutes and last session from one stats item. GOG sends ``[]`` when there are none and
    an object keyed by user id when there are."""
    if not stats:
        return 0, None
    stats = as_object(stats)
    mine = stats.get(user_id)
    if mine is None and len(stats) == 1:
        mine = next(iter(stats.values()))
    if not mine:
        return 0, None
    mine = as_object(mine)
    minutes = int(mine.get("playtime") or 0)
    if minutes < 0:
        raise ValueError("negative playtime")
    last = mine.get("lastSession")
    return minutes, _timestamp(str(last)) if last else None


def _timestamp(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _date(value: str) -> date | None:
    """The calendar day as GOG writes it: ``1998-06-16T00:00:00+0200`` is the 16th, although
    converting it to UTC would make it the 15th."""
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _expires_at(value: object) -> datetime:
    """A stored expiry; anything unreadable counts as expired, so it is simply refreshed."""
    if isinstance(value, str) and value:
        try:
            return _timestamp(value)
        except ValueError:
            pass
    return datetime.min.replace(tzinfo=UTC)


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def _absolute(url: str) -> str:
    return f"https:{url}" if url.startswith("//") else url


def _image(value: object, suffix: str = ".jpg") -> str:
    """GOG sends image *bases* (``//images-1.gog.com/<hash>``) that take a size suffix."""
    if not isinstance(value, str) or not value:
        return ""
    url = _absolute(value)
    return url if not suffix or url.rsplit("/", 1)[-1].count(".") else url + suffix


def _product_id(value: object) -> str:
    if isinstance(value, bool):
        raise TypeError("product id is a boolean")
    text = str(value).strip()
    if not text.isdigit():
        raise ValueError("product id is not a number")
    return str(int(text))


def _page_count(value: object) -> int:
    if isinstance(value, bool):
        raise TypeError("page count is a boolean")
    pages = int(value)  # type: ignore[call-overload]
    if pages < 0 or pages > MAX_PAGES:
        raise ValueError(f"implausible page count {pages}")
    return pages


def _check_id(value: str) -> str:
    text = str(value).strip()
    if not text.isdigit() or int(text) <= 0:
        raise InvalidIdentifier(f"'{value}' is not a GOG product id.")
    return str(int(text))


def _signed_out(response: httpx.Response) -> bool:
    if response.status_code == 401:
        return True
    # userData.json answers a request it cannot tie to an account with isLoggedIn: false.
    if response.status_code == 200 and response.url.path.endswith(_USER_DATA):
        try:
            body = response.json()
        except ValueError:
            return False
        return isinstance(body, dict) and body.get("isLoggedIn") is False
    return False


@contextmanager
def _shape(endpoint: str) -> Iterator[None]:
    """Turn a KeyError/TypeError deep in parsing into one MalformedResponse naming the call."""
    try:
        yield
    except PlatformError:
        raise
    except _SHAPE_ERRORS as exc:
        raise MalformedResponse(
            f"GOG sent an answer from {endpoint} in a shape we do not understand "
            f"({type(exc).__name__}: {clip(redact(str(exc)))})."
        ) from None


def _json(response: httpx.Response, endpoint: str) -> Any:
    try:
        return response.json()
    except ValueError:
        raise MalformedResponse(
            f"GOG sent an unreadable (non-JSON or truncated) answer from {endpoint}."
        ) from None


def _object_json(response: httpx.Response, endpoint: str) -> dict[str, Any]:
    body = _json(response, endpoint)
    if not isinstance(body, dict):
        raise MalformedResponse(f"GOG sent an unexpected answer from {endpoint}.")
    return body


def _unexpected(response: httpx.Response, endpoint: str) -> NoReturn:
    """A status this call has no meaning for: permanent, since retrying will not change it."""
    raise PlatformError(
        f"GOG answered {endpoint} with HTTP {response.status_code}.", permanent=True
    )


def _rate_limit(value: object) -> tuple[int, int]:
    """Accept the settings tuple ``(requests, seconds)`` or the env form ``"60/60"``."""
    if isinstance(value, str):
        requests, _, seconds = value.partition("/")
        return int(requests), int(seconds)
    if isinstance(value, tuple | list) and len(value) == 2:
        return int(value[0]), int(value[1])
    raise ValueError(
        f"{value!r} is not a rate limit; use (requests, seconds) or 'REQUESTS/SECONDS'."
    )
