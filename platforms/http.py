"""The one HTTP path every platform client takes: timeout, shared rate limiter, bounded retries.

Policy (docs/sync.md, "Retries, rate limits and progress messages"): retry only 429, 500, 502,
503, 504 and transport failures; honour ``Retry-After`` plus up to 25 % jitter so synchronized
clients do not collide again; otherwise full-jitter exponential backoff; at most ``attempts``
tries within a time budget, then raise ``RateLimited`` or ``PlatformUnavailable`` with the moment
worth trying again, so a Celery chunk can park its run instead of hammering a struggling upstream.

Steam puts the API key in the query string, and httpx puts URLs in its log lines and some of its
exception texts. Nothing from here may carry the key into a log or an error: messages name the
endpoint path only, transport errors are re-raised ``from None`` with redacted text, and httpx's
own logger gets a redacting filter.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx

from gamedjinn.logging import redact
from platforms.errors import PlatformError, PlatformUnavailable, RateLimited
from platforms.ratelimit import SlidingWindowLimiter

logger = logging.getLogger(__name__)

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
USER_AGENT = "GameDjinn/0.1 (self-hosted game library manager)"

__all__ = ["HttpClient", "RetryPolicy", "parse_retry_after", "redact", "retry_from_settings"]


class _RedactingFilter(logging.Filter):
    """Rewrites a record's message with secrets removed (httpx logs full request URLs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True


_filter_lock = threading.Lock()
_filter_installed = False


def _install_httpx_log_redaction() -> None:
    global _filter_installed
    with _filter_lock:
        if not _filter_installed:
            for name in ("httpx", "httpcore"):
                logging.getLogger(name).addFilter(_RedactingFilter())
            _filter_installed = True


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date), or None."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try one call. Tests pass a tiny ``base``/``cap`` and a recording ``sleep``."""

    attempts: int = 5
    base: float = 1.0
    cap: float = 60.0
    budget_seconds: float = 600.0
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[float, float], float] = random.uniform
    clock: Callable[[], float] = time.monotonic

    def delay(self, retry_number: int, retry_after: float | None) -> float:
        """The pause before retry ``retry_number`` (0 for the first retry)."""
        if retry_after is not None:
            return retry_after + self.jitter(0.0, retry_after * 0.25)
        return self.jitter(0.0, min(self.cap, self.base * 2**retry_number))


def retry_from_settings(*, base_scale: float = 1.0, cap_scale: float = 1.0) -> RetryPolicy:
    """The retry policy of the settings (HTTP_RETRY_*); the scales stretch its steps for an
    upstream that counts over minutes (the Steam store). Tests set tiny steps through settings,
    so every client is built the way production builds it."""
    from django.conf import settings

    return RetryPolicy(
        attempts=int(getattr(settings, "HTTP_RETRY_ATTEMPTS", 5)),
        base=float(getattr(settings, "HTTP_RETRY_BASE_SECONDS", 1.0)) * base_scale,
        cap=float(getattr(settings, "HTTP_RETRY_CAP_SECONDS", 60.0)) * cap_scale,
        budget_seconds=float(getattr(settings, "HTTP_RETRY_BUDGET_SECONDS", 600.0)),
    )


class HttpClient:
    """GET requests against one base URL, paced by ``limiter`` and retried by ``retry``.

    Responses that are not retryable are returned whatever their status: what a 400 or 403
    means is the platform client's business (Steam sends private-profile answers as 403 JSON).
    ``throttled`` lets a caller mark a response as a disguised 429, e.g. the store's ``null``.
    """

    def __init__(
        self,
        base_url: str,
        *,
        limiter: SlidingWindowLimiter,
        retry: RetryPolicy,
        timeout: float = 10.0,
        label: str = "The platform",
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        _install_httpx_log_redaction()
        self.label = label
        self.limiter = limiter
        self.retry = retry
        self._base_url = base_url.rstrip("/")
        self._client = httpx.Client(
            base_url=self._base_url,
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    def get(
        self,
        path: str,
        params: Mapping[str, str | int],
        *,
        throttled: Callable[[httpx.Response], bool] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """``headers`` are sent with this request only (e.g. an OAuth ``Authorization``); they
        never appear in our messages, and the log filter redacts a bearer token anywhere."""
        return self.request("GET", path, params=params, throttled=throttled, headers=headers)

    def post(
        self,
        path: str,
        *,
        data: Mapping[str, str] | None = None,
        json: object = None,
        content: str | None = None,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        throttled: Callable[[httpx.Response], bool] | None = None,
    ) -> httpx.Response:
        """A POST (a form with ``data``, a ``json`` body, or a plain-text ``content`` such as an
        IGDB Apicalypse query), paced and retried like a GET.

        Only for requests that are safe to repeat (token exchanges, read queries sent as
        POST): a retried POST is sent again as is."""
        return self.request(
            "POST",
            path,
            params=params,
            data=data,
            json=json,
            content=content,
            headers=headers,
            throttled=throttled,
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        data: Mapping[str, str] | None = None,
        json: object = None,
        content: str | None = None,
        headers: Mapping[str, str] | None = None,
        throttled: Callable[[httpx.Response], bool] | None = None,
    ) -> httpx.Response:
        retry = self.retry
        start = retry.clock()
        where = f"{method} {redact(path)}"
        for attempt in range(1, retry.attempts + 1):
            remaining = retry.budget_seconds - (retry.clock() - start)
            self.limiter.acquire(max_wait=max(0.0, remaining))
            retry_after: float | None = None
            try:
                response = self._client.request(
                    method,
                    path,
                    params=dict(params or {}),
                    data=dict(data) if data is not None else None,
                    json=json,
                    content=content.encode("utf-8") if content is not None else None,
                    headers=dict(headers) if headers else None,
                )
            except httpx.UnsupportedProtocol:
                raise PlatformError(
                    f"{self.label} URL is not an http(s) address; check the configuration.",
                    permanent=True,
                ) from None
            except (httpx.TransportError, httpx.DecodingError) as exc:
                is_throttled = False
                reason = f"{type(exc).__name__}: {redact(str(exc)) or 'no detail'}"
            else:
                status = response.status_code
                is_throttled = status == 429 or (throttled is not None and throttled(response))
                if not is_throttled and status not in RETRYABLE_STATUSES:
                    return response
                reason = f"HTTP {status}"
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                response.close()

            delay = retry.delay(attempt - 1, retry_after)
            if is_throttled:
                # Tell every worker sharing the limiter, not just this one, to back off.
                self.limiter.pause(delay)
            elapsed = retry.clock() - start
            if attempt == retry.attempts or elapsed + delay > retry.budget_seconds:
                retry_at = datetime.now(UTC) + timedelta(seconds=delay)
                logger.warning(
                    "%s %s: %s; giving up after %d attempt(s), retry at %s",
                    self.label,
                    where,
                    reason,
                    attempt,
                    retry_at.isoformat(timespec="seconds"),
                )
                if is_throttled:
                    raise RateLimited(
                        f"{self.label} is limiting how often we may ask ({reason}); "
                        f"syncing will resume after {retry_at:%Y-%m-%d %H:%M:%S} UTC.",
                        retry_at=retry_at,
                    ) from None
                raise PlatformUnavailable(
                    f"{self.label} is not answering properly ({reason}, {attempt} attempts); "
                    f"syncing will resume after {retry_at:%Y-%m-%d %H:%M:%S} UTC.",
                    retry_at=retry_at,
                ) from None
            logger.info(
                "%s %s: %s; retry %d/%d in %.2f s",
                self.label,
                where,
                reason,
                attempt,
                retry.attempts - 1,
                delay,
            )
            retry.sleep(delay)
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover
