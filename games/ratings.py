"""Content-rating scales, ordered from mildest to strictest, for "at or below" filters."""

from __future__ import annotations

ESRB_ORDER = ["E", "E10+", "T", "M", "AO"]
ESRB_CHOICES = [
    ("E", "Everyone"),
    ("E10+", "Everyone 10+"),
    ("T", "Teen"),
    ("M", "Mature 17+"),
    ("AO", "Adults Only 18+"),
    ("RP", "Rating Pending"),
]
PEGI_ORDER = ["3", "7", "12", "16", "18"]
PEGI_CHOICES = [(value, f"PEGI {value}") for value in PEGI_ORDER]

_ESRB_ALIASES = {
    "e": "E",
    "e10": "E10+",
    "e10+": "E10+",
    "t": "T",
    "m": "M",
    "ao": "AO",
    "rp": "RP",
    "ec": "E",
}


def normalize_esrb(value: str | None) -> str:
    """Steam sends lowercase codes ("m", "e10"); store the board's own spelling, "" when unknown."""
    return _ESRB_ALIASES.get((value or "").strip().lower(), "")


def esrb_at_or_below(cap: str) -> list[str]:
    """The ratings allowed under CAP, e.g. "T" → ["E", "E10+", "T"]. Raises ValueError for unknown caps."""
    normalized = normalize_esrb(cap)
    if normalized not in ESRB_ORDER:
        raise ValueError(f"Unknown ESRB rating {cap!r}; use one of {', '.join(ESRB_ORDER)}.")
    return ESRB_ORDER[: ESRB_ORDER.index(normalized) + 1]
