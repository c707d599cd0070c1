"""Show an answer safely: its text verbatim, and only links to game pages made clickable."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from assistant.tools import label

register = template.Library()

# The one link form the assistant is asked to write: [Title](/games/ID/). Anything else stays text;
# static/assistant/chat.js applies the same rule to answers as they stream in.
GAME_LINK = re.compile(r"\[([^\]\n]{1,200})\]\((/games/\d+/)\)")


@register.filter
def answer_html(text: str) -> SafeString:
    parts: list[str] = []
    position = 0
    for match in GAME_LINK.finditer(text):
        parts.append(escape(text[position : match.start()]))
        parts.append(format_html('<a href="{}">{}</a>', match.group(2), match.group(1)))
        position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # every piece above is escaped


@register.filter
def tool_label(name: str) -> str:
    return label(name)
