"""Authentication pieces: closed sign-up, the trusted reverse-proxy header, the first admin."""

from __future__ import annotations

import logging
import secrets
import sys

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import RemoteUserBackend
from django.contrib.auth.middleware import PersistentRemoteUserMiddleware

logger = logging.getLogger(__name__)


class ClosedSignupAdapter(DefaultAccountAdapter):
    """A household server: the admin creates accounts; strangers cannot sign up."""

    def is_open_for_signup(self, request) -> bool:
        return False


class TrustedHeaderMiddleware(PersistentRemoteUserMiddleware):
    """Logs in the user named by AUTH_REMOTE_USER_HEADER (set by Authelia, Authentik, …).

    Only safe behind a proxy that strips this header from client requests; see README.
    """

    @property
    def header(self) -> str:  # type: ignore[override]
        return "HTTP_" + settings.AUTH_REMOTE_USER_HEADER.upper().replace("-", "_")


class ExistingRemoteUserBackend(RemoteUserBackend):
    """Signs in accounts that exist here; a name the proxy knows but Game Djinn does not is refused."""

    create_unknown_user = False


def ensure_admin(stdout=None) -> str | None:
    """Create the first admin if there is no superuser. Idempotent.

    Uses ADMIN_EMAIL/ADMIN_PASSWORD when set; otherwise generates a strong password and prints it
    once. Returns the username created, or None when an admin already existed.
    """
    user_model = get_user_model()
    if user_model.objects.filter(is_superuser=True).exists():
        return None
    password = settings.ADMIN_PASSWORD
    generated = not password
    if generated:
        password = secrets.token_urlsafe(18)
    user = user_model.objects.create_superuser(
        username=settings.ADMIN_USERNAME, email=settings.ADMIN_EMAIL or "", password=password
    )
    out = stdout or sys.stderr
    if generated:
        out.write(
            "\n  Game Djinn created the admin account.\n"
            f"    username: {user.username}\n    password: {password}\n"
            "  This password is shown only once. Change it after logging in, or set\n"
            "  ADMIN_PASSWORD before the first start next time.\n\n"
        )
    else:
        logger.info("Created admin %s from ADMIN_EMAIL/ADMIN_PASSWORD", user.username)
    return user.username
