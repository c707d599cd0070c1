"""Xbox account client through OpenXBL (xbl.io): HTTP in, typed records out, no ORM.

OpenXBL relays Xbox Live for the Microsoft account its personal API key belongs to; the key goes
in the ``X-Authorization`` header of every call and never expires by itself (its owner can
delete or regenerate it, and OpenXBL loses access when the owner's Microsoft sign-in there
lapses). Xbox Live knows which titles an account has *played*, not what it bought, so the
"owned" list is the title history, games only.

Answers and error shapes relied on are written down in docs/integrations/xbox.md.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn
from urllib.parse import quote

import httpx

from platforms.contract import Connection, CredentialStore
from platforms.errors import (
    InvalidCredentials,
    InvalidIdentifier,
    MalformedResponse,
    PlatformError,
    PlatformUnavailable,
    RateLimited,
    ReconnectRequired,
)
from platforms.http import HttpClient, RetryPolicy, redact, retry_from_settings
from platforms.ratelimit import SlidingWindowLimiter, limiter_for
from platforms.records import (
    AchievementDefinition,
    OwnedGame,
    PlayerAchievement,
    PlayerAchievements,
    PlayerProfile,
)
from platforms.wire import as_object, clip

logger = logging.getLogger(__name__)

DEFAULT_URL = "https://xbl.io"
DEFAULT_RATE_LIMIT = (140, 3600)

_ACCOUNT = "/api/v2/account"
_HISTORY = "/api/v2/player/titleHistory"
_STATS = "/api/v2/player/stats"
_ACHIEVEMENTS = "/api/v2/achievements/player/{xuid}/{title_id}"
# Xbox Live's user-stats batch takes at most 100 stats per request.
STATS_BATCH = 100
# Far more pages of one title's achievements than any game has.
MAX_ACHIEVEMENT_PAGES = 50

CONNECT_REFUSED = (
    "OpenXBL did not accept that API key. Copy it again from your profile page at xbl.io "
    "(the whole key, nothing around it) and check that it has not been deleted there."
)
RECONNECT_MESSAGE = (
    "OpenXBL no longer accepts this library's API key (it was deleted or regenerated, or the "
    "Xbox sign-in at xbl.io expired). Sign in at xbl.io again and paste the key on the "
    "library's page."
)
_SHAPE_ERRORS = (KeyError, TypeError, ValueError, AttributeError)
_KEY_RE = re.compile(r"[\x21-\x7e]{16,200}")
# Xbox Live writes "never" as the first day of year 1.
_NEVER = datetime(1900, 1, 1, tzinfo=UTC)


def check_key(value: str) -> str:
    key = (value or "").strip()
    if not key:
        raise InvalidIdentifier("Paste the API key from your profile page at xbl.io.")
    if not _KEY_RE.fullmatch(key):
        raise InvalidIdentifier(
            "That is not an OpenXBL API key: copy the key from your profile page at xbl.io, "
            "without spaces around it."
        )
    return key


class _RateLimitHeaders(httpx.BaseTransport):
    """Turns OpenXBL's ``X-RateLimit-Reset`` on a 429 into the ``Retry-After`` the shared
    HTTP layer honours, so a spent hourly quota parks a run until the quota is back instead of
    until an exponential backoff step a few seconds away."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        if response.status_code == 429 and "Retry-After" not in response.headers:
            seconds = reset_seconds(response.headers.get("X-RateLimit-Reset"))
            if seconds is not None:
                response.headers["Retry-After"] = str(seconds)
        return response

    def close(self) -> None:
        self._inner.close()


def reset_seconds(value: str | None, now: float | None = None) -> int | None:
    """Seconds until an ``X-RateLimit-Reset``: a Unix time (what Laravel-style throttles send)
    or, for small values, already a number of seconds."""
    if value is None or not value.strip().isdigit():
        return None
    number = int(value.strip())
    if number > 1_000_000_000:
        number = int(number - (time.time() if now is None else now))
    return max(0, number)


class XboxClient:
    """One Xbox account through its OpenXBL API key (read from a CredentialStore).

    Build it with ``build_client``; each key gets its own limiter, since OpenXBL counts its
    quota per key. Close it, or use it as a context manager.
    """

    def __init__(
        self,
        credentials: CredentialStore,
        *,
        url: str = DEFAULT_URL,
        rate_limit: tuple[int, int] = DEFAULT_RATE_LIMIT,
        redis_url: str | None = None,
        retry: RetryPolicy,
        timeout: float = 20.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._store = credentials
        self._url = url
        self._rate_limit = rate_limit
        self._redis_url = redis_url
        self._retry = retry
        self._timeout = timeout
        self._transport = transport
        self._key = ""
        self._connecting = False
        self._http_client: HttpClient | None = None
        # The last title's achievements: the schema and the player's unlocks come from one call.
        self._cached: tuple[str, str, list[dict[str, Any]] | None] | None = None

    @classmethod
    def from_settings(cls, credentials: CredentialStore) -> XboxClient:
        """A client configured from Django settings, read lazily so importing this module
        never needs Django configured."""
        from django.conf import settings

        return cls(
            credentials,
            url=getattr(settings, "XBOX_OPENXBL_URL", "") or DEFAULT_URL,
            rate_limit=_rate_limit(getattr(settings, "XBOX_RATE_LIMIT", DEFAULT_RATE_LIMIT)),
            redis_url=getattr(settings, "REDIS_URL", "") or None,
            retry=retry_from_settings(),
            timeout=float(getattr(settings, "XBOX_HTTP_TIMEOUT", 20.0)),
        )

    def __repr__(self) -> str:  # never the key
        return f"<XboxClient xuid={self._store.load().get('xuid', '')!r}>"

    @property
    def limiter(self) -> SlidingWindowLimiter:
        return self._http().limiter

    def close(self) -> None:
        if self._http_client is not None:
            self._http_client.close()
            self._http_client = None

    def __enter__(self) -> XboxClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- connecting ----------------------------------------------------------------------------

    def connect(self, values: Mapping[str, str]) -> Connection:
        """Check the key with OpenXBL: whose account it opens, and that its history reads."""
        key = check_key(values.get("api_key") or "")
        self.close()
        self._key, self._connecting = key, True
        try:
            profile = self._profile()
            self._titles()
        finally:
            self._connecting = False
        return Connection(
            profile=profile, credentials={"api_key": key, "xuid": profile.external_id}
        )

    def _profile(self) -> PlayerProfile:
        body = self._get_json(_ACCOUNT)
        with _shape(_ACCOUNT):
            user = as_object(body["profileUsers"][0])
            xuid = _xuid(user["id"])
            settings = {str(as_object(s)["id"]): s.get("value") for s in user.get("settings") or []}
            gamertag = next(
                (
                    str(settings[name]).strip()
                    for name in ("Gamertag", "ModernGamertag", "UniqueModernGamertag")
                    if isinstance(settings.get(name), str) and str(settings[name]).strip()
                ),
                "",
            )
            avatar = settings.get("GameDisplayPicRaw")
        return PlayerProfile(
            external_id=xuid,
            display_name=gamertag or xuid,
            avatar_url=avatar if isinstance(avatar, str) and avatar.startswith("http") else "",
            profile_url=f"https://www.xbox.com/play/user/{quote(gamertag)}" if gamertag else "",
            is_public=True,
        )

    # --- library -------------------------------------------------------------------------------

    def get_owned_games(self, account_id: str) -> list[OwnedGame]:
        """Every game in the account's title history (apps left out), with minutes played from
        Xbox Live's user statistics where the title keeps them."""
        xuid = _xuid(account_id)
        titles = self._titles()
        minutes = self._minutes(xuid, [title.external_id for title in titles])
        return [
            OwnedGame(
                external_id=title.external_id,
                name=title.name,
                playtime_minutes=minutes.get(title.external_id, 0),
                last_played=title.last_played,
                icon_url=title.icon_url,
                has_stats=title.has_stats,
            )
            for title in titles
        ]

    def _titles(self) -> list[OwnedGame]:
        body = self._get_json(_HISTORY)
        games: dict[str, OwnedGame] = {}
        skipped = 0
        with _shape(_HISTORY):
            for raw in body["titles"]:
                title = as_object(raw)
                if not is_game(title):
                    skipped += 1
                    continue
                game = _title(title)
                games.setdefault(game.external_id, game)
        if skipped:
            logger.info("Xbox title history: %d apps and PC programs left out", skipped)
        return list(games.values())

    def _minutes(self, xuid: str, title_ids: list[str]) -> dict[str, int]:
        """title id -> minutes played, in batches of the stats endpoint's size."""
        found: dict[str, int] = {}
        for start in range(0, len(title_ids), STATS_BATCH):
            batch = title_ids[start : start + STATS_BATCH]
            payload = {
                "xuids": [xuid],
                "stats": [{"name": "MinutesPlayed", "titleId": title_id} for title_id in batch],
            }
            response = self._request("POST", _STATS, json=payload)
            body = _payload(response, _STATS, self)
            with _shape(_STATS):
                lists = list(body.get("statlistscollection") or [])
                for group in body.get("groups") or []:
                    lists.extend(as_object(group).get("statlistscollection") or [])
                for stat_list in lists:
                    for raw in as_object(stat_list).get("stats") or []:
                        stat = as_object(raw)
                        if stat.get("name") != "MinutesPlayed" or stat.get("value") in (None, ""):
                            continue  # a title that keeps no such statistic
                        minutes = int(str(stat["value"]))
                        if minutes < 0:
                            raise ValueError("negative minutes")
                        found[_title_id(stat["titleid"])] = minutes
        return found

    # --- achievements --------------------------------------------------------------------------

    def get_achievement_schema(self, external_id: str) -> list[AchievementDefinition]:
        """The title's achievements as the account sees them (names, icons, rarity); [] when
        it has none."""
        xuid = _xuid(str(self._store.load().get("xuid") or ""))
        entries = self._achievements(xuid, _check_title(external_id), keep=True) or []
        with _shape("achievements"):
            return [_definition(as_object(entry)) for entry in entries]

    def get_player_achievements(self, account_id: str, external_id: str) -> PlayerAchievements:
        entries = self._achievements(_xuid(account_id), _check_title(external_id), keep=False)
        if not entries:
            return PlayerAchievements(status="no_stats", achievements=[])
        with _shape("achievements"):
            return PlayerAchievements(
                status="ok", achievements=[_unlock(as_object(entry)) for entry in entries]
            )

    def _achievements(self, xuid: str, title_id: str, *, keep: bool) -> list[dict[str, Any]] | None:
        cached = self._cached
        self._cached = None
        if cached is not None and cached[:2] == (xuid, title_id):
            return cached[2]
        path = _ACHIEVEMENTS.format(xuid=xuid, title_id=title_id)
        entries: list[dict[str, Any]] = []
        token = ""
        for _ in range(MAX_ACHIEVEMENT_PAGES):
            params = {"continuationToken": token} if token else {}
            response = self._request("GET", path, params=params)
            if response.status_code == 404:
                return None
            body = _payload(response, "achievements", self)
            with _shape("achievements"):
                entries.extend(as_object(entry) for entry in body.get("achievements") or [])
                paging = body.get("pagingInfo") or {}
                token = str(as_object(paging).get("continuationToken") or "")
            if not token:
                break
        if keep:
            self._cached = (xuid, title_id, entries)
        return entries

    # --- plumbing ------------------------------------------------------------------------------

    def _http(self) -> HttpClient:
        if self._http_client is None:
            key = self._current_key()
            requests, seconds = self._rate_limit
            # Per key, named by a digest: OpenXBL counts per key; the name shows in messages.
            name = "xbox-" + hashlib.sha256(key.encode()).hexdigest()[:10]
            self._http_client = HttpClient(
                self._url,
                limiter=limiter_for(name, requests, seconds, self._redis_url),
                retry=self._retry,
                timeout=self._timeout,
                label="OpenXBL",
                transport=_RateLimitHeaders(self._transport or httpx.HTTPTransport()),
            )
        return self._http_client

    def _current_key(self) -> str:
        if not self._key:
            self._key = str(self._store.load().get("api_key") or "").strip()
        if not self._key:
            raise ReconnectRequired(RECONNECT_MESSAGE)
        return self._key

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        json: object = None,
    ) -> httpx.Response:
        http = self._http()
        headers = {"X-Authorization": self._current_key(), "Accept-Language": "en-US"}
        response = http.request(method, path, params=params, json=json, headers=headers)
        if response.status_code in (401, 403):
            self._refused()
        return response

    def _refused(self) -> NoReturn:
        if self._connecting:
            raise InvalidCredentials(CONNECT_REFUSED)
        raise ReconnectRequired(RECONNECT_MESSAGE)

    def _get_json(self, path: str) -> dict[str, Any]:
        return _payload(self._request("GET", path), path, self)


def build_client(credentials: CredentialStore) -> XboxClient:
    """The integration's client factory."""
    return XboxClient.from_settings(credentials)


# --- parsing ------------------------------------------------------------------------------------

# Media types of games in Xbox Live's catalogue, for the rare entry without a ``type``.
_GAME_MEDIA = ("Game", "DGame", "DGameDemo")


def is_game(title: Mapping[str, Any]) -> bool:
    """Whether a title-history entry is a game. Xbox Live types every entry ``Game`` or ``App``;
    PC programs the Xbox app merely noticed (device ``Win32`` only) are neither Xbox titles nor
    purchases, so they are left out too."""
    devices = title.get("devices") or []
    if isinstance(devices, list) and devices and all(d == "Win32" for d in devices):
        return False
    kind = title.get("type")
    if isinstance(kind, str) and kind:
        return kind.lower() == "game"
    media = title.get("mediaItemType")
    return isinstance(media, str) and media.endswith(_GAME_MEDIA)


def _title(title: dict[str, Any]) -> OwnedGame:
    name = title["name"]
    if not isinstance(name, str) or not name:
        raise TypeError("title name is not text")
    history = title.get("titleHistory") or {}
    last = as_object(history).get("lastTimePlayed")
    achievement = as_object(title.get("achievement") or {})
    legacy = achievement.get("sourceVersion") == 1 or title.get("devices") == ["Xbox360"]
    has_achievements = any(
        int(achievement.get(field) or 0) > 0
        for field in ("totalAchievements", "currentAchievements", "totalGamerscore")
    )
    image = title.get("displayImage")
    return OwnedGame(
        external_id=_title_id(title["titleId"]),
        name=name,
        last_played=_timestamp(last) if isinstance(last, str) and last else None,
        icon_url=_https(image) if isinstance(image, str) else "",
        # Xbox 360 achievements live behind a different, older endpoint (not read yet).
        has_stats=has_achievements and not legacy,
    )


def _definition(entry: dict[str, Any]) -> AchievementDefinition:
    icon = next(
        (
            str(as_object(asset).get("url") or "")
            for asset in entry.get("mediaAssets") or []
            if as_object(asset).get("type") == "Icon"
        ),
        "",
    )
    rarity = entry.get("rarity") or {}
    percent = as_object(rarity).get("currentPercentage")
    name = entry["name"]
    if not isinstance(name, str):
        raise TypeError("achievement name is not text")
    return AchievementDefinition(
        api_name=str(entry["id"]),
        display_name=name,
        description=str(entry.get("description") or entry.get("lockedDescription") or ""),
        hidden=bool(entry.get("isSecret")),
        icon_url=_https(icon),
        icon_gray_url="",
        global_percent=float(percent) if isinstance(percent, int | float) else None,
    )


def _unlock(entry: dict[str, Any]) -> PlayerAchievement:
    unlocked = entry.get("progressState") == "Achieved" and not entry.get("isRevoked")
    when = as_object(entry.get("progression") or {}).get("timeUnlocked")
    moment = _timestamp(when) if unlocked and isinstance(when, str) and when else None
    return PlayerAchievement(api_name=str(entry["id"]), unlocked=unlocked, unlocked_at=moment)


def _timestamp(value: str) -> datetime | None:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return None if moment < _NEVER else moment


def _https(url: str) -> str:
    return "https://" + url[7:] if url.startswith("http://") else url


def _title_id(value: object) -> str:
    if isinstance(value, bool):
        raise TypeError("title id is a boolean")
    text = str(value).strip()
    if not text.isdigit():
        raise ValueError("title id is not a number")
    return str(int(text))


def _check_title(value: str) -> str:
    text = str(value).strip()
    if not text.isdigit() or int(text) <= 0:
        raise InvalidIdentifier(f"'{value}' is not an Xbox title id.")
    return str(int(text))


def _xuid(value: object) -> str:
    text = str(value).strip()
    if not text.isdigit():
        raise InvalidIdentifier(f"'{value}' is not an Xbox account id (XUID).")
    return text


@contextmanager
def _shape(endpoint: str) -> Iterator[None]:
    """Turn a KeyError/TypeError deep in parsing into one MalformedResponse naming the call."""
    try:
        yield
    except PlatformError:
        raise
    except _SHAPE_ERRORS as exc:
        raise MalformedResponse(
            f"OpenXBL sent an answer from {endpoint} in a shape we do not understand "
            f"({type(exc).__name__}: {clip(redact(str(exc)))})."
        ) from None


def _payload(response: httpx.Response, endpoint: str, client: XboxClient) -> dict[str, Any]:
    """The answer's payload. OpenXBL wraps it as ``{"content": …, "code": 200}`` (older answers
    are bare); an error it relays from Xbox Live can arrive as a 200 whose ``code`` says so."""
    if response.status_code != 200:
        raise PlatformError(
            f"OpenXBL answered {endpoint} with HTTP {response.status_code}.", permanent=True
        )
    try:
        body = response.json()
    except ValueError:
        raise MalformedResponse(
            f"OpenXBL sent an unreadable (non-JSON or truncated) answer from {endpoint}."
        ) from None
    if not isinstance(body, dict):
        raise MalformedResponse(f"OpenXBL sent an unexpected answer from {endpoint}.")
    if "content" not in body:
        return body
    code = body.get("code", 200)
    if isinstance(code, int) and code != 200:
        _relayed_error(code, endpoint, client)
    content = body["content"]
    if not isinstance(content, dict):
        raise MalformedResponse(f"OpenXBL sent an unexpected answer from {endpoint}.")
    return content


def _relayed_error(code: int, endpoint: str, client: XboxClient) -> NoReturn:
    if code in (401, 403):
        client._refused()
    retry_at = datetime.now(UTC) + timedelta(minutes=5)
    if code == 429:
        raise RateLimited(
            f"Xbox Live is limiting how often OpenXBL may ask ({endpoint}); syncing will "
            f"resume after {retry_at:%Y-%m-%d %H:%M:%S} UTC.",
            retry_at=retry_at,
        )
    if code >= 500:
        raise PlatformUnavailable(
            f"Xbox Live did not answer OpenXBL properly ({endpoint}, code {code}); syncing "
            f"will resume after {retry_at:%Y-%m-%d %H:%M:%S} UTC.",
            retry_at=retry_at,
        )
    raise PlatformError(f"OpenXBL answered {endpoint} with code {code}.", permanent=True)


def _rate_limit(value: object) -> tuple[int, int]:
    """Accept the settings tuple ``(requests, seconds)`` or the env form ``"140/3600"``."""
    if isinstance(value, str):
        requests, _, seconds = value.partition("/")
        return int(requests), int(seconds)
    if isinstance(value, tuple | list) and len(value) == 2:
        return int(value[0]), int(value[1])
    raise ValueError(
        f"{value!r} is not a rate limit; use (requests, seconds) or 'REQUESTS/SECONDS'."
    )
