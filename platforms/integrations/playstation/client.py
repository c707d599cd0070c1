"""PlayStation Network client: HTTP in, typed records out, no ORM.

Sign-in is the PlayStation Android app's: the NPSSO cookie of a signed-in playstation.com session
buys a one-time authorization code (``authorize`` answers with a redirect whose Location carries
it), which is exchanged for an access token (about an hour) and a refresh token (about two
months). The stored credentials keep the NPSSO too, so a refresh token Sony refuses is replaced
from the NPSSO while that still works; when neither works the library needs reconnecting.
Renewed credentials are written through the CredentialStore *before* the new token is used.

A refresh token with fewer than ``EXPIRY_WARNING`` left sets ``expires_soon_at`` (when sign-in
will stop working, ISO 8601) in the saved credentials, so the app can ask for a new NPSSO before
syncing fails; the key disappears again once a new NPSSO is pasted.

The owned list merges two lists keyed differently: played titles (PS4/PS5, by title id such as
``CUSA01433_00``) and trophy titles (every platform, by trophy-set id such as ``NPWR12345_00``).
See ``merge_titles`` and docs/integrations/playstation.md.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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
from platforms.integrations.playstation import (
    ANDROID_BASIC_AUTH,
    ANDROID_CLIENT_ID,
    REDIRECT_URI,
    SCOPE,
)
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

DEFAULT_AUTH_URL = "https://ca.account.sony.com"
DEFAULT_API_URL = "https://m.np.playstation.com"
DEFAULT_RATE_LIMIT = (300, 900)
# Refresh a little before the access token runs out, so a long page walk never crosses expiry.
REFRESH_MARGIN = timedelta(seconds=60)
# How long before the refresh token (and so the sign-in) dies the library is flagged.
EXPIRY_WARNING = timedelta(days=7)
PLAYED_PAGE = 200
TROPHY_TITLES_PAGE = 800
TROPHIES_PAGE = 500
# Title ids the trophy mapping endpoint takes per request.
MAPPING_BATCH = 5
# At most this many mapping requests per owned-list read; further unmatched trophy sets stay
# entries of their own (see merge_titles).
MAX_MAPPING_REQUESTS = 40
MAX_PAGES = 2000

_AUTHORIZE = "/api/authz/v3/oauth/authorize"
_TOKEN = "/api/authz/v3/oauth/token"
_SUMMARY = "/api/trophy/v1/users/me/trophySummary"
_PROFILE = "/api/userProfile/v1/internal/users/{account}/profiles"
_PLAYED = "/api/gamelist/v2/users/me/titles"
_TROPHY_TITLES = "/api/trophy/v1/users/me/trophyTitles"
_MAPPING = "/api/trophy/v1/users/me/titles/trophyTitles"
_TROPHIES = "/api/trophy/v1/npCommunicationIds/{np}/trophyGroups/all/trophies"
_EARNED = "/api/trophy/v1/users/me/npCommunicationIds/{np}/trophyGroups/all/trophies"

RECONNECT_MESSAGE = (
    "PlayStation signed this library out; get a new NPSSO token from Sony's token page "
    "and reconnect the library from its page."
)
REJECTED_MESSAGE = (
    "PlayStation did not accept that NPSSO token (it may have expired or been copied "
    "incompletely). Sign in at playstation.com, open Sony's token page again and paste the new "
    "value."
)
_SHAPE_ERRORS = (KeyError, TypeError, ValueError, AttributeError)
_NPSSO_RE = re.compile(r"[A-Za-z0-9]{64}")
_TITLE_ID_RE = re.compile(r"[A-Z]{4}\d{5}_\d{2}")
_NP_ID_RE = re.compile(r"NPWR\d{5}_\d{2}")
_DURATION_RE = re.compile(
    r"P(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?"
)
_MODERN = frozenset({"PS4", "PS5"})
_CATEGORY_PLATFORM = {"ps4_game": "PS4", "ps5_native_game": "PS5"}


class _Rejected(Exception):
    """Sony refused the NPSSO, a code or a refresh token (never carries the value)."""


# --- parsing helpers that tests use directly ------------------------------------------------------


def parse_npsso(text: str) -> str:
    """The 64-character NPSSO from what the user pasted: the token itself, ``npsso=…``, or the
    whole ``{"npsso":"…"}`` line of Sony's token page."""
    value = (text or "").strip()
    if not value:
        raise InvalidIdentifier("Paste the NPSSO token from Sony's token page.")
    if value.startswith("{"):
        try:
            body = json.loads(value)
        except ValueError:
            body = None
        value = str(body.get("npsso") or "") if isinstance(body, dict) else ""
    elif "npsso" in value:
        found = re.search(r"npsso[\"']?\s*[:=]\s*[\"']?([A-Za-z0-9]+)", value)
        value = found.group(1) if found else ""
    value = value.strip().strip("\"'")
    if not _NPSSO_RE.fullmatch(value):
        raise InvalidIdentifier(
            'That is not an NPSSO token: copy the 64 letters and digits after "npsso" on '
            "Sony's token page (or the whole line)."
        )
    return value


def parse_duration_minutes(value: object) -> int:
    """Whole minutes of an ISO 8601 duration as PSN writes playtime (``PT12H34M56S``; days
    appear as ``P1DT2H``). Seconds are truncated: 59 s played is 0 minutes."""
    if value is None or value == "":
        return 0
    if not isinstance(value, str):
        raise TypeError("playDuration is not text")
    match = _DURATION_RE.fullmatch(value.strip())
    if match is None or value.strip() in ("P", "PT"):
        raise ValueError(f"unreadable duration {value[:40]!r}")
    parts = {name: float(number) for name, number in match.groupdict().items() if number}
    seconds = (
        parts.get("days", 0) * 86400
        + parts.get("hours", 0) * 3600
        + parts.get("minutes", 0) * 60
        + parts.get("seconds", 0)
    )
    return int(seconds // 60)


def normalized_name(name: str) -> str:
    """The comparable form of a title: trophy lists often add ``Trophies`` or a ™ to the game's
    name, and write full-width letters or other punctuation."""
    # Marks go before NFKC, which would spell ™ as "TM".
    text = unicodedata.normalize("NFKC", re.sub(r"[™®©]", " ", name)).casefold()
    text = re.sub(r"[^\w]+", " ", text).strip()
    return re.sub(r"\s+(trophies|trophy)$", "", text).strip()


@dataclass(frozen=True, slots=True)
class PlayedTitle:
    """One PS4/PS5 title of the played list (gamelist), with the console's own figures."""

    title_id: str
    name: str
    image_url: str
    platform: str  # "PS4" | "PS5"
    minutes: int
    last_played: datetime | None


@dataclass(frozen=True, slots=True)
class TrophyTitle:
    """One trophy set the account has started (any platform)."""

    np_communication_id: str
    service: str  # "trophy" (PS3/PS4/Vita) | "trophy2" (PS5)
    name: str
    icon_url: str
    platforms: frozenset[str]  # e.g. {"PS3", "PSVITA"}
    last_updated: datetime | None
    defined: int
    earned: int


@dataclass(frozen=True, slots=True)
class TrophySetRef:
    np_communication_id: str
    service: str


MappingLookup = Callable[[Sequence[str]], Mapping[str, Sequence[TrophySetRef]]]


def merge_titles(
    played: Iterable[PlayedTitle],
    trophy_titles: Iterable[TrophyTitle],
    lookup: MappingLookup | None = None,
) -> tuple[list[OwnedGame], dict[str, TrophySetRef]]:
    """One entry per game from both lists, and the trophy set of each entry that has one.

    The key is the title id (``CUSA01433_00``) for every game of the played list; a trophy set
    (``NPWR…``) is attached to the played titles it belongs to, first by name and platform
    (free), then through Sony's title-id → trophy-set mapping for what is left (``lookup``, a
    few requests). A trophy set that matches no played title is an entry of its own keyed by its
    NPWR id: PS3, Vita and PSP games (never in the played list) and PS4/PS5 games the played
    list does not show. Playtime and last played come from the played list; a trophy-only entry
    has no playtime and its last played is when it last earned a trophy."""
    by_title: dict[str, PlayedTitle] = {}
    for title in played:
        known = by_title.get(title.title_id)
        if known is not None:  # a title repeated across pages: keep the fuller figures
            title = PlayedTitle(
                known.title_id,
                known.name or title.name,
                known.image_url or title.image_url,
                known.platform,
                max(known.minutes, title.minutes),
                _latest(known.last_played, title.last_played),
            )
        by_title[title.title_id] = title

    index: dict[tuple[str, str], list[str]] = {}
    for title in by_title.values():
        index.setdefault((normalized_name(title.name), title.platform), []).append(title.title_id)

    sets: dict[str, TrophySetRef] = {}
    trophy_of: dict[str, TrophyTitle] = {}
    pending: dict[str, TrophyTitle] = {}
    seen: set[str] = set()
    for trophy in trophy_titles:
        if trophy.np_communication_id in seen:
            continue  # a set repeated across pages
        seen.add(trophy.np_communication_id)
        key = normalized_name(trophy.name)
        matches = [
            title_id
            for platform in sorted(trophy.platforms & _MODERN)
            for title_id in index.get((key, platform), [])
            if title_id not in sets
        ]
        if not matches:
            pending[trophy.np_communication_id] = trophy
            continue
        for title_id in matches:
            sets[title_id] = TrophySetRef(trophy.np_communication_id, trophy.service)
            trophy_of[title_id] = trophy

    modern_pending = any(t.platforms & _MODERN for t in pending.values())
    unmatched = [title_id for title_id in by_title if title_id not in sets]
    if lookup is not None and modern_pending and unmatched:
        for title_id, refs in lookup(unmatched).items():
            for ref in refs:
                found = pending.get(ref.np_communication_id)
                if found is not None and title_id in by_title and title_id not in sets:
                    sets[title_id] = TrophySetRef(found.np_communication_id, found.service)
                    trophy_of[title_id] = found
        attached = {ref.np_communication_id for ref in sets.values()}
        pending = {np: t for np, t in pending.items() if np not in attached}

    games: list[OwnedGame] = []
    for title in by_title.values():
        trophy_set = trophy_of.get(title.title_id)
        games.append(
            OwnedGame(
                external_id=title.title_id,
                name=title.name,
                playtime_minutes=title.minutes,
                last_played=title.last_played
                or (trophy_set.last_updated if trophy_set is not None else None),
                icon_url=title.image_url,
                has_stats=trophy_set is not None and trophy_set.defined > 0,
            )
        )
    for trophy in pending.values():
        sets[trophy.np_communication_id] = TrophySetRef(trophy.np_communication_id, trophy.service)
        games.append(
            OwnedGame(
                external_id=trophy.np_communication_id,
                name=trophy.name,
                last_played=trophy.last_updated,
                icon_url=trophy.icon_url,
                has_stats=trophy.defined > 0,
            )
        )
    return games, sets


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    return max((moment for moment in (a, b) if moment is not None), default=None)


# --- the client -----------------------------------------------------------------------------------


class PlayStationClient:
    """One PlayStation account through its CredentialStore. Build it with ``build_client``;
    both hosts share one limiter. Close it, or use it as a context manager."""

    def __init__(
        self,
        credentials: CredentialStore,
        *,
        auth_url: str = DEFAULT_AUTH_URL,
        api_url: str = DEFAULT_API_URL,
        client_id: str = ANDROID_CLIENT_ID,
        basic_auth: str = ANDROID_BASIC_AUTH,
        limiter: SlidingWindowLimiter,
        retry: RetryPolicy,
        timeout: float = 10.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._store = credentials
        self._credentials: dict[str, Any] | None = None
        self._client_id = client_id
        self._basic_auth = basic_auth
        self._clock = clock
        self._renewal_tried = False
        # Trophy set of each entry, learnt while listing (saves a mapping call per game).
        self._sets: dict[str, TrophySetRef | None] = {}
        self._auth = HttpClient(
            auth_url, limiter=limiter, retry=retry, timeout=timeout, label="PlayStation"
        )
        self._api = HttpClient(
            api_url, limiter=limiter, retry=retry, timeout=timeout, label="PlayStation"
        )

    @classmethod
    def from_settings(cls, credentials: CredentialStore) -> PlayStationClient:
        """A client configured from Django settings, read lazily so importing this module
        never needs Django configured."""
        from django.conf import settings

        requests, seconds = _rate_limit(
            getattr(settings, "PLAYSTATION_RATE_LIMIT", DEFAULT_RATE_LIMIT)
        )
        redis_url = getattr(settings, "REDIS_URL", "") or None
        return cls(
            credentials,
            auth_url=getattr(settings, "PLAYSTATION_AUTH_URL", "") or DEFAULT_AUTH_URL,
            api_url=getattr(settings, "PLAYSTATION_API_URL", "") or DEFAULT_API_URL,
            client_id=getattr(settings, "PLAYSTATION_CLIENT_ID", "") or ANDROID_CLIENT_ID,
            basic_auth=getattr(settings, "PLAYSTATION_CLIENT_BASIC_AUTH", "") or ANDROID_BASIC_AUTH,
            limiter=limiter_for("playstation", requests, seconds, redis_url),
            retry=retry_from_settings(),
            timeout=float(getattr(settings, "PLAYSTATION_HTTP_TIMEOUT", 10.0)),
        )

    def __repr__(self) -> str:  # never a token
        return f"<PlayStationClient signed_in={bool(self._current().get('refresh_token'))}>"

    @property
    def limiter(self) -> SlidingWindowLimiter:
        return self._api.limiter

    def close(self) -> None:
        self._auth.close()
        self._api.close()

    def __enter__(self) -> PlayStationClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- connecting ----------------------------------------------------------------------------

    def connect(self, values: Mapping[str, str]) -> Connection:
        """Sign in with the pasted NPSSO, read who it is, and read the owned list once."""
        npsso = parse_npsso(values.get("npsso") or "")
        self._renewal_tried = True  # these tokens come straight from the NPSSO
        try:
            body = self._tokens_from_npsso(npsso)
        except _Rejected:
            raise InvalidCredentials(REJECTED_MESSAGE) from None
        self._credentials = self._token_credentials(body, {"npsso": npsso})
        profile = self._profile()
        self._credentials = {**self._current(), "account_id": profile.external_id}
        self.get_owned_games(profile.external_id)
        return Connection(profile=profile, credentials=self._current())

    def _profile(self) -> PlayerProfile:
        summary = self._authed_json(_SUMMARY, {})
        with _shape(_SUMMARY):
            account_id = str(summary["accountId"]).strip()
            if not account_id.isdigit():
                raise ValueError("account id is not a number")
        path = _PROFILE.format(account=account_id)
        body = self._authed_json(path, {})
        with _shape(_PROFILE):
            online_id = body["onlineId"]
            if not isinstance(online_id, str) or not online_id.strip():
                raise ValueError("no online id")
            avatars = {
                str(as_object(a).get("size")): str(as_object(a).get("url") or "")
                for a in body.get("avatars") or []
            }
        return PlayerProfile(
            external_id=account_id,
            display_name=online_id.strip(),
            avatar_url=avatars.get("l") or avatars.get("m") or next(iter(avatars.values()), ""),
            profile_url="",
            is_public=True,
        )

    # --- library -------------------------------------------------------------------------------

    def get_owned_games(self, account_id: str) -> list[OwnedGame]:
        """Every played PS4/PS5 title and every trophy title, merged (see merge_titles)."""
        played = self._played_titles()
        trophies = self._trophy_titles()
        games, sets = merge_titles(played, trophies, self._map_title_ids)
        self._sets.update(sets)
        return games

    def _played_titles(self) -> list[PlayedTitle]:
        found: list[PlayedTitle] = []
        for body in self._pages(
            _PLAYED, {"categories": "ps4_game,ps5_native_game", "limit": PLAYED_PAGE}
        ):
            with _shape(_PLAYED):
                for item in body["titles"]:
                    item = as_object(item)
                    title_id = str(item["titleId"]).strip()
                    if not _TITLE_ID_RE.fullmatch(title_id):
                        raise ValueError("title id is not a PSN title id")
                    name = item.get("name")
                    if not isinstance(name, str) or not name:
                        raise TypeError("name is not text")
                    category = str(item.get("category") or "")
                    found.append(
                        PlayedTitle(
                            title_id=title_id,
                            name=name,
                            image_url=str(item.get("imageUrl") or ""),
                            platform=_CATEGORY_PLATFORM.get(category, "PS4"),
                            minutes=parse_duration_minutes(item.get("playDuration")),
                            last_played=_moment(item.get("lastPlayedDateTime")),
                        )
                    )
        return found

    def _trophy_titles(self) -> list[TrophyTitle]:
        found: list[TrophyTitle] = []
        for body in self._pages(_TROPHY_TITLES, {"limit": TROPHY_TITLES_PAGE}):
            with _shape(_TROPHY_TITLES):
                found.extend(_trophy_title(item) for item in body["trophyTitles"])
        return found

    def _pages(self, path: str, params: Mapping[str, str | int]) -> Iterator[dict[str, Any]]:
        """Each page of an offset-paginated list, following ``nextOffset`` to the end."""
        offset = 0
        for _ in range(MAX_PAGES):
            body = self._authed_json(path, {**params, "offset": offset})
            yield body
            with _shape(path):
                following = body.get("nextOffset")
                if following is None or isinstance(following, bool):
                    return
                following = int(following)
            if following <= offset:
                return
            offset = following
        raise MalformedResponse(f"PlayStation kept paging {path} past {MAX_PAGES} pages.")

    def _map_title_ids(self, title_ids: Sequence[str]) -> dict[str, list[TrophySetRef]]:
        """title id → trophy sets, from Sony's mapping endpoint (a few ids per request)."""
        found: dict[str, list[TrophySetRef]] = {}
        batches = [
            title_ids[i : i + MAPPING_BATCH] for i in range(0, len(title_ids), MAPPING_BATCH)
        ]
        if len(batches) > MAX_MAPPING_REQUESTS:
            logger.info(
                "PlayStation: %d played titles left unmatched by name; mapping the first %d",
                len(title_ids),
                MAX_MAPPING_REQUESTS * MAPPING_BATCH,
            )
        for batch in batches[:MAX_MAPPING_REQUESTS]:
            body = self._authed_json(_MAPPING, {"npTitleIds": ",".join(batch)})
            with _shape(_MAPPING):
                for entry in body.get("titles") or []:
                    entry = as_object(entry)
                    title_id = str(entry["npTitleId"])
                    found[title_id] = [
                        TrophySetRef(
                            str(as_object(t)["npCommunicationId"]),
                            _service(as_object(t).get("npServiceName")),
                        )
                        for t in entry.get("trophyTitles") or []
                    ]
        return found

    # --- trophies (the AchievementsClient) ---------------------------------------------------

    def get_achievement_schema(self, external_id: str) -> list[AchievementDefinition]:
        """Every trophy of the entry's trophy set (all groups, DLC included)."""
        ref = self._trophy_set(external_id)
        if ref is None:
            return []
        body = self._trophies(_TROPHIES.format(np=quote(ref.np_communication_id)), ref)
        if body is None:
            return []
        with _shape(_TROPHIES):
            return [
                AchievementDefinition(
                    api_name=str(int(as_object(t)["trophyId"])),
                    display_name=str(t.get("trophyName") or f"Trophy {t['trophyId']}"),
                    description=_trophy_description(t),
                    hidden=bool(t.get("trophyHidden")),
                    icon_url=str(t.get("trophyIconUrl") or ""),
                    icon_gray_url="",
                    global_percent=None,
                )
                for t in body["trophies"]
            ]

    def get_player_achievements(self, account_id: str, external_id: str) -> PlayerAchievements:
        """Which trophies of the entry's set this account earned, and when. Read as "me", the
        signed-in account, which sees its own trophies whatever its privacy settings."""
        ref = self._trophy_set(external_id)
        if ref is None:
            return PlayerAchievements("no_stats", [])
        body = self._trophies(_EARNED.format(np=quote(ref.np_communication_id)), ref)
        if body is None:
            return PlayerAchievements("no_stats", [])
        with _shape(_EARNED):
            return PlayerAchievements(
                "ok",
                [
                    PlayerAchievement(
                        api_name=str(int(as_object(t)["trophyId"])),
                        unlocked=bool(t.get("earned")),
                        unlocked_at=_moment(t.get("earnedDateTime")) if t.get("earned") else None,
                    )
                    for t in body["trophies"]
                ],
            )

    def _trophy_set(self, external_id: str) -> TrophySetRef | None:
        value = str(external_id).strip()
        if value in self._sets:
            return self._sets[value]
        if _NP_ID_RE.fullmatch(value):
            ref: TrophySetRef | None = TrophySetRef(value, "")  # service found on first call
        elif _TITLE_ID_RE.fullmatch(value):
            refs = self._map_title_ids([value]).get(value) or []
            ref = refs[0] if refs else None
        else:
            raise InvalidIdentifier(f"'{value}' is not a PlayStation title or trophy-set id.")
        self._sets[value] = ref
        return ref

    def _trophies(self, path: str, ref: TrophySetRef) -> dict[str, Any] | None:
        """All pages of a trophy list; None when Sony does not know the set. A set keyed by
        its NPWR id alone does not say whether it is a PS5 set ("trophy2"): try both."""
        services = [ref.service] if ref.service else ["trophy", "trophy2"]
        for service in services:
            trophies: list[Any] = []
            offset, body = 0, None
            for _ in range(MAX_PAGES):
                params: dict[str, str | int] = {
                    "npServiceName": service,
                    "limit": TROPHIES_PAGE,
                    "offset": offset,
                }
                response = self._authed(self._api, "GET", path, params=params)
                if response.status_code == 404:
                    body = None
                    break
                if response.status_code != 200:
                    _unexpected(response, path)
                body = _object_json(response, path)
                with _shape(path):
                    trophies.extend(body["trophies"])
                    following = body.get("nextOffset")
                    if following is None or int(following) <= offset:
                        break
                    offset = int(following)
            if body is not None:
                for key, known in list(self._sets.items()):
                    if known == ref:
                        self._sets[key] = TrophySetRef(ref.np_communication_id, service)
                return {**body, "trophies": trophies}
        return None

    # --- tokens --------------------------------------------------------------------------------

    def _current(self) -> dict[str, Any]:
        if self._credentials is None:
            self._credentials = dict(self._store.load())
        return self._credentials

    def _credentials_saved(self) -> bool:
        """Whether these credentials came from (or went to) the store, i.e. not mid-connect."""
        return bool(self._store.load().get("refresh_token"))

    def _keep(self, credentials: dict[str, Any]) -> None:
        """Save renewed credentials before anything uses them (mid-connect: keep them only)."""
        if self._credentials_saved():
            self._store.save(credentials)
        self._credentials = credentials

    def _tokens_from_npsso(self, npsso: str) -> Any:
        """NPSSO → authorization code → token answer. Raises _Rejected when Sony refuses."""
        response = self._auth.get(
            _AUTHORIZE,
            {
                "access_type": "offline",
                "client_id": self._client_id,
                "redirect_uri": REDIRECT_URI,
                "response_type": "code",
                "scope": SCOPE,
            },
            headers={"Cookie": f"npsso={npsso}"},
        )
        if response.status_code not in (301, 302, 303, 307, 308):
            if response.status_code in (200, 400, 401, 403):
                raise _Rejected  # a sign-in page or an error instead of the redirect
            _unexpected(response, _AUTHORIZE)
        query = parse_qs(urlsplit(response.headers.get("Location", "")).query)
        code = (query.get("code") or [""])[0]
        if not code:
            # e.g. error=login_required&error_code=4165: the NPSSO expired or is wrong.
            raise _Rejected
        return self._token_call(
            {
                "code": code,
                "grant_type": "authorization_code",
                "redirect_uri": REDIRECT_URI,
                "scope": SCOPE,
                "token_format": "jwt",
            }
        )

    def _token_call(self, data: Mapping[str, str]) -> Any:
        response = self._auth.post(
            _TOKEN,
            data=data,
            headers={"Authorization": f"Basic {self._basic_auth}"},
        )
        if response.status_code in (400, 401, 403):
            raise _Rejected
        if response.status_code != 200:
            _unexpected(response, _TOKEN)
        return _json(response, _TOKEN)

    def _token_credentials(self, body: Any, previous: Mapping[str, Any]) -> dict[str, Any]:
        now = self._clock()
        with _shape(_TOKEN):
            body = as_object(body)
            access = body["access_token"]
            refresh = body.get("refresh_token") or previous.get("refresh_token")
            if not (isinstance(access, str) and access and isinstance(refresh, str) and refresh):
                raise ValueError("empty token")
            lifetime = int(body.get("expires_in") or 3600)
            if "refresh_token_expires_in" in body:
                refresh_expires = now + timedelta(seconds=int(body["refresh_token_expires_in"]))
            else:
                refresh_expires = _expires_at(previous.get("refresh_expires_at"))
        return self._with_expiry_flag(
            {
                **previous,
                "access_token": access,
                "refresh_token": refresh,
                "expires_at": (now + timedelta(seconds=lifetime)).isoformat(),
                "refresh_expires_at": refresh_expires.isoformat(),
            }
        )

    def _with_expiry_flag(self, credentials: Mapping[str, Any]) -> dict[str, Any]:
        """``credentials`` with ``expires_soon_at`` set when the sign-in ends within
        EXPIRY_WARNING, and without it otherwise."""
        flagged = {k: v for k, v in credentials.items() if k != "expires_soon_at"}
        ends = _expires_at(flagged.get("refresh_expires_at"))
        if ends - self._clock() < EXPIRY_WARNING:
            flagged["expires_soon_at"] = ends.isoformat()
            logger.warning(
                "PlayStation sign-in of account %s ends at %s; a new NPSSO token is needed",
                flagged.get("account_id") or "(new)",
                ends.isoformat(timespec="minutes"),
            )
        return flagged

    def _access_token(self) -> str:
        credentials = self._current()
        now = self._clock()
        if (
            not self._renewal_tried
            and credentials.get("refresh_token")
            and _expires_at(credentials.get("refresh_expires_at")) - now < EXPIRY_WARNING
        ):
            self._renew_from_npsso()
            credentials = self._current()
        token = credentials.get("access_token") or ""
        if not token or _expires_at(credentials.get("expires_at")) <= now + REFRESH_MARGIN:
            return self._refresh()
        return str(token)

    def _renew_from_npsso(self) -> None:
        """The refresh token is about to die: a still-valid NPSSO buys a fresh sign-in; if it
        does not, carry on with the old one (the library is already flagged)."""
        self._renewal_tried = True
        credentials = self._current()
        try:
            body = self._tokens_from_npsso(str(credentials.get("npsso") or ""))
        except _Rejected:
            logger.info("PlayStation: the NPSSO token no longer renews the sign-in")
            flagged = self._with_expiry_flag(credentials)
            if flagged != credentials:
                self._keep(flagged)
            return
        self._keep(self._token_credentials(body, credentials))
        logger.info("PlayStation sign-in renewed from the NPSSO token")

    def _refresh(self) -> str:
        """A new access token, saved through the store before anything uses it; from the
        refresh token, else from the NPSSO, else the library must be reconnected."""
        credentials = self._current()
        refresh_token = str(credentials.get("refresh_token") or "")
        body: Any = None
        if refresh_token:
            try:
                body = self._token_call(
                    {
                        "refresh_token": refresh_token,
                        "grant_type": "refresh_token",
                        "scope": SCOPE,
                        "token_format": "jwt",
                    }
                )
            except _Rejected:
                logger.info("PlayStation refused the refresh token; trying the NPSSO token")
        if body is None:
            try:
                body = self._tokens_from_npsso(str(credentials.get("npsso") or ""))
            except _Rejected:
                raise ReconnectRequired(RECONNECT_MESSAGE) from None
        renewed = self._token_credentials(body, credentials)
        self._keep(renewed)
        logger.info("PlayStation sign-in renewed")
        return str(renewed["access_token"])

    def _authed(
        self,
        http: HttpClient,
        method: str,
        path: str,
        params: Mapping[str, str | int],
    ) -> httpx.Response:
        """A call with the account's token: renewed first when about to expire, and once more
        (then repeated once) when PSN answers 401."""
        token = self._access_token()
        response = http.get(path, params, headers={"Authorization": f"Bearer {token}"})
        if response.status_code != 401:
            return response
        token = self._refresh()
        response = http.get(path, params, headers={"Authorization": f"Bearer {token}"})
        if response.status_code == 401:
            raise ReconnectRequired(RECONNECT_MESSAGE)
        return response

    def _authed_json(self, path: str, params: Mapping[str, str | int]) -> dict[str, Any]:
        response = self._authed(self._api, "GET", path, params)
        if response.status_code != 200:
            _unexpected(response, path)
        return _object_json(response, path)


def build_client(credentials: CredentialStore) -> PlayStationClient:
    """The integration's client factory."""
    return PlayStationClient.from_settings(credentials)


# --- parsing ------------------------------------------------------------------------------------


def _trophy_title(item: object) -> TrophyTitle:
    item = as_object(item)
    np_id = str(item["npCommunicationId"]).strip()
    if not _NP_ID_RE.fullmatch(np_id):
        raise ValueError("npCommunicationId is not a trophy-set id")
    name = item["trophyTitleName"]
    if not isinstance(name, str) or not name:
        raise TypeError("trophyTitleName is not text")
    defined = as_object(item.get("definedTrophies") or {})
    earned = as_object(item.get("earnedTrophies") or {})
    platforms = frozenset(
        part.strip().upper()
        for part in str(item.get("trophyTitlePlatform") or "").split(",")
        if part.strip()
    )
    return TrophyTitle(
        np_communication_id=np_id,
        service=_service(item.get("npServiceName")),
        name=name,
        icon_url=str(item.get("trophyTitleIconUrl") or ""),
        platforms=platforms,
        last_updated=_moment(item.get("lastUpdatedDateTime")),
        defined=sum(_count(v) for v in defined.values()),
        earned=sum(_count(v) for v in earned.values()),
    )


def _trophy_description(trophy: Mapping[str, Any]) -> str:
    kind = str(trophy.get("trophyType") or "").capitalize()
    detail = str(trophy.get("trophyDetail") or "")
    return f"{kind} trophy. {detail}".strip() if kind else detail


def _service(value: object) -> str:
    text = str(value or "trophy")
    if text not in ("trophy", "trophy2"):
        raise ValueError("unknown npServiceName")
    return text


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("trophy count is not a whole number")
    return value


def _moment(value: object) -> datetime | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise TypeError("date is not text")
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _expires_at(value: object) -> datetime:
    """A stored expiry; anything unreadable counts as expired, so it is simply renewed."""
    if isinstance(value, str) and value:
        try:
            moment = _moment(value)
        except ValueError:
            moment = None
        if moment is not None:
            return moment
    return datetime.min.replace(tzinfo=UTC)


@contextmanager
def _shape(endpoint: str) -> Iterator[None]:
    """Turn a KeyError/TypeError deep in parsing into one MalformedResponse naming the call."""
    try:
        yield
    except PlatformError:
        raise
    except _SHAPE_ERRORS as exc:
        raise MalformedResponse(
            f"PlayStation sent an answer from {endpoint} in a shape we do not understand "
            f"({type(exc).__name__}: {clip(redact(str(exc)))})."
        ) from None


def _json(response: httpx.Response, endpoint: str) -> Any:
    try:
        return response.json()
    except ValueError:
        raise MalformedResponse(
            f"PlayStation sent an unreadable (non-JSON or truncated) answer from {endpoint}."
        ) from None


def _object_json(response: httpx.Response, endpoint: str) -> dict[str, Any]:
    body = _json(response, endpoint)
    if not isinstance(body, dict):
        raise MalformedResponse(f"PlayStation sent an unexpected answer from {endpoint}.")
    return body


def _unexpected(response: httpx.Response, endpoint: str) -> NoReturn:
    """A status this call has no meaning for: permanent, since retrying will not change it."""
    raise PlatformError(
        f"PlayStation answered {endpoint} with HTTP {response.status_code}.", permanent=True
    )


def _rate_limit(value: object) -> tuple[int, int]:
    """Accept the settings tuple ``(requests, seconds)`` or the env form ``"300/900"``."""
    if isinstance(value, str):
        requests, _, seconds = value.partition("/")
        return int(requests), int(seconds)
    if isinstance(value, tuple | list) and len(value) == 2:
        return int(value[0]), int(value[1])
    raise ValueError(
        f"{value!r} is not a rate limit; use (requests, seconds) or 'REQUESTS/SECONDS'."
    )
