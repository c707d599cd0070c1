"""Input carrying a NUL character is refused at every door, before anything reads it.

PostgreSQL cannot store NUL in text, so such a value would fail deep inside a query as a server
error, on PostgreSQL only; no real title, name or question contains one. The middleware checks
HTTP requests (pages and REST): the path, the query string, form fields (not uploaded files) and
JSON bodies, where NUL can only be written as \\u0000. The MCP server and the chat WebSocket
check their decoded arguments with contains_nul.
"""

from __future__ import annotations

from collections.abc import Callable

from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.decorators import sync_and_async_middleware

NUL = "\x00"
JSON_NUL = b"\\u0000"
NUL_IN_TEXT = "text must not contain NUL characters (\\0), which Game Djinn cannot store."
REFUSAL = "The request contains a NUL character (\\0), which Game Djinn cannot store. Remove it."


def contains_nul(value: object) -> bool:
    """True if VALUE, a decoded JSON value, holds a NUL in any string, key or item."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(contains_nul(key) or contains_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(contains_nul(item) for item in value)
    return False


def carries_nul(request: HttpRequest) -> bool:
    if NUL in request.path or _any_nul(request.GET.lists()):
        return True
    if request.content_type == "application/json":
        return JSON_NUL in request.body
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        return _any_nul(request.POST.lists())
    return False


def _any_nul(fields) -> bool:
    return any(NUL in name or any(NUL in value for value in values) for name, values in fields)


def _refusal(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": REFUSAL}, status=400)  # django-ninja's error shape
    return HttpResponseBadRequest(REFUSAL, content_type="text/plain; charset=utf-8")


@sync_and_async_middleware
def reject_nul_characters(get_response: Callable) -> Callable:
    if iscoroutinefunction(get_response):

        async def async_middleware(request: HttpRequest) -> HttpResponse:
            if carries_nul(request):
                return _refusal(request)
            return await get_response(request)

        return async_middleware

    def middleware(request: HttpRequest) -> HttpResponse:
        if carries_nul(request):
            return _refusal(request)
        return get_response(request)

    return middleware
