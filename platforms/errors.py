"""The errors every platform client raises.

The sync service decides what to do from two facts only: is the failure *permanent* (stop and
tell the user) or transient (park the run and retry at ``retry_at``)? Keeping that decision on
the exception means the Steam client, a future GOG client and the Celery task never have to agree
on status codes. Every message is shown to users as is, so none may contain a credential: the
HTTP layer builds messages from endpoint paths, never from URLs with query strings.
"""

from __future__ import annotations

from datetime import UTC, datetime


class PlatformError(Exception):
    """Base class: a user-facing ``message`` and whether retrying can ever help."""

    permanent: bool = True

    def __init__(self, message: str, *, permanent: bool | None = None) -> None:
        super().__init__(message)
        self.message = message
        if permanent is not None:
            self.permanent = permanent

    def __str__(self) -> str:
        return self.message


class InvalidIdentifier(PlatformError, ValueError):
    """The user typed something that cannot be a Steam account; raised before any request.

    It is also a ValueError so form and API code can treat it as ordinary bad input.
    """


class InvalidCredentials(PlatformError):
    """The API key is missing, wrong or revoked; only the user can fix it."""


class ReconnectRequired(InvalidCredentials):
    """A token expired or was revoked: the library waits until its owner signs in again.
    Never retried; the library is parked as *needs reconnecting* with this message."""


class UnreadableFile(PlatformError, ValueError):
    """An uploaded file is not what its source reads (wrong type, truncated, unknown schema)."""


class UnknownUser(PlatformError):
    """The account named by the user does not exist (or no longer does)."""


class PrivateProfile(PlatformError):
    """The account exists but hides its game details; a state to show, not a fault to retry."""


class MalformedResponse(PlatformError):
    """The platform answered with a body we cannot read; retrying the same call will not help."""


class _RetryLater(PlatformError):
    """A transient failure that carries the earliest moment worth trying again."""

    permanent = False

    def __init__(self, message: str, *, retry_at: datetime) -> None:
        super().__init__(message, permanent=False)
        if retry_at.tzinfo is None:
            raise ValueError("retry_at must be timezone-aware")
        self.retry_at = retry_at

    @property
    def retry_after_seconds(self) -> float:
        """Seconds from now until ``retry_at`` (never negative), for Celery's ``countdown``."""
        return max(0.0, (self.retry_at - datetime.now(UTC)).total_seconds())


class RateLimited(_RetryLater):
    """The platform (or our own budget for it) refuses more requests until ``retry_at``."""


class PlatformUnavailable(_RetryLater):
    """The platform kept failing (5xx, timeouts, refused connections) until the retry bound."""
