"""The REST API: one NinjaAPI, one router per app (see the django-ninja guide on routers)."""

from __future__ import annotations

from csp.decorators import csp_exempt
from ninja import NinjaAPI

from gamedjinn.api_auth import (
    BearerKey,
    BrowserSession,
    HeaderKey,
    OverBudget,
    signed_in_or_keyed,
)

api = NinjaAPI(
    title="Game Djinn API",
    version="1",
    description="Your game library over REST. Authenticate with a session or an API key "
    "(Authorization: Bearer <key> or X-API-Key).",
    # Keys first: a request that presents one is a script, whatever cookies it also carries.
    auth=[BearerKey(), HeaderKey(), BrowserSession()],
    # The API docs page (Swagger UI) loads its script from a CDN and starts it inline: it is the
    # one page without the Content-Security-Policy. It and the OpenAPI document are for signed-in
    # users and API keys.
    docs_decorator=lambda view: csp_exempt()(signed_in_or_keyed(view)),
    urls_namespace="api",
)
api.add_router("/libraries/", "libraries.api.router")
api.add_router("/games/", "games.api.router")
api.add_router("/matches/", "games.api_matches.router")


@api.exception_handler(OverBudget)
def over_budget(request, exc: OverBudget):
    response = api.create_response(request, {"detail": str(exc)}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response
