"""Typed readers for environment variables.

Every setting comes from the environment. A bad value stops start-up with a message that names the
variable, because a typo silently replaced by a default is the hardest kind of misconfiguration to find.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from platforms.contract import SettingSpec

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off"}


class RateLimit(NamedTuple):
    requests: int
    seconds: int


class EmailConfig(NamedTuple):
    backend: str
    host: str = ""
    port: int = 0
    user: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False
    file_path: Path | None = None


_SMTP = "django.core.mail.backends.smtp.EmailBackend"
# scheme → (default port, STARTTLS, implicit TLS)
_SMTP_SCHEMES = {
    "smtp": (587, True, False),
    "smtps": (465, False, True),
    "smtp+plain": (25, False, False),
}


def _raw(name: str) -> str | None:
    """The value of NAME, or of the file named by NAME_FILE (Docker secrets)."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        try:
            return Path(file_path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_path!r} cannot be read: {exc}") from exc
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in TRUE_VALUES:
        return True
    if lowered in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean; use true or false.")


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum of {minimum}.")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name}={number} is above the maximum of {maximum}.")
    return number


def env_float(name: str, default: float, *, minimum: float = 0.0) -> float:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a number.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum of {minimum}.")
    return number


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: set[str]) -> str:
    value = env_str(name, default)
    normalized = value.lower()
    if normalized not in choices:
        options = ", ".join(sorted(choices))
        raise ImproperlyConfigured(f"{name}={value!r} is not one of: {options}.")
    return normalized


def env_rate_limit(name: str, default: str) -> RateLimit:
    """Parse 'REQUESTS/SECONDS', e.g. '100/300' for one hundred requests per five minutes."""
    value = env_str(name, default)
    requests, sep, seconds = value.partition("/")
    try:
        if not sep:
            raise ValueError
        limit = RateLimit(int(requests), int(seconds))
    except ValueError:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a rate limit; write REQUESTS/SECONDS, e.g. 100/300."
        ) from None
    if limit.requests < 1 or limit.seconds < 1:
        raise ImproperlyConfigured(f"{name}={value!r} must have at least 1 request per 1 second.")
    return limit


def env_url(name: str, default: str, *, schemes: tuple[str, ...] = ("http", "https")) -> str:
    value = env_str(name, default)
    if not value:
        return value
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.netloc:
        allowed = " or ".join(schemes)
        raise ImproperlyConfigured(f"{name}={value!r} is not a valid {allowed} URL.")
    return value.rstrip("/")


def read_setting(setting: SettingSpec) -> object:
    """A store's declared setting (platforms.contract.SettingSpec), read with its typed reader."""
    readers = {
        "url": lambda: env_url(setting.name, setting.default),
        "rate_limit": lambda: env_rate_limit(setting.name, setting.default),
        "float": lambda: env_float(setting.name, float(setting.default or 0), minimum=0.1),
        "str": lambda: env_str(setting.name, setting.default),
        "secret": lambda: env_str(setting.name, setting.default),
    }
    if setting.kind not in readers:
        raise ImproperlyConfigured(f"{setting.name} has an unknown setting kind {setting.kind!r}.")
    return readers[setting.kind]()


def env_email(name: str, data_dir: Path) -> EmailConfig:
    """Where mail (password resets) goes, from one URL:

    - unset: into files under DATA_DIR/outbox, so a fresh install works without a mail server;
    - ``smtp://user:password@host:587`` (STARTTLS), ``smtps://…:465`` (TLS from the start),
      ``smtp+plain://host:25`` (a LAN relay without TLS); user and password URL-encoded;
    - ``console:`` prints messages to the log (they hold reset links: development only).
    """
    value = env_str(name)
    if not value:
        return EmailConfig(
            backend="django.core.mail.backends.filebased.EmailBackend",
            file_path=data_dir / "outbox",
        )
    parts = urlsplit(value)
    if parts.scheme == "console":
        return EmailConfig(backend="django.core.mail.backends.console.EmailBackend")
    if parts.scheme not in _SMTP_SCHEMES:
        raise ImproperlyConfigured(
            f"{name} must be an smtp://, smtps://, smtp+plain:// or console: URL."
        )
    default_port, starttls, implicit_tls = _SMTP_SCHEMES[parts.scheme]
    try:
        port = parts.port or default_port
    except ValueError:
        raise ImproperlyConfigured(f"{name} has a port that is not a number.") from None
    if not parts.hostname:
        raise ImproperlyConfigured(f"{name} names no mail server, e.g. smtp://mail.example.com.")
    return EmailConfig(
        backend=_SMTP,
        host=parts.hostname,
        port=port,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        use_tls=starttls,
        use_ssl=implicit_tls,
    )
