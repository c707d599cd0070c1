"""API keys for the MCP server and the REST API: created once, stored hashed, revocable."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.utils import timezone

from mcp_bridge.models import ApiKey

KEY_PREFIX = "gdj_"
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class KeyOwner:
    user: User
    scope: str
    key_id: int | None  # None for the MCP_API_KEY from the environment
    prefix: str = "env"  # the key's visible prefix; names its request budget


def _hash(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def create_key(user, name: str, scope: str = ApiKey.Scope.READ) -> tuple[ApiKey, str]:
    """Create a key and return it with its plaintext, which is never stored and shown only once."""
    name = name.strip()
    if not name:
        raise ValueError("Give the key a name, e.g. 'Claude Desktop'.")
    if scope not in ApiKey.Scope.values:
        raise ValueError(f"Scope must be one of: {', '.join(ApiKey.Scope.values)}.")
    plaintext = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        user=user, name=name[:100], prefix=plaintext[:12], hashed_key=_hash(plaintext), scope=scope
    )
    return key, plaintext


def revoke_key(user, key_id: int) -> bool:
    return bool(
        ApiKey.objects.filter(user=user, pk=key_id, revoked_at=None).update(
            revoked_at=timezone.now()
        )
    )


def can_write(scope: str) -> bool:
    """The one read-only rule, for every door: only a key with the write scope changes things."""
    return scope == ApiKey.Scope.WRITE


def presented_key(headers: Mapping[str, str]) -> str:
    """The key a request presents, as `Authorization: Bearer <key>` or `X-API-Key: <key>`;
    HEADERS is a case-insensitive mapping (Django's request.headers, Starlette's)."""
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return headers.get("x-api-key", "").strip()


def authenticate_key(plaintext: str) -> KeyOwner | None:
    """The owner of PLAINTEXT, or None. MCP_API_KEY from the environment acts as the first admin."""
    if not plaintext:
        return None
    if settings.MCP_API_KEY and hmac.compare_digest(plaintext, settings.MCP_API_KEY):
        admin = (
            get_user_model()
            .objects.filter(is_superuser=True, is_active=True)
            .order_by("pk")
            .first()
        )
        return KeyOwner(admin, ApiKey.Scope.WRITE, None) if admin else None
    key = (
        ApiKey.objects.select_related("user")
        .filter(hashed_key=_hash(plaintext), revoked_at=None, user__is_active=True)
        .first()
    )
    if key is None:
        return None
    now = timezone.now()
    # At most one write a minute per key: on SQLite every write serialises with the sync worker.
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return KeyOwner(key.user, key.scope, key.pk, key.prefix)
