"""Secrets that are generated once into DATA_DIR when the environment does not provide them."""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# Values people copy from example files. Running with one of them would make sessions forgeable.
PLACEHOLDER_SECRETS = {
    "generate-with-openssl-rand-hex-32",
    "change-me",
    "changeme",
    "secret",
    "your-secret-key",
    "django-insecure",
}


def _write_private(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(content)


def private_file(path: Path) -> None:
    """Make PATH a file only its owner can read or write: create it empty if missing (SQLite takes
    an empty file for a new database, and gives its -wal and -shm files the same mode), and
    tighten one an older version created readable by others."""
    with contextlib.suppress(FileExistsError):
        _write_private(path, "")
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        path.chmod(mode & 0o700)


def read_or_create(path: Path, generate) -> str:
    """Return the secret in PATH, creating it with GENERATE() on first use."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    with contextlib.suppress(FileExistsError):  # another process created it first; use theirs
        _write_private(path, generate())
    return path.read_text().strip()


def secret_key(configured: str | None, data_dir: Path) -> str:
    if configured is not None:
        if configured.lower() in PLACEHOLDER_SECRETS or configured.lower().startswith(
            "django-insecure"
        ):
            raise ImproperlyConfigured(
                "SECRET_KEY is a placeholder from an example file. Remove it to let Game Djinn "
                "generate one, or set a random value (python -c 'import secrets; print(secrets.token_urlsafe(64))')."
            )
        if len(configured) < 50 or len(set(configured)) < 5:
            raise ImproperlyConfigured(
                "SECRET_KEY must be at least 50 characters with 5 distinct ones."
            )
        return configured
    return read_or_create(data_dir / "secret_key", lambda: secrets.token_urlsafe(64))


def field_encryption_keys(configured: list[str], data_dir: Path) -> list[bytes]:
    """AES-256 keys for credentials at rest, newest first. Kept apart from SECRET_KEY on purpose:
    rotating the session secret must never make stored credentials unreadable."""
    raw = configured or [
        read_or_create(
            data_dir / "field_keys", lambda: base64.urlsafe_b64encode(os.urandom(32)).decode()
        )
    ]
    keys = []
    for index, encoded in enumerate(raw):
        try:
            key = base64.urlsafe_b64decode(encoded.encode())
        except ValueError:
            key = b""
        if len(key) != 32:
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS entry {index + 1} is not a url-safe base64 32-byte key."
            )
        keys.append(key)
    return keys
