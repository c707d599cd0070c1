"""Context every page needs: the deployment mode, the user's theme, and whether the assistant panel
is installed."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.functional import SimpleLazyObject

from gamedjinn.models import Profile, profile_for
from games.search import MIN_TRIGRAM_LENGTH

ASSISTANT_PANEL_TEMPLATE = "assistant/_panel.html"


@cache
def assistant_panel_installed() -> bool:
    """True once the assistant app ships its panel template. Checked once per process: base.html
    includes the panel only then, so pages keep working before (or without) the assistant."""
    try:
        get_template(ASSISTANT_PANEL_TEMPLATE)
    except TemplateDoesNotExist:
        return False
    return True


def _theme(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return Profile.Theme.AUTO
    return profile_for(user).theme


def _nav_section(request: HttpRequest) -> str:
    """Which navigation entry the current page belongs to, for aria-current."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.namespace == "libraries":
        return "platforms"
    if match.namespace == "mcp_bridge":
        return "settings"
    if match.namespace == "assistant":
        return "assistant"
    if match.namespace == "games":
        name = match.url_name or ""
        if name.startswith("collection"):
            return "collections"
        if name.startswith("match") or name in ("merge_candidates", "change_undo", "games_merge"):
            return "matches"
        return {
            "home": "dashboard",
            "analytics": "analytics",
            "recommendations": "recommendations",
        }.get(name, "library")
    return ""


def _open_suggestions(request: HttpRequest) -> str:
    from games.services.review import open_suggestion_badge

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    return open_suggestion_badge(user)


def app(request: HttpRequest) -> dict[str, Any]:
    return {
        "NAV_SECTION": _nav_section(request),
        "EMBEDDED_MODE": settings.EMBEDDED_MODE,
        "PUBLIC_URL": settings.PUBLIC_URL,
        # Lazy: the profile is read only by pages that render the full layout, never by fragments.
        "THEME": SimpleLazyObject(lambda: _theme(request)),
        "ASSISTANT_PANEL": assistant_panel_installed(),
        "ASSISTANT_PANEL_TEMPLATE": ASSISTANT_PANEL_TEMPLATE,
        # The search boxes search as you type from this many letters (app.js reads it from them).
        "TYPE_AHEAD_FROM": MIN_TRIGRAM_LENGTH,
        # Lazy like THEME: counted on every full page (the sidebar shows it), never for fragments.
        "OPEN_SUGGESTIONS": SimpleLazyObject(lambda: _open_suggestions(request)),
    }
