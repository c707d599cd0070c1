"""Every page and API endpoint requires login, except /health, static files and the auth pages.

The test walks the whole URL resolver, so a view added later without protection fails it.
"""

from __future__ import annotations

import re

from django.urls import URLPattern, URLResolver, get_resolver

PUBLIC_PREFIXES = ("health", "accounts/", "static/", "admin/login/", "api/openapi.json")
LOGIN_PAGES = ("/accounts/login/", "/admin/login/")
SAMPLE_VALUES = {
    "int": "1",
    "id": "1",
    "str": "x",
    "slug": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "path": "x",
}


def _walk(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


def _concrete(route: str) -> str:
    route = re.sub(
        r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_VALUES.get(m.group(1) or "str", "x"), route
    )
    route = route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
    return "/" + re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)


def test_it_protects_every_route(client, db):
    checked = 0
    for route in _walk(get_resolver()):
        url = _concrete(route)
        if url.lstrip("/").startswith(PUBLIC_PREFIXES) or "(" in url:
            continue
        response = client.get(url)
        checked += 1
        if url.startswith("/api/") and url != "/api/docs":
            assert response.status_code in (401, 404, 405), (
                f"{url} answered {response.status_code} anonymously"
            )
        else:
            assert response.status_code in (302, 404, 405), (
                f"{url} answered {response.status_code} anonymously"
            )
            if response.status_code == 302:
                location = response["Location"]
                assert location.startswith(LOGIN_PAGES), f"{url} redirected to {location}"
    assert checked > 5


def test_it_leaves_health_and_login_public(client, db):
    assert client.get("/health").status_code in (200, 503)
    assert client.get("/accounts/login/").status_code == 200


def test_it_answers_the_api_with_401_json(client, db):
    response = client.get("/api/libraries/")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Unauthorized"}
