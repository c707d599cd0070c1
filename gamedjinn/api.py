"""The REST API: one NinjaAPI, one router per app (see the django-ninja guide on routers)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from csp.decorators import csp_exempt
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import NinjaAPI
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from mcp_bridge.keys import authenticate_key, presented_key


class BearerKey(HttpBearer):
    def authenticate(self, request, token):
        return _authenticate(request, token)


class HeaderKey(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request, key):
        return _authenticate(request, key)


class BrowserSession(SessionAuth):
    """The signed-in browser session, which must carry its CSRF token to write.

    Without a signed-in session there is nothing to forge, so no CSRF check: ninja's own session
    auth checks CSRF first and its refusal would stop the key checks after it.
    """

    def __call__(self, request):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


def _authenticate(request, key):
    found = authenticate_key(key or "")
    if found is None:
        return None
    request.user, request.api_key_scope = found.user, found.scope
    return found.user


def _signed_in_or_keyed(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """The OpenAPI document and its docs page: for a client with an API key (code generators
    read the document) or a signed-in browser; anyone else is sent to sign in."""
    browser_view = login_required(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if authenticate_key(presented_key(request.headers)) is not None:
            return view(request, *args, **kwargs)
        return browser_view(request, *args, **kwargs)

    return wrapper


api = NinjaAPI(
    title="Game Djinn API",
    version="1",
    description="Your game library over REST. Authenticate with a session or an API key "
    "(Authorization: Bearer <key> or X-API-Key).",
    # Keys first: a request that presents one is a script, whatever cookies it also carries.
    auth=[BearerKey(), HeaderKey(), BrowserSession()],
    # The API docs page (Swagger UI) loads its script from a CDN and starts it inline: it is the
    # one page without the Content-Security-Policy, and it is for signed-in users only.
    docs_decorator=lambda view: csp_exempt()(_signed_in_or_keyed(view)),
    urls_namespace="api",
)
api.add_router("/libraries/", "libraries.api.router")
api.add_router("/games/", "games.api.router")
