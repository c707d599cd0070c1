"""HowLongToBeat client: the site's own search request, typed records out, no ORM.

HowLongToBeat has no API. Its web page searches by POSTing JSON to a path that the site changes
from time to time (``/api/search``, ``/api/find``, ``/api/bleed`` have all been it), so the base
URL and the path are settings and the feature is off until HLTB_URL is set. Every failure is the
caller's to swallow: HowLongToBeat only ever adds a time to beat, and IGDB's is the fallback.

Why not the ``howlongtobeatpy`` package: it scrapes the site's JavaScript at run time to find the
current path (a moving target we cannot test without the internet), it is asyncio/aiohttp-based
(a second HTTP stack beside httpx, outside our limiter, retries and secret redaction), and a
failure of its scraping cannot be told from "no such game". One POST through our HttpClient
against a configurable path is all we need, and the fake server tests it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from platforms.errors import MalformedResponse, PlatformError
from platforms.http import HttpClient, RetryPolicy
from platforms.ratelimit import SlidingWindowLimiter, limiter_for

logger = logging.getLogger(__name__)

DEFAULT_SEARCH_PATH = "/api/search"


@dataclass(frozen=True, slots=True)
class HltbEntry:
    """One search result; times in minutes (None when nobody submitted one)."""

    name: str
    year: int | None
    main: int | None
    extras: int | None
    completionist: int | None


def configured() -> bool:
    from django.conf import settings

    return bool(settings.HLTB_URL)


class HltbClient:
    def __init__(
        self,
        base_url: str,
        *,
        search_path: str = DEFAULT_SEARCH_PATH,
        limiter: SlidingWindowLimiter,
        retry: RetryPolicy,
        timeout: float = 10.0,
    ) -> None:
        self._path = "/" + search_path.strip("/")
        self._base = base_url.rstrip("/")
        self._http = HttpClient(
            base_url, limiter=limiter, retry=retry, timeout=timeout, label="HowLongToBeat"
        )

    @classmethod
    def from_settings(cls) -> HltbClient:
        from django.conf import settings

        requests, seconds = settings.HLTB_RATE_LIMIT
        return cls(
            settings.HLTB_URL,
            search_path=settings.HLTB_SEARCH_PATH,
            limiter=limiter_for("hltb", requests, seconds, settings.REDIS_URL or None),
            # One try: a site that is not answering will not answer better if pressed, and
            # the time to beat can come from IGDB meanwhile.
            retry=RetryPolicy(attempts=1, budget_seconds=float(settings.HLTB_HTTP_TIMEOUT) * 2),
            timeout=settings.HLTB_HTTP_TIMEOUT,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> HltbClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def search(self, title: str) -> list[HltbEntry]:
        terms = title.split()[:20]
        if not terms:
            return []
        response = self._http.post(
            self._path,
            json={
                "searchType": "games",
                "searchTerms": terms,
                "searchPage": 1,
                "size": 20,
                "searchOptions": {
                    "games": {
                        "userId": 0,
                        "platform": "",
                        "sortCategory": "popular",
                        "rangeCategory": "main",
                        "rangeTime": {"min": None, "max": None},
                        "gameplay": {"perspective": "", "flow": "", "genre": ""},
                        "rangeYear": {"min": "", "max": ""},
                        "modifier": "",
                    },
                    "users": {"sortCategory": "postcount"},
                    "filter": "",
                    "sort": 0,
                    "randomizer": 0,
                },
            },
            headers={"Referer": f"{self._base}/", "Origin": self._base},
        )
        if response.status_code != 200:
            raise PlatformError(
                f"HowLongToBeat answered HTTP {response.status_code} to its search "
                "(the site may have moved it; see HLTB_SEARCH_PATH).",
                permanent=False,
            )
        try:
            body = response.json()
            rows = body["data"]
            if not isinstance(rows, list):
                raise TypeError("data is not a list")
            return [_entry(row) for row in rows if isinstance(row, dict)]
        except (ValueError, KeyError, TypeError) as exc:
            raise MalformedResponse(
                f"HowLongToBeat sent a search answer we do not understand ({type(exc).__name__})."
            ) from None


def build_client() -> HltbClient:
    return HltbClient.from_settings()


def _entry(row: dict[str, Any]) -> HltbEntry:
    name = row.get("game_name")
    if not isinstance(name, str):
        raise TypeError("game_name")
    year = row.get("release_world")
    return HltbEntry(
        name=name,
        year=year if isinstance(year, int) and 1950 < year < 2200 else None,
        main=_minutes(row.get("comp_main")),
        extras=_minutes(row.get("comp_plus")),
        completionist=_minutes(row.get("comp_100")),
    )


def _minutes(seconds: object) -> int | None:
    """HowLongToBeat's times are seconds; 0 means nobody submitted one."""
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds <= 0:
        return None
    return round(seconds / 60)
