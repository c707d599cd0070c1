"""The REST API: one NinjaAPI, one router per app (see the django-ninja guide on routers)."""

from __future__ import annotations

from csp.decorators import csp_exempt
from django.contrib.auth.decorators import login_required
from ninja import NinjaAPI
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from mcp_bridge.keys import authenticate_key


class BearerKey(HttpBearer):
    def authenticate(self, request, token):
        return _authenticate(request, token)


class HeaderKey(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request, key):
        return _authenticate(request, key)


def _authenticate(request, key):
    found = authenticate_key(key or "")
    if found is None:
        return None
    request.user, request.api_key_scope = found.user, found.scope
    return found.user


api = NinjaAPI(
    title="Game Djinn API",
    version="1",
    description="Your game library over REST. Authenticate with a session or an API key "
    "(Authorization: Bearer <key> or X-API-Key).",
    auth=[django_auth, BearerKey(), HeaderKey()],
    # The API docs page (Swagger UI) loads its script from a CDN and starts it inline: it is the
    # one page without the Content-Security-Policy, and it is for signed-in users only.
    docs_decorator=lambda view: csp_exempt()(login_required(view)),
    urls_namespace="api",
)
api.add_router("/libraries/", "libraries.api.router")
api.add_router("/games/", "games.api.router")
