"""What a page's or an endpoint's request carries, told to the type checker.

Every page is behind LoginRequiredMiddleware and every REST endpoint behind the NinjaAPI's
authentication, so the user they see is signed in, never AnonymousUser.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class _SignedInRequest(HttpRequest):
    user: User


class PageRequest(_SignedInRequest):
    """HtmxMiddleware adds request.htmx."""

    htmx: HtmxDetails


class ApiRequest(_SignedInRequest):
    """django-ninja sets request.auth to what the authenticator returned: the User."""

    auth: User
