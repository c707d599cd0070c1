from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, register_converter

from gamedjinn.api import api
from gamedjinn.converters import IdConverter
from gamedjinn.views import health_view

register_converter(IdConverter, "id")  # before the apps' URLs and the API's are built below


def _login_exempt(urlconf):
    """The API authenticates each request itself (session or key) and answers 401 in JSON,
    so the login-redirect middleware must let its requests through."""
    patterns, app_name, namespace = urlconf
    for pattern in patterns:
        if hasattr(pattern, "callback"):
            login_not_required(pattern.callback)
    return patterns, app_name, namespace


urlpatterns = [
    path("health", health_view, name="health"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/", _login_exempt(api.urls)),
    path("libraries/", include("libraries.urls")),
    path("assistant/", include("assistant.urls")),
    path("settings/", include("mcp_bridge.urls")),
    path("", include("games.urls")),
]
