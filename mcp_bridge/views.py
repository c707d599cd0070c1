"""The settings page: theme, MCP/REST API keys (created once, shown once, revocable), account."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from gamedjinn.models import profile_for
from gamedjinn.request_types import PageRequest
from games.services.enrichment import metadata_progress
from mcp_bridge.forms import ApiKeyForm, ThemeForm
from mcp_bridge.keys import create_key, revoke_key


def _mcp_url() -> str:
    host = urlsplit(settings.PUBLIC_URL).hostname or "localhost"
    return f"http://{host}:{settings.MCP_PORT}/mcp"


def _keys_context(request: PageRequest, **extra) -> dict:
    return {
        "keys": request.user.api_keys.filter(revoked_at=None),
        "key_form": ApiKeyForm(),
        "mcp_url": _mcp_url(),
        **extra,
    }


@require_GET
def index(request: PageRequest) -> HttpResponse:
    profile = profile_for(request.user)
    context = _keys_context(
        request,
        theme_form=ThemeForm(instance=profile),
        profile=profile,
        metadata_sources=metadata_progress() if request.user.is_staff else None,
    )
    return render(request, "settings/index.html", context)


@require_POST
def theme(request: PageRequest) -> HttpResponse:
    form = ThemeForm(request.POST, instance=profile_for(request.user))
    if form.is_valid():
        form.save()
    if request.htmx:
        response = HttpResponse(status=204)
        return trigger_client_event(
            response, "gd:toast", {"kind": "success", "title": "Theme saved"}
        )
    return redirect("mcp_bridge:settings")


@require_POST
def add_key(request: PageRequest) -> HttpResponse:
    form = ApiKeyForm(request.POST)
    new_key = plaintext = None
    if form.is_valid():
        try:
            new_key, plaintext = create_key(request.user, **form.cleaned_data)
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            form = ApiKeyForm()
    # The plaintext is rendered into this one response and stored nowhere: it cannot be shown again.
    context = _keys_context(request, new_key=new_key, plaintext=plaintext)
    context["key_form"] = form
    if request.htmx:
        return render(request, "settings/_keys.html", context)
    profile = profile_for(request.user)
    context |= {"theme_form": ThemeForm(instance=profile), "profile": profile}
    return render(request, "settings/index.html", context)


@require_POST
def revoke(request: PageRequest, key_id: int) -> HttpResponse:
    revoked = revoke_key(request.user, key_id)
    if request.htmx:
        response = render(request, "settings/_keys.html", _keys_context(request))
        if revoked:
            trigger_client_event(response, "gd:toast", {"kind": "success", "title": "Key revoked"})
        return response
    if revoked:
        messages.success(request, "Key revoked. Clients using it are locked out at once.")
    return redirect("mcp_bridge:settings")
