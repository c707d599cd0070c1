"""Small readers every store client uses on the bodies it parses."""

from __future__ import annotations

from typing import Any


def as_object(value: object) -> dict[str, Any]:
    """VALUE when it is a JSON object; a TypeError (a malformed answer) otherwise."""
    if not isinstance(value, dict):
        raise TypeError(f"expected an object, got {type(value).__name__}")
    return value


def clip(text: str, limit: int = 120) -> str:
    """TEXT cut to LIMIT characters, for a message quoting what a store sent."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
