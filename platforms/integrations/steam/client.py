"""Steam Web API and store client: HTTP in, typed records out, no ORM.

Every call goes through ``platforms.http.HttpClient`` (limiter + retries), so this module is only
about what Steam's answers *mean*. The tricky part is that one status code can mean several
things (docs/wire-formats.md, "Failures at a glance"): a 403 is a bad key when the body is
HTML, a private profile when it is JSON from GetPlayerAchievements, and an unknown app when it
is ``{}`` from the global percentages. Each method states which answers it expects; anything
else is reported, never guessed at.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn

import httpx

from platforms.contract import Capability, Connection, CredentialStore
from platforms.errors import (
    InvalidCredentials,
    InvalidIdentifier,
    MalformedResponse,
    PlatformError,
    PrivateProfile,
    RateLimited,
    UnknownUser,
)
from platforms.http import HttpClient, RetryPolicy, redact, retry_from_settings
from platforms.integrations.steam import parsing
from platforms.ratelimit import SlidingWindowLimiter, limiter_for
from platforms.records import (
    AchievementDefinition,
    AchievementStatus,
    GameDetails,
    OwnedGame,
    PlayerAchievements,
    PlayerProfile,
    RecentGame,
)
from platforms.wire import clip

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.steampowered.com"
DEFAULT_STORE_URL = "https://store.steampowered.com"
DEFAULT_API_RATE_LIMIT = (250, 300)  # ≤ 72,000 calls a day; the SPEC says why
DEFAULT_STORE_RATE_LIMIT = (200, 300)
# Repeated store 429s escalate to 403 blocks on the whole IP; docs/sync.md ("Retries, rate limits
# and progress messages") says to stop the endpoint for 15 minutes when one appears.
STORE_BLOCK_PAUSE_SECONDS = 15 * 60
# The store counts requests over 5 minutes, so a 1 s backoff base would spend all five attempts
# inside the window that just said no, and repeated 429s are what earn the 403 block. Same
# attempts and budget as the Web API, slower steps.
STORE_RETRY_SCALES = {"base_scale": 10.0, "cap_scale": 2.0}

_RESOLVE_VANITY = "/ISteamUser/ResolveVanityURL/v1/"
_PLAYER_SUMMARIES = "/ISteamUser/GetPlayerSummaries/v2/"
_OWNED_GAMES = "/IPlayerService/GetOwnedGames/v1/"
_RECENT_GAMES = "/IPlayerService/GetRecentlyPlayedGames/v1/"
_SCHEMA = "/ISteamUserStats/GetSchemaForGame/v2/"
_GLOBAL_PERCENTAGES = "/ISteamUserStats/GetGlobalAchievementPercentagesForApp/v2/"
_PLAYER_ACHIEVEMENTS = "/ISteamUserStats/GetPlayerAchievements/v1/"
_APP_DETAILS = "/api/appdetails"

_SHAPE_ERRORS = (KeyError, TypeError, ValueError, AttributeError)


class SteamClient:
    """One Steam account's view of the Web API plus the keyless store.

    Build it with ``from_settings()`` in the app; tests build it directly against the fake
    server. It holds two connection pools, so close it (or use it as a context manager).
    """

    def __init__(
        self,
        api_key: str,
        api_url: str,
        store_url: str,
        api_limiter: SlidingWindowLimiter,
        store_limiter: SlidingWindowLimiter,
        retry: RetryPolicy,
        timeout: float = 10.0,
        *,
        store_retry: RetryPolicy | None = None,
    ) -> None:
        self._api_key = api_key or ""
        self._api = HttpClient(
            api_url, limiter=api_limiter, retry=retry, timeout=timeout, label="Steam"
        )
        self._store = HttpClient(
            store_url,
            limiter=store_limiter,
            retry=store_retry or retry,
            timeout=timeout,
            label="The Steam store",
        )

    @classmethod
    def from_settings(cls, api_key: str | None = None) -> SteamClient:
        """A client configured from Django settings; ``api_key`` overrides ``STEAM_API_KEY``
        (a library's own stored key). Reads settings lazily so importing this module never
        needs Django configured."""
        from django.conf import settings

        key = api_key if api_key is not None else getattr(settings, "STEAM_API_KEY", "") or ""
        redis_url = getattr(settings, "REDIS_URL", "") or None
        api_requests, api_seconds = _rate_limit(
            getattr(settings, "STEAM_API_RATE_LIMIT", DEFAULT_API_RATE_LIMIT)
        )
        store_requests, store_seconds = _rate_limit(
            getattr(settings, "STEAM_STORE_RATE_LIMIT", DEFAULT_STORE_RATE_LIMIT)
        )
        return cls(
            api_key=key,
            api_url=getattr(settings, "STEAM_API_URL", DEFAULT_API_URL) or DEFAULT_API_URL,
            store_url=getattr(settings, "STEAM_STORE_URL", DEFAULT_STORE_URL) or DEFAULT_STORE_URL,
            api_limiter=limiter_for("steam-api", api_requests, api_seconds, redis_url),
            store_limiter=limiter_for("steam-store", store_requests, store_seconds, redis_url),
            retry=retry_from_settings(),
            timeout=float(getattr(settings, "STEAM_HTTP_TIMEOUT", 10.0)),
            store_retry=retry_from_settings(**STORE_RETRY_SCALES),
        )

    def __repr__(self) -> str:
        return f"<SteamClient key={'set' if self._api_key else 'missing'}>"

    def connect(self, values: Mapping[str, str]) -> Connection:
        """Resolve the account the user typed and read its owned list once: that proves the
        key works, the account exists and its game details are visible. A key typed in the form
        is the library's own; without one, the server's STEAM_API_KEY is used."""
        own_key = (values.get("api_key") or "").strip()
        if own_key:
            self._api_key = own_key
        if not self._api_key:
            raise InvalidCredentials(
                "No Steam Web API key: enter yours, since this server has no STEAM_API_KEY."
            )
        profile = self.resolve_user(values.get("account") or "")
        self.get_owned_games(profile.external_id)
        return Connection(profile=profile, credentials={"api_key": own_key} if own_key else {})

    @property
    def api_limiter(self) -> SlidingWindowLimiter:
        """The Web API budget, e.g. for estimating how long an achievements phase will take."""
        return self._api.limiter

    @property
    def store_limiter(self) -> SlidingWindowLimiter:
        """The store budget; the metadata phase's ETA is bounded by it, not by us."""
        return self._store.limiter

    def budget_for(self, capability: Capability) -> SlidingWindowLimiter | None:
        """Metadata comes from the store (its own per-IP limit), everything else from the
        Web API (the key's quota); see contract.BudgetedClient."""
        return self.store_limiter if capability == Capability.METADATA else self.api_limiter

    def close(self) -> None:
        self._api.close()
        self._store.close()

    def __enter__(self) -> SteamClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- accounts ------------------------------------------------------------------------------

    def resolve_user(self, identifier: str) -> PlayerProfile:
        """Find the account behind a SteamID64, custom URL name or profile URL."""
        kind, value = parsing.parse_identifier(identifier)
        if kind == "vanity":
            body = self._api_json(_RESOLVE_VANITY, {"vanityurl": value})
            with _shape(_RESOLVE_VANITY):
                response = _object(body["response"])
                success = response["success"]
                if success == 42:
                    raise UnknownUser(f"No Steam account uses the custom URL name '{value}'.")
                if success != 1:
                    raise ValueError(f"unexpected success code {success!r}")
                steamid = str(response["steamid"])
            if not parsing.is_steamid64(steamid):
                raise MalformedResponse(f"Steam resolved '{value}' to an invalid SteamID.")
        else:
            steamid = value
        body = self._api_json(_PLAYER_SUMMARIES, {"steamids": steamid})
        with _shape(_PLAYER_SUMMARIES):
            players = _object(body["response"])["players"]
            match = next((p for p in players if str(p.get("steamid")) == steamid), None)
            if match is None:
                raise UnknownUser(f"No Steam account has the SteamID64 {steamid}.")
            return parsing.parse_player(match)

    # --- libraries -----------------------------------------------------------------------------

    def get_owned_games(self, steamid: str) -> list[OwnedGame]:
        """Every owned game with playtime; PrivateProfile when game details are hidden."""
        _check_steamid(steamid)
        body = self._api_json(
            _OWNED_GAMES,
            {"steamid": steamid, "include_appinfo": 1, "include_played_free_games": 1},
        )
        with _shape(_OWNED_GAMES):
            response = _object(body["response"])
            if "game_count" not in response:
                # Steam answers a private library with an empty object, not an error status.
                raise PrivateProfile(
                    "This Steam profile's game details are private. Set 'Game details' to "
                    "Public in Steam's privacy settings, then sync again."
                )
            return [parsing.parse_owned_game(g) for g in response.get("games") or []]

    def get_recently_played(self, steamid: str) -> list[RecentGame]:
        """Games played in the last two weeks, including borrowed Family games."""
        _check_steamid(steamid)
        body = self._api_json(_RECENT_GAMES, {"steamid": steamid})
        with _shape(_RECENT_GAMES):
            response = _object(body["response"])
            if "total_count" not in response:
                raise PrivateProfile("This Steam profile's recent activity is private.")
            return [parsing.parse_recent_game(g) for g in response.get("games") or []]

    # --- store metadata ------------------------------------------------------------------------

    def get_app_details(self, appid: int | str) -> GameDetails | None:
        """Store metadata for one app; None when the store no longer lists it."""
        app = _check_appid(appid)
        response = self._store.get(
            _APP_DETAILS, {"appids": app, "l": "english", "cc": "us"}, throttled=_is_null_body
        )
        if response.status_code == 403:
            self._store.limiter.pause(STORE_BLOCK_PAUSE_SECONDS)
            retry_at = datetime.now(UTC) + timedelta(seconds=STORE_BLOCK_PAUSE_SECONDS)
            raise RateLimited(
                "The Steam store refused our requests (HTTP 403), which it does after too many "
                f"requests; store lookups are paused until {retry_at:%H:%M} UTC.",
                retry_at=retry_at,
            )
        if response.status_code != 200:
            _unexpected(response, _APP_DETAILS, "The Steam store")
        body = _json(response, _APP_DETAILS)
        with _shape(_APP_DETAILS):
            entry = _object(_object(body)[app])
            if entry.get("success") is not True:
                return None
            return parsing.parse_app_details(app, entry["data"])

    # --- achievements --------------------------------------------------------------------------

    def get_achievement_schema(self, appid: int | str) -> list[AchievementDefinition]:
        """A game's achievements with global unlock rates; [] when it has none."""
        app = _check_appid(appid)
        body = self._api_json(_SCHEMA, {"appid": app, "l": "english"})
        with _shape(_SCHEMA):
            stats = _object(body["game"]).get("availableGameStats") or {}
            entries = stats.get("achievements") or []
        if not entries:
            return []
        percentages = self.get_global_percentages(app)
        with _shape(_SCHEMA):
            return [parsing.parse_achievement_definition(e, percentages) for e in entries]

    def get_global_percentages(self, appid: int | str) -> dict[str, float] | None:
        """Share of all players who unlocked each achievement, by name; None when unknown."""
        app = _check_appid(appid)
        # Keyless endpoint: a 403 here means an unknown app, never a bad key. Percentages are
        # decoration, so anything but a transient failure just leaves them out.
        response = self._api.get(_GLOBAL_PERCENTAGES, {"gameid": app, "format": "json"})
        if response.status_code != 200:
            logger.info(
                "No global achievement percentages for app %s (HTTP %d)", app, response.status_code
            )
            return None
        try:
            return parsing.parse_percentages(_json(response, _GLOBAL_PERCENTAGES))
        except (MalformedResponse, *_SHAPE_ERRORS):
            logger.warning("Unreadable global achievement percentages for app %s", app)
            return None

    def get_player_achievements(self, steamid: str, appid: int | str) -> PlayerAchievements:
        """A player's unlocks in one game, or why there are none to read."""
        _check_steamid(steamid)
        app = _check_appid(appid)
        response = self._api_get(
            _PLAYER_ACHIEVEMENTS, {"steamid": steamid, "appid": app, "l": "english"}
        )
        status = response.status_code
        if status not in (200, 400, 403) or (status == 400 and _is_html(response)):
            _unexpected(response, _PLAYER_ACHIEVEMENTS)
        body = _json(response, _PLAYER_ACHIEVEMENTS)
        with _shape(_PLAYER_ACHIEVEMENTS):
            stats = _object(body["playerstats"])
            if status == 403:
                return PlayerAchievements(status="private", achievements=[])
            if status == 400 or stats.get("success") is not True:
                error = str(stats.get("error", ""))
                state: AchievementStatus = (
                    "private" if "not public" in error.lower() else "no_stats"
                )
                return PlayerAchievements(status=state, achievements=[])
            entries = stats.get("achievements") or []
            return PlayerAchievements(
                status="ok",
                achievements=[parsing.parse_player_achievement(e) for e in entries],
            )

    # --- plumbing ------------------------------------------------------------------------------

    def _api_get(self, path: str, params: Mapping[str, str | int]) -> httpx.Response:
        """A keyed Web API call; a 401/403 HTML page twice in a row means the key is bad."""
        if not self._api_key:
            raise InvalidCredentials(
                "No Steam Web API key is set. Get one at https://steamcommunity.com/dev/apikey "
                "and add it to the library's settings."
            )
        query = {"key": self._api_key, **params, "format": "json"}
        response = self._api.get(path, query)
        if _key_refused(response):
            # Steam's front ends now and then refuse a working key once (seen live: one 403
            # in a sync of hundreds of calls). A revoked key is refused every time, so one
            # repeat after a short pause tells the two apart for the price of one request.
            logger.info("Steam refused the Web API key on %s; asking once more", path)
            self._api.retry.sleep(self._api.retry.base)
            response = self._api.get(path, query)
        if _key_refused(response):
            raise InvalidCredentials(
                "Steam rejected the Web API key (access denied). Check that the key is "
                "correct and has not been revoked at https://steamcommunity.com/dev/apikey."
            )
        return response

    def _api_json(self, path: str, params: Mapping[str, str | int]) -> dict[str, Any]:
        response = self._api_get(path, params)
        if response.status_code != 200:
            _unexpected(response, path)
        body = _json(response, path)
        if not isinstance(body, dict):
            raise MalformedResponse(f"Steam sent an unexpected answer from {path}.")
        return body


@contextmanager
def _shape(endpoint: str) -> Iterator[None]:
    """Turn a KeyError/TypeError deep in parsing into one MalformedResponse naming the call."""
    try:
        yield
    except PlatformError:
        raise
    except _SHAPE_ERRORS as exc:
        raise MalformedResponse(
            f"Steam sent an answer from {endpoint} in a shape we do not understand "
            f"({type(exc).__name__}: {clip(redact(str(exc)))})."
        ) from None


def _object(value: object) -> dict[str, Any]:
    """Insist on a JSON object, so ``[]`` is a shape error rather than an "empty" answer."""
    if not isinstance(value, dict):
        raise TypeError(f"expected an object, got {type(value).__name__}")
    return value


def _json(response: httpx.Response, endpoint: str) -> Any:
    try:
        return response.json()
    except ValueError:
        raise MalformedResponse(
            f"Steam sent an unreadable (non-JSON or truncated) answer from {endpoint}."
        ) from None


def _is_html(response: httpx.Response) -> bool:
    if "html" in response.headers.get("Content-Type", "").lower():
        return True
    return response.text.lstrip().startswith("<")


def _key_refused(response: httpx.Response) -> bool:
    """A 401/403 HTML page from a keyed Web API call: Steam's answer to a key it refuses."""
    return response.status_code in (401, 403) and _is_html(response)


def _is_null_body(response: httpx.Response) -> bool:
    """Older store behaviour: rate limiting answered as 200 with a ``null`` (or empty) body."""
    return response.status_code == 200 and response.text.strip() in ("", "null")


def _unexpected(response: httpx.Response, endpoint: str, label: str = "Steam") -> NoReturn:
    """A status this call has no meaning for: permanent, since retrying will not change it."""
    detail = ""
    if _is_html(response):
        detail = parsing.html_to_text(response.text).replace("\n", " ").strip()
    message = f"{label} answered {endpoint} with HTTP {response.status_code}"
    raise PlatformError(
        redact(f"{message}: {clip(detail)}." if detail else f"{message}."), permanent=True
    )


def _check_steamid(steamid: str) -> None:
    if not isinstance(steamid, str) or not parsing.is_steamid64(steamid):
        raise InvalidIdentifier(f"'{steamid}' is not a SteamID64 (17 digits starting 7656119).")


def _check_appid(appid: int | str) -> str:
    text = str(appid).strip()
    if isinstance(appid, bool) or not text.isdigit() or int(text) <= 0:
        raise InvalidIdentifier(f"'{appid}' is not a Steam app id.")
    return str(int(text))


def _rate_limit(value: object) -> tuple[int, int]:
    """Accept the settings tuple ``(requests, seconds)`` or the env form ``"100/300"``."""
    if isinstance(value, str):
        requests, _, seconds = value.partition("/")
        return int(requests), int(seconds)
    if isinstance(value, tuple | list) and len(value) == 2:
        return int(value[0]), int(value[1])
    raise ValueError(
        f"{value!r} is not a rate limit; use (requests, seconds) or 'REQUESTS/SECONDS'."
    )


def build_client(credentials: CredentialStore) -> SteamClient:
    """The integration's client factory: the library's own key, else STEAM_API_KEY."""
    return SteamClient.from_settings((credentials.load().get("api_key") or "").strip() or None)
