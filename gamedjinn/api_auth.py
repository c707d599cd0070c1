"""Who is calling the REST API, and whether they may change things.

A request presents an API key (`Authorization: Bearer <key>` or `X-API-Key`) or a signed-in browser
session. A key's scope is kept on the request; `require_write` is the one read-only check every
REST write makes (the MCP tools apply the same `can_write`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja.errors import HttpError
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from gamedjinn import budgets
from gamedjinn.request_types import ApiRequest
from mcp_bridge.keys import authenticate_key, can_write, presented_key

READ_ONLY_KEY = "This API key is read-only; use a read-write key to change things."


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
        user = super().__call__(request)
        if user is not None:
            _spend(budgets.user_client(user.pk))
        return user


class OverBudget(Exception):
    """The client spent its request budget (API_RATE_LIMIT); answered 429 with Retry-After."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(budgets.over_budget_message(retry_after))
        self.retry_after = retry_after


def _spend(client: str) -> None:
    retry_after = budgets.spend(client)
    if retry_after is not None:
        raise OverBudget(retry_after)


def _authenticate(request, key):
    found = authenticate_key(key or "")
    if found is None:
        return None
    request.user, request.api_key_scope = found.user, found.scope
    _spend(budgets.key_client(found.prefix))
    return found.user


def signed_in_or_keyed(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """The OpenAPI document and its docs page: for a client with an API key (code generators
    read the document) or a signed-in browser; anyone else is sent to sign in."""
    browser_view = login_required(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if authenticate_key(presented_key(request.headers)) is not None:
            return view(request, *args, **kwargs)
        return browser_view(request, *args, **kwargs)

    return wrapper


def require_write(request: ApiRequest) -> User:
    """The caller, if they may change things: a signed-in session, or a key with write scope."""
    scope = getattr(request, "api_key_scope", None)
    if scope is not None and not can_write(scope):
        raise HttpError(403, READ_ONLY_KEY)
    return request.auth
