"""Epic Games Store account and catalogue client: HTTP in, typed records out, no ORM.

The account side speaks OAuth as the Epic launcher does: a one-time authorization code (copied
by the user from Epic's redirect page) is exchanged for an access token that lives a few hours
and a refresh token that Epic *rotates* on every refresh: the old one dies the moment a new one
is issued. The stored credentials are therefore the only copy of a working refresh token: after
every refresh the new set is written through the CredentialStore *before* the new access token is
used, so a crash between the two can never strand a library on a dead refresh token.

Releases are identified by the library item's ``appName`` (a codename such as "Sugar"), because
that is what Legendary and Heroic write in their files too, so an account sync and an imported
Legendary file land on the same release. The real title comes from the catalogue, looked up per
namespace in batches and kept for the life of the client (one sync).

Answers and error shapes relied on are written down in docs/integrations/epic.md.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, NoReturn, cast
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
from platforms.integrations.epic import CLIENT_ID, CLIENT_SECRET
from platforms.ratelimit import SlidingWindowLimiter, limiter_for
from platforms.records import GameDetails, OwnedGame, PlayerProfile
from platforms.wire import as_object, clip

logger = logging.getLogger(__name__)

DEFAULT_ACCOUNT_URL = "https://account-public-service-prod03.ol.epicgames.com"
DEFAULT_LIBRARY_URL = "https://library-service.live.use1a.on.epicgames.com"
DEFAULT_CATALOG_URL = "https://catalog-public-service-prod06.ol.epicgames.com"
DEFAULT_RATE_LIMIT = (300, 60)
# Refresh a little before the access token runs out, so a long catalogue walk never crosses it.
REFRESH_MARGIN = timedelta(seconds=120)
# Far more pages than any real library has; more is a cursor that never ends, not a library.
MAX_PAGES = 2000
# Catalogue ids per bulk request: the query string stays well under any URL limit.
CATALOG_BATCH = 50

_TOKEN = "/account/api/oauth/token"
_ITEMS = "/library/api/public/items"
_PLAYTIME = "/library/api/public/playtime/account/{account}/all"
_CATALOG = "/catalog/api/shared/namespace/{namespace}/bulk/items"

RECONNECT_MESSAGE = (
    "Epic signed this library out (the sign-in expired or was revoked); reconnect it from its "
    "page with a new code."
)
_SHAPE_ERRORS = (KeyError, TypeError, ValueError, AttributeError)
_HEX_CODE = re.compile(r"[0-9a-fA-F]{32}")
_JSON_CODE = re.compile(r'"authorizationCode"\s*:\s*(null|"([^"]*)")')
_EMAILED_CODE = re.compile(r"\d{4,8}")
# Image types by use, best first (the names Epic's catalogue gives its keyImages).
_COVER = ("DieselGameBoxTall", "OfferImageTall", "Thumbnail")
_HEADER = ("DieselGameBox", "OfferImageWide", "DieselStoreFrontWide")
_ICON = ("Thumbnail", "DieselGameBoxTall", "OfferImageTall")
_BACKGROUND = ("DieselStoreFrontWide", "OfferImageWide", "DieselGameBox")


def parse_code(text: str) -> str:
    """The authorization code from what the user pasted: the 32-character code itself, the JSON
    page Epic shows after signing in, or an address with ``code=`` in it."""
    value = (text or "").strip()
    if not value:
        raise InvalidIdentifier(
            "Paste the page Epic showed after you signed in, or the authorizationCode in it."
        )
    found = _JSON_CODE.search(value)
    if found:
        if found.group(1) == "null":
            raise InvalidIdentifier(
                "Epic showed no code on that page: sign in at Epic first, then open the "
                "sign-in link again and copy the new page."
            )
        value = found.group(2).strip()
    elif "code=" in value:
        parts = urlsplit(value if "://" in value else f"https://{value}")
        codes = parse_qs(parts.query).get("code") or []
        value = codes[0].strip() if codes else ""
        if not value:
            raise InvalidIdentifier(
                "That address has no code in it: copy the authorizationCode from the page "
                "Epic showed after you signed in."
            )
    value = value.strip("\"' ")
    if _EMAILED_CODE.fullmatch(value):
        raise InvalidIdentifier(
            "That is the sign-in code Epic emails you, not the authorization code: after signing "
            "in, open the link again and copy the authorizationCode from the page it shows."
        )
    if not _HEX_CODE.fullmatch(value):
        raise InvalidIdentifier(
            "That is not an Epic authorization code: paste the page Epic showed after you "
            "signed in, or the 32 letters and digits after authorizationCode in it."
        )
    return value.lower()


@dataclass(frozen=True, slots=True)
class LibraryItem:
    """One library record the client keeps: enough to find its catalogue entry again."""

    app_name: str
    namespace: str
    catalog_item_id: str
    sandbox_name: str
    acquired_at: datetime | None


class EpicClient:
    """One Epic account (through its CredentialStore) plus Epic's catalogue.

    Build it with ``build_client`` in the app; the three hosts share one limiter. Close it, or
    use it as a context manager. Library records and catalogue entries are kept for the life of
    the client, which is one sync run, so the metadata phase asks Epic nothing the owned phase
    already asked.
    """

    def __init__(
        self,
        credentials: CredentialStore,
        *,
        account_url: str = DEFAULT_ACCOUNT_URL,
        library_url: str = DEFAULT_LIBRARY_URL,
        catalog_url: str = DEFAULT_CATALOG_URL,
        client_id: str = CLIENT_ID,
        client_secret: str = CLIENT_SECRET,
        limiter: SlidingWindowLimiter,
        retry: RetryPolicy,
        timeout: float = 15.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._store = credentials
        self._credentials: dict[str, Any] | None = None
        self._clock = clock
        basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode("ascii")
        self._basic = f"basic {basic}"
        self._library: dict[str, LibraryItem] | None = None
        self._catalog: dict[tuple[str, str], dict[str, Any] | None] = {}

        def http(base: str) -> HttpClient:
            return HttpClient(base, limiter=limiter, retry=retry, timeout=timeout, label="Epic")

        self._account = http(account_url)
        self._library_http = http(library_url)
        self._catalog_http = http(catalog_url)

    @classmethod
    def from_settings(cls, credentials: CredentialStore) -> EpicClient:
        """A client configured from Django settings, read lazily so importing this module
        never needs Django configured."""
        from django.conf import settings

        requests, seconds = _rate_limit(getattr(settings, "EPIC_RATE_LIMIT", DEFAULT_RATE_LIMIT))
        redis_url = getattr(settings, "REDIS_URL", "") or None
        return cls(
            credentials,
            account_url=getattr(settings, "EPIC_ACCOUNT_URL", "") or DEFAULT_ACCOUNT_URL,
            library_url=getattr(settings, "EPIC_LIBRARY_URL", "") or DEFAULT_LIBRARY_URL,
            catalog_url=getattr(settings, "EPIC_CATALOG_URL", "") or DEFAULT_CATALOG_URL,
            client_id=getattr(settings, "EPIC_CLIENT_ID", "") or CLIENT_ID,
            client_secret=getattr(settings, "EPIC_CLIENT_SECRET", "") or CLIENT_SECRET,
            limiter=limiter_for("epic", requests, seconds, redis_url),
            retry=retry_from_settings(),
            timeout=float(getattr(settings, "EPIC_HTTP_TIMEOUT", 15.0)),
        )

    def __repr__(self) -> str:  # never a token
        return f"<EpicClient signed_in={bool(self._current().get('refresh_token'))}>"

    @property
    def limiter(self) -> SlidingWindowLimiter:
        return self._account.limiter

    def close(self) -> None:
        for http in (self._account, self._library_http, self._catalog_http):
            http.close()

    def __enter__(self) -> EpicClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- connecting ----------------------------------------------------------------------------

    def connect(self, values: Mapping[str, str]) -> Connection:
        """Exchange the pasted code, and read the library once to prove the account works."""
        code = parse_code(values.get("code") or "")
        response = self._account.post(
            _TOKEN,
            data={"grant_type": "authorization_code", "code": code, "token_type": "eg1"},
            headers={"Authorization": self._basic},
        )
        if response.status_code in (400, 401, 403, 404):
            raise InvalidCredentials(
                "Epic did not accept that code: a code works once and only for a few minutes, "
                "so sign in at Epic again and paste the new one."
            )
        if response.status_code != 200:
            _unexpected(response, _TOKEN)
        self._credentials = self._token_credentials(_json(response, _TOKEN), {})
        profile = self._profile()
        self.get_owned_games(profile.external_id)
        return Connection(profile=profile, credentials=self._current())

    def _profile(self) -> PlayerProfile:
        credentials = self._current()
        return PlayerProfile(
            external_id=str(credentials["account_id"]),
            display_name=str(credentials.get("display_name") or credentials["account_id"]),
            avatar_url="",
            # Epic has no public profile page for an account.
            profile_url="",
            is_public=True,
        )

    # --- library -------------------------------------------------------------------------------

    def get_owned_games(self, account_id: str) -> list[OwnedGame]:
        """Every owned game and DLC with its catalogue title and minutes played."""
        account = str(self._current().get("account_id") or account_id)
        library = self._library_items(refresh=True)
        self._load_catalog(list(library.values()))
        minutes = self._playtime(account)
        by_catalog_id = {item.catalog_item_id: item.app_name for item in library.values()}
        unknown = sum(
            1
            for i in library.values()
            if self._catalog.get((i.namespace, i.catalog_item_id)) is None
        )
        if unknown:
            logger.info("Epic's catalogue has no entry for %d library item(s)", unknown)
        games: list[OwnedGame] = []
        for item in library.values():
            entry = self._catalog.get((item.namespace, item.catalog_item_id))
            title, is_dlc, parent = _identity(item, entry, by_catalog_id)
            games.append(
                OwnedGame(
                    external_id=item.app_name,
                    name=title,
                    playtime_minutes=minutes.get(item.app_name, 0),
                    icon_url=_image(entry, _ICON),
                    is_dlc=is_dlc,
                    acquired_at=item.acquired_at,
                    parent_external_id=parent,
                )
            )
        return games

    def _library_items(self, *, refresh: bool = False) -> dict[str, LibraryItem]:
        """appName -> item, every page of the library, without Unreal Engine marketplace
        assets, private (developer) sandboxes and records that are not apps (subscriptions)."""
        if self._library is not None and not refresh:
            return self._library
        found: dict[str, LibraryItem] = {}
        cursor = ""
        for _ in range(MAX_PAGES):
            params: dict[str, str | int] = {"includeMetadata": "true"}
            if cursor:
                params["cursor"] = cursor
            body = self._authed_json(self._library_http, _ITEMS, params)
            with _shape(_ITEMS):
                for record in body["records"]:
                    item = _library_item(as_object(record))
                    if item is not None and item.app_name not in found:
                        found[item.app_name] = item
                metadata = body.get("responseMetadata") or {}
                following = as_object(metadata).get("nextCursor") or ""
                if not isinstance(following, str):
                    raise TypeError("nextCursor is not text")
            if not following or following == cursor:
                break
            cursor = following
        else:
            raise MalformedResponse(f"Epic kept sending more pages from {_ITEMS}.")
        self._library = found
        return found

    def _playtime(self, account_id: str) -> dict[str, int]:
        """appName -> minutes played. Epic sends seconds per artifact (the appName)."""
        path = _PLAYTIME.format(account=quote(account_id, safe=""))
        response = self._authed(self._library_http, path, {})
        if response.status_code in (403, 404):
            logger.info("Epic playtime is not available (HTTP %d)", response.status_code)
            return {}
        if response.status_code != 200:
            _unexpected(response, _PLAYTIME)
        body = _json(response, _PLAYTIME)
        minutes: dict[str, int] = {}
        with _shape(_PLAYTIME):
            if not isinstance(body, list):
                raise TypeError("playtime is not a list")
            for row in body:
                row = as_object(row)
                artifact = row["artifactId"]
                seconds = row["totalTime"]
                if not isinstance(artifact, str) or isinstance(seconds, bool):
                    raise TypeError("artifactId or totalTime has the wrong type")
                seconds = int(seconds)
                if seconds < 0:
                    raise ValueError("negative playtime")
                # The same artifact can be listed more than once (one row per machine in some
                # answers); each row is a total, so the largest is the total.
                minutes[artifact] = max(minutes.get(artifact, 0), (seconds + 30) // 60)
        return minutes

    # --- catalogue -----------------------------------------------------------------------------

    def _load_catalog(self, items: list[LibraryItem]) -> None:
        """Look up every item's catalogue entry not yet known, a batch of ids per namespace."""
        wanted: dict[str, list[str]] = {}
        for item in items:
            key = (item.namespace, item.catalog_item_id)
            if key not in self._catalog and item.catalog_item_id not in wanted.get(
                item.namespace, []
            ):
                wanted.setdefault(item.namespace, []).append(item.catalog_item_id)
        for namespace, ids in wanted.items():
            for start in range(0, len(ids), CATALOG_BATCH):
                batch = ids[start : start + CATALOG_BATCH]
                entries = self._catalog_batch(namespace, batch)
                for catalog_id in batch:
                    self._catalog[(namespace, catalog_id)] = entries.get(catalog_id)

    def _catalog_batch(self, namespace: str, ids: list[str]) -> dict[str, dict[str, Any]]:
        # httpx sends a list value as the parameter repeated (id=a&id=b), which is how the
        # bulk endpoint takes several ids.
        params = cast(
            "Mapping[str, str | int]",
            {
                "id": ids,
                "includeDLCDetails": "true",
                "includeMainGameDetails": "true",
                "country": "US",
                "locale": "en-US",
            },
        )
        path = _CATALOG.format(namespace=quote(namespace, safe=""))
        response = self._authed(self._catalog_http, path, params)
        if response.status_code == 404:
            return {}  # a namespace the catalogue no longer knows
        if response.status_code != 200:
            _unexpected(response, _CATALOG)
        body = _object_json(response, _CATALOG)
        entries: dict[str, dict[str, Any]] = {}
        with _shape(_CATALOG):
            for catalog_id, entry in body.items():
                entry = as_object(entry)
                if not isinstance(entry.get("title"), str):
                    raise TypeError("a catalogue entry has no title")
                entries[catalog_id] = entry
        return entries

    def get_app_details(self, external_id: str) -> GameDetails | None:
        """Catalogue metadata of an owned item (by appName); None when Epic no longer lists it
        in the library or the catalogue."""
        app_name = _check_app_name(external_id)
        item = self._library_items().get(app_name)
        if item is None:
            return None
        key = (item.namespace, item.catalog_item_id)
        if key not in self._catalog:
            self._load_catalog([item])
        entry = self._catalog.get(key)
        if entry is None:
            return None
        by_catalog_id = {i.catalog_item_id: i.app_name for i in self._library_items().values()}
        with _shape(_CATALOG):
            return _details(item, entry, by_catalog_id)

    # --- tokens --------------------------------------------------------------------------------

    def _current(self) -> dict[str, Any]:
        if self._credentials is None:
            self._credentials = dict(self._store.load())
        return self._credentials

    def _save(self, credentials: dict[str, Any]) -> None:
        self._store.save(credentials)
        self._credentials = credentials

    def _token_credentials(self, body: Any, previous: Mapping[str, Any]) -> dict[str, Any]:
        now = self._clock()
        with _shape(_TOKEN):
            body = as_object(body)
            access, refresh = body["access_token"], body["refresh_token"]
            if not (isinstance(access, str) and access and isinstance(refresh, str) and refresh):
                raise ValueError("empty token")
            account_id = str(body.get("account_id") or previous.get("account_id") or "")
            if not account_id:
                raise ValueError("no account id")
            lifetime = int(body.get("expires_in") or 7200)
            expires_at = _moment(body.get("expires_at")) or now + timedelta(seconds=lifetime)
            refresh_expires_at = _moment(body.get("refresh_expires_at"))
            if refresh_expires_at is None and body.get("refresh_expires"):
                refresh_expires_at = now + timedelta(seconds=int(body["refresh_expires"]))
            name = body.get("displayName")
            display_name = name if isinstance(name, str) and name.strip() else ""
        return {
            **previous,
            "access_token": access,
            "refresh_token": refresh,
            "expires_at": expires_at.isoformat(),
            "refresh_expires_at": refresh_expires_at.isoformat() if refresh_expires_at else "",
            "account_id": account_id,
            "display_name": display_name or str(previous.get("display_name") or ""),
        }

    def _access_token(self) -> str:
        credentials = self._current()
        token = credentials.get("access_token") or ""
        expiring = _expires_at(credentials.get("expires_at")) <= self._clock() + REFRESH_MARGIN
        if not token or expiring:
            return self._refresh()
        return str(token)

    def _refresh(self) -> str:
        """A new token set, saved through the store before anything uses it. Epic rotates the
        refresh token: from this answer on, only the new one works."""
        credentials = self._current()
        refresh_token = credentials.get("refresh_token") or ""
        if not refresh_token:
            raise ReconnectRequired(RECONNECT_MESSAGE)
        refresh_ends = _moment(credentials.get("refresh_expires_at"))
        if refresh_ends is not None and refresh_ends <= self._clock():
            raise ReconnectRequired(RECONNECT_MESSAGE)
        response = self._account.post(
            _TOKEN,
            data={
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
                "token_type": "eg1",
            },
            headers={"Authorization": self._basic},
        )
        if response.status_code in (400, 401, 403, 404):
            raise ReconnectRequired(RECONNECT_MESSAGE)
        if response.status_code != 200:
            _unexpected(response, _TOKEN)
        renewed = self._token_credentials(_json(response, _TOKEN), credentials)
        self._save(renewed)
        logger.info("Epic sign-in renewed")
        return str(renewed["access_token"])

    def _authed(
        self, http: HttpClient, path: str, params: Mapping[str, str | int]
    ) -> httpx.Response:
        """A call with the account's token: refreshed first when about to expire, and once
        more (then repeated once) when Epic answers that it is no longer valid."""
        token = self._access_token()
        response = http.get(path, params, headers={"Authorization": f"bearer {token}"})
        if response.status_code != 401:
            return response
        token = self._refresh()
        response = http.get(path, params, headers={"Authorization": f"bearer {token}"})
        if response.status_code == 401:
            raise ReconnectRequired(RECONNECT_MESSAGE)
        return response

    def _authed_json(
        self, http: HttpClient, path: str, params: Mapping[str, str | int]
    ) -> dict[str, Any]:
        response = self._authed(http, path, params)
        if response.status_code != 200:
            _unexpected(response, path)
        return _object_json(response, path)


def build_client(credentials: CredentialStore) -> EpicClient:
    """The integration's client factory."""
    return EpicClient.from_settings(credentials)


# --- parsing ------------------------------------------------------------------------------------


def _library_item(record: dict[str, Any]) -> LibraryItem | None:
    app_name = record.get("appName")
    namespace = record["namespace"]
    catalog_id = record["catalogItemId"]
    if not (isinstance(namespace, str) and isinstance(catalog_id, str)):
        raise TypeError("namespace or catalogItemId is not text")
    # Records without an app (subscriptions, bundles' entitlements) are not games; "ue" is the
    # Unreal Engine marketplace; private sandboxes are developers' test builds.
    if not isinstance(app_name, str) or not app_name.strip():
        return None
    if namespace == "ue" or record.get("sandboxType") == "PRIVATE" or not catalog_id:
        return None
    acquired = record.get("acquisitionDate")
    sandbox = record.get("sandboxName")
    return LibraryItem(
        app_name=app_name.strip(),
        namespace=namespace,
        catalog_item_id=catalog_id,
        sandbox_name=sandbox if isinstance(sandbox, str) else "",
        acquired_at=_moment(acquired),
    )


def _identity(
    item: LibraryItem, entry: dict[str, Any] | None, by_catalog_id: Mapping[str, str]
) -> tuple[str, bool, str]:
    """(title, is DLC, the base game's appName) of a library item."""
    if entry is None:
        # The catalogue does not know the item (delisted): the sandbox name is the best title
        # Epic gives; the codename is the last resort.
        return item.sandbox_name or item.app_name, False, ""
    return str(entry["title"]), _is_dlc(entry), _parent_app_name(entry, by_catalog_id)


def _is_dlc(entry: Mapping[str, Any]) -> bool:
    if isinstance(entry.get("mainGameItem"), dict):
        return True
    return any(path == "addons" or path.startswith("addons/") for path in _categories(entry))


def _parent_app_name(entry: Mapping[str, Any], by_catalog_id: Mapping[str, str]) -> str:
    """A DLC's base game by its appName: from the library when the base game is owned, else
    from the base game's own catalogue entry (its release's appId)."""
    main = entry.get("mainGameItem")
    if not isinstance(main, dict):
        return ""
    main_id = main.get("id")
    if isinstance(main_id, str) and main_id in by_catalog_id:
        return by_catalog_id[main_id]
    for release in main.get("releaseInfo") or []:
        app_id = release.get("appId") if isinstance(release, dict) else None
        if isinstance(app_id, str) and app_id:
            return app_id
    return ""


def _details(
    item: LibraryItem, entry: dict[str, Any], by_catalog_id: Mapping[str, str]
) -> GameDetails:
    title = entry["title"]
    if not isinstance(title, str):
        raise TypeError("title is not text")
    is_dlc = _is_dlc(entry)
    parent = _parent_app_name(entry, by_catalog_id) if is_dlc else ""
    main = entry.get("mainGameItem")
    released = _release_date(entry)
    attributes = entry.get("customAttributes") or {}
    attributes = attributes if isinstance(attributes, dict) else {}
    developer = entry.get("developer") or _attribute(attributes, "developerName")
    publisher = _attribute(attributes, "publisherName")
    platforms = sorted(
        {
            _PLATFORMS[name]
            for release in entry.get("releaseInfo") or []
            if isinstance(release, dict)
            for name in release.get("platform") or []
            if name in _PLATFORMS
        }
    )
    raw: dict[str, Any] = {"catalog": entry, "appName": item.app_name}
    if is_dlc and isinstance(main, dict) and isinstance(main.get("title"), str):
        # The base game's title, for a base game Game Djinn has not seen yet.
        raw["fullgame"] = {"name": main["title"]}
    description = str(entry.get("description") or "")
    return GameDetails(
        external_id=item.app_name,
        store_name=title,
        type="dlc" if is_dlc else "game",
        description=description.strip(),
        about_html=str(entry.get("longDescription") or ""),
        genres=[],
        categories=[],
        developers=[str(developer)] if developer else [],
        publishers=[publisher] if publisher else [],
        release_date=released,
        release_date_text=released.isoformat() if released else "",
        coming_soon=False,
        esrb_rating="",
        esrb_descriptors=[],
        pegi_rating="",
        required_age=0,
        content_descriptor_ids=[],
        content_descriptor_notes="",
        metacritic_score=None,
        metacritic_url="",
        header_image=_image(entry, _HEADER),
        capsule_image=_image(entry, _COVER),
        library_image=_image(entry, _COVER),
        background_image=_image(entry, _BACKGROUND),
        screenshots=[],
        platforms=platforms,
        is_free=False,
        parent_external_id=parent or None,
        website="",
        raw=raw,
    )


_PLATFORMS = {"Windows": "windows", "Win32": "windows", "Mac": "mac", "Linux": "linux"}


def _release_date(entry: Mapping[str, Any]) -> date | None:
    """The earliest date a release of the item was added to the store; Epic's catalogue has no
    separate release-date field."""
    dates = [
        moment.date()
        for release in entry.get("releaseInfo") or []
        if isinstance(release, dict) and (moment := _moment(release.get("dateAdded"))) is not None
    ]
    return min(dates) if dates else None


def _attribute(attributes: Mapping[str, Any], name: str) -> str:
    value = attributes.get(name)
    text = value.get("value") if isinstance(value, dict) else None
    return text.strip() if isinstance(text, str) else ""


def _categories(entry: Mapping[str, Any]) -> list[str]:
    return [
        str(category.get("path") or "")
        for category in entry.get("categories") or []
        if isinstance(category, dict)
    ]


def _image(entry: Mapping[str, Any] | None, kinds: tuple[str, ...]) -> str:
    if not entry:
        return ""
    images = {
        image.get("type"): image.get("url")
        for image in entry.get("keyImages") or []
        if isinstance(image, dict)
    }
    for kind in kinds:
        url = images.get(kind)
        if isinstance(url, str) and url.startswith(("https://", "http://")):
            return url
    return ""


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _expires_at(value: object) -> datetime:
    """A stored expiry; anything unreadable counts as expired, so it is simply refreshed."""
    return _moment(value) or datetime.min.replace(tzinfo=UTC)


def _check_app_name(value: str) -> str:
    text = str(value).strip()
    if not text or len(text) > 200 or any(c.isspace() or c in "/?#&" for c in text):
        raise InvalidIdentifier(f"'{clip(text, 60)}' is not an Epic app name.")
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
            f"Epic sent an answer from {endpoint} in a shape we do not understand "
            f"({type(exc).__name__}: {clip(redact(str(exc)))})."
        ) from None


def _json(response: httpx.Response, endpoint: str) -> Any:
    try:
        return json.loads(response.content)
    except ValueError:
        raise MalformedResponse(
            f"Epic sent an unreadable (non-JSON or truncated) answer from {endpoint}."
        ) from None


def _object_json(response: httpx.Response, endpoint: str) -> dict[str, Any]:
    body = _json(response, endpoint)
    if not isinstance(body, dict):
        raise MalformedResponse(f"Epic sent an unexpected answer from {endpoint}.")
    return body


def _unexpected(response: httpx.Response, endpoint: str) -> NoReturn:
    """A status this call has no meaning for: permanent, since retrying will not change it.
    Epic's error bodies can quote the token they refuse, so the body is never repeated."""
    raise PlatformError(
        f"Epic answered {endpoint} with HTTP {response.status_code}.", permanent=True
    )


def _rate_limit(value: object) -> tuple[int, int]:
    """Accept the settings tuple ``(requests, seconds)`` or the env form ``"300/60"``."""
    if isinstance(value, str):
        requests, _, seconds = value.partition("/")
        return int(requests), int(seconds)
    if isinstance(value, tuple | list) and len(value) == 2:
        return int(value[0]), int(value[1])
    raise ValueError(
        f"{value!r} is not a rate limit; use (requests, seconds) or 'REQUESTS/SECONDS'."
    )
