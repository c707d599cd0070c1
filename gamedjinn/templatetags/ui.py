"""Presentation helpers for the templates: durations, plain-text descriptions, URLs carrying state."""

from __future__ import annotations

import html
import re
from datetime import datetime
from functools import cache
from typing import Any

from django import template
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import strip_tags

register = template.Library()

_BLOCK_BREAKS = re.compile(r"<\s*(br|/p|/li|/h\d|/div)\b[^>]*>", re.IGNORECASE)
_LIST_ITEMS = re.compile(r"<\s*li\b[^>]*>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v]+")
_MANY_BREAKS = re.compile(r"\n{3,}")


@cache
def _game_url_pattern() -> str:
    marker = 987654321
    return reverse("games:game", args=[marker]).replace(str(marker), "{}")


@register.filter
def game_url(game_id: int) -> str:
    """The game page's URL: reverse() once, then string formatting. A library page links fifty
    games, and fifty reverse() calls cost more than everything else in a card."""
    return _game_url_pattern().format(int(game_id))


@register.filter
def playtime(minutes: int | None) -> str:
    """Minutes as a person reads them: '45 min', '3 h 20 min', '1,204 h'."""
    if not minutes:
        return "Not played"
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours >= 100 or not rest:
        return f"{hours:,} h"
    return f"{hours} h {rest} min"


@register.filter
def hours(minutes: int | None) -> str:
    """Minutes as whole hours with a thousands separator, for totals."""
    return f"{round((minutes or 0) / 60):,}"


@register.filter
def eta(seconds: int | None) -> str:
    if seconds is None:
        return ""
    if seconds < 60:
        return "less than a minute left"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"about {minutes} min left"
    hours_, minutes = divmod(minutes, 60)
    return f"about {hours_} h {minutes} min left" if minutes else f"about {hours_} h left"


@register.filter
def elapsed(start: datetime | None, end: datetime | None) -> str:
    """How long from START to END: '45 s', '3 min 5 s', '2 h 10 min'; '' when either is missing."""
    if start is None or end is None:
        return ""
    seconds = max(0, round((end - start).total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
    hours_, minutes = divmod(minutes, 60)
    return f"{hours_} h {minutes} min"


@register.filter
def hue(value: Any) -> int:
    """A stable hue (0 to 359) for a placeholder cover, from a primary key."""
    try:
        return (int(value) * 47) % 360
    except (TypeError, ValueError):
        return 250


@register.filter
def plaintext(markup: str | None) -> str:
    """A store description (HTML) as plain text with paragraph breaks. The result is NOT safe: it
    is autoescaped when rendered, so markup in it shows literally."""
    if not markup:
        return ""
    text = _LIST_ITEMS.sub("\n• ", markup)
    text = _BLOCK_BREAKS.sub("\n", text)
    text = html.unescape(strip_tags(text))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _MANY_BREAKS.sub("\n\n", "\n".join(lines)).strip()


@register.filter
def metacritic_class(score: int | None) -> str:
    if score is None:
        return ""
    if score >= 75:
        return "good"
    return "mixed" if score >= 50 else "bad"


@register.filter
def rarity(percent: float | None) -> str:
    if percent is None:
        return ""
    if percent < 5:
        return "ultra rare"
    if percent < 15:
        return "rare"
    return "uncommon" if percent < 40 else "common"


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    return mapping.get(key)


@register.simple_tag(takes_context=True)
def url_with(context: template.Context, **changes: Any) -> str:
    """The current query string with CHANGES applied (None or "" removes a key). The cursor is
    always dropped: changing a filter starts again from the first page."""
    request = context["request"]
    query: QueryDict = request.GET.copy()
    query.pop("cursor", None)
    for key, value in changes.items():
        query.pop(key, None)
        if value not in (None, ""):
            query[key] = value
    for key in [k for k, v in query.lists() if not any(v)]:
        query.pop(key)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else request.path
