"""The integration contract: what one store's folder under platforms/integrations/ declares.

A store is a package ``platforms/integrations/<code>/`` whose ``__init__`` exposes ``SPEC``, an
``IntegrationSpec``. The spec says what the store is (an *account* to sign in to, or a *file*
to upload), what a sync can bring from it (its capabilities), which credential it takes and
how a person gets one (the add form's fields and help), and where its client and its loopback
fake live. The registry (platforms.registry) discovers the folders; nothing outside a folder
names a store.

Clients return the records of platforms.records and never touch the ORM. An account client is
built from a ``CredentialStore``: it reads the stored credentials from it and, when it refreshes
a token, writes the new one back through it *before* using it, so a rotated refresh token is
never lost to a crash between the refresh and the save.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, Self, runtime_checkable

from platforms.records import (
    AchievementDefinition,
    GameDetails,
    OwnedGame,
    PlayerAchievements,
    PlayerProfile,
)

if TYPE_CHECKING:
    from platforms.ratelimit import SlidingWindowLimiter


class Kind(StrEnum):
    ACCOUNT = "account"  # sign in once; Game Djinn syncs it on a schedule
    FILE = "file"  # upload a file another program wrote; re-upload to refresh


class Capability(StrEnum):
    OWNED = "owned"
    PLAYTIME = "playtime"
    LAST_PLAYED = "last_played"
    METADATA = "metadata"
    ACHIEVEMENTS = "achievements"


class CredentialKind(StrEnum):
    API_KEY = "api_key"
    OAUTH_CODE = "oauth_code"  # an authorization code exchanged for access + refresh tokens
    SESSION_TOKEN = "session_token"
    UPLOADED_FILE = "uploaded_file"


@dataclass(frozen=True)
class FormField:
    """One field of the add-library form (and of the REST/MCP/CLI equivalents).

    ``secret`` fields are rendered as password inputs, never echoed back, and stored encrypted.
    """

    name: str
    label: str
    help_text: str = ""
    secret: bool = False
    required: bool = True
    placeholder: str = ""
    max_length: int = 2000


@dataclass(frozen=True)
class HelpStep:
    """One step of "how to connect": a title, a sentence, and an optional link.

    A link may name one of the store's settings in braces ("{GOG_AUTH_URL}/auth?…"): it is
    filled in when shown, so a demo or a test server links to its fake store.
    """

    title: str
    text: str
    link: str = ""
    link_text: str = ""

    def with_settings(self, values: Mapping[str, Any]) -> HelpStep:
        if not self.link or "{" not in self.link:
            return self
        return replace(self, link=self.link.format_map(_Keep(values)))


class _Keep(dict):
    """format_map values that leave an unknown {NAME} as it was."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True)
class SettingSpec:
    """One environment setting a store needs (its endpoints, limits, optional server key).

    gamedjinn.settings reads every discovered store's settings with the typed readers of
    gamedjinn.env, so a bad value fails at start-up like any other setting.
    """

    name: str
    kind: str  # "url" | "rate_limit" | "str" | "secret" | "float"
    default: str = ""
    help: str = ""


@dataclass(frozen=True)
class IntegrationSpec:
    code: str
    name: str
    kind: Kind
    capabilities: frozenset[Capability]
    credential: CredentialKind
    fields: tuple[FormField, ...]
    help: tuple[HelpStep, ...]
    client: str  # "module:callable" building the client (see ClientFactory / FileReader)
    fake: str = ""  # "module:Class" of the loopback fake server ("" for file formats)
    sort_order: int = 100
    store_url: str = ""  # a release's store page, with {id} for its external id
    note: str = ""  # one honest sentence shown beside the form (e.g. "lists played titles")
    # The store code each of this source's releases lands on when a record names none.
    default_store: str = ""
    accepts: tuple[str, ...] = ()  # file kinds: the upload's accepted extensions
    # File kinds whose columns the user maps (any CSV): the module offering header_of,
    # guess_mapping, check_mapping and FIELD_LABELS; its reader takes ``mapping=``. The web
    # flow shows the first rows under that mapping before the preview of the import.
    column_mapping: str = ""
    settings: tuple[SettingSpec, ...] = ()
    # The form field that names the account (filled in from the library when reconnecting).
    account_field: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def release_store(self) -> str:
        return self.default_store or self.code

    def help_steps(self, values: Mapping[str, Any] | None = None) -> tuple[HelpStep, ...]:
        """The help with links filled in from VALUES (settings), else the settings' defaults."""
        known = {setting.name: setting.default for setting in self.settings} | dict(values or {})
        return tuple(step.with_settings(known) for step in self.help)

    def can(self, capability: Capability | str) -> bool:
        return Capability(capability) in self.capabilities

    def load_client_factory(self) -> Callable[..., Any]:
        module_name, _, attribute = self.client.partition(":")
        return getattr(importlib.import_module(module_name), attribute)


@dataclass(frozen=True)
class StoreSpec:
    """A store releases can belong to that has no integration of its own (yet): Ubisoft, EA, …
    Releases arrive on it through another source, e.g. a GOG Galaxy database."""

    code: str
    name: str
    sort_order: int = 100
    store_url: str = ""


# --- credentials ----------------------------------------------------------------------------


class CredentialStore(Protocol):
    """The encrypted credentials of one library (or of a library being added)."""

    def load(self) -> dict[str, Any]: ...
    def save(self, credentials: Mapping[str, Any]) -> None: ...


class MemoryCredentials:
    """Credentials held in memory: a library being added, a test, the CLI's first check."""

    def __init__(self, initial: Mapping[str, Any] | None = None) -> None:
        self._values: dict[str, Any] = dict(initial or {})
        self.saves = 0

    def load(self) -> dict[str, Any]:
        return dict(self._values)

    def save(self, credentials: Mapping[str, Any]) -> None:
        self._values = dict(credentials)
        self.saves += 1

    def __repr__(self) -> str:  # never the values
        return f"<MemoryCredentials {sorted(self._values)}>"


@dataclass(frozen=True)
class Connection:
    """What connecting an account proved: who it is, and what to store to sync it later."""

    profile: PlayerProfile
    credentials: Mapping[str, Any]


# --- clients --------------------------------------------------------------------------------


class _Closable(Protocol):
    def close(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


@runtime_checkable
class AccountClient(_Closable, Protocol):
    """Every account integration: connect once, then list what the account owns."""

    def connect(self, values: Mapping[str, str]) -> Connection:
        """Check the add form's values with the store (exchange a code, resolve the account,
        read its library once) and say what to store. Raises a PlatformError subclass."""
        ...

    def get_owned_games(self, account_id: str) -> list[OwnedGame]: ...


@runtime_checkable
class MetadataClient(Protocol):
    def get_app_details(self, external_id: str) -> GameDetails | None: ...


@runtime_checkable
class AchievementsClient(Protocol):
    def get_achievement_schema(self, external_id: str) -> list[AchievementDefinition]: ...
    def get_player_achievements(self, account_id: str, external_id: str) -> PlayerAchievements: ...


@runtime_checkable
class PercentagesClient(Protocol):
    """An achievements client that reads global unlock rates on their own (one request), so a
    sync can show rarity for achievements it named from the player's answer, before the schema."""

    def get_global_percentages(self, external_id: str) -> dict[str, float] | None: ...


@runtime_checkable
class BudgetedClient(Protocol):
    """A client whose capabilities draw on separate request budgets (rate limiters). A sync
    runs two phases whose budgets differ side by side instead of one after the other, since
    waiting for one budget need not leave the other unspent."""

    def budget_for(self, capability: Capability) -> SlidingWindowLimiter | None: ...


# credentials → a ready client; reads its URLs, limits and retries from Django settings.
ClientFactory = Callable[[CredentialStore], AccountClient]


@dataclass(frozen=True)
class ImportedFile:
    """What a file source read: the account it belongs to and its entries, each on its store."""

    account_id: str  # stable across re-imports of the same account's file
    display_name: str
    owned: list[OwnedGame]
    # Rows deliberately left out, with the reason in words ("Game Pass: not owned").
    skipped: list[tuple[str, str]] = field(default_factory=list)
    # A whole install's copy of a user's data (our own export): several libraries, the games
    # their releases form, matches and collections. The import service restores it instead of
    # making one library of ``owned`` (which then lists every entry, for counting).
    restore: Any = None


class FileReader(Protocol):
    """A file source's client: reads a file on disk (a copy the caller owns) into records.
    Raises platforms.errors.UnreadableFile with one sentence when the file is not what it
    should be; never writes anything."""

    def __call__(self, path: Path) -> ImportedFile: ...


# --- fakes ----------------------------------------------------------------------------------

FAILURES = (
    "rate_limited",  # 429 with Retry-After
    "rate_limited_no_header",  # 429 without Retry-After
    "server_error",  # 500/502/503
    "timeout",  # the server holds the request past the client's timeout
    "malformed",  # 200 with a body that is not the documented shape
    "truncated",  # 200 with JSON cut off mid-body
    "expired_credentials",  # the stored token/key expired: the store says so
    "revoked_credentials",  # the token/key was revoked: refreshing cannot help
)


class FakeStore(Protocol):
    """What every account integration's loopback fake offers, so one contract test suite runs
    over every store (tests/platforms/contract/). A fake is a real HTTP server on 127.0.0.1
    speaking the store's documented shapes; it knows nothing of Game Djinn's code."""

    @property
    def url(self) -> str: ...  # read-only: where the running server listens

    def __enter__(self) -> Self: ...
    def __exit__(self, *exc_info: object) -> None: ...

    def settings(self) -> dict[str, Any]:
        """Django settings that aim the integration's client at this fake."""
        ...

    def connect_values(self) -> dict[str, str]:
        """Add-form values that connect the fake's account successfully."""
        ...

    def set_titles(self, titles: list[str]) -> None:
        """Make the account own exactly these games (empty: an empty library)."""
        ...

    def fail_next(self, failure: str, *, count: int = 1, retry_after: int | None = None) -> None:
        """Answer the next ``count`` requests to the library endpoints with ``failure``."""
        ...
