"""Content-rating scales, ordered from mildest to strictest, for "at or below" filters, and the
one table that turns a store's spelling of a rating into ours.

Pure Python, no Django import: the store parsers (platforms/integrations) read ratings with
normalize_esrb too, so a rating means the same thing at parse time, at sync time and in a filter.
"""

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
    # Early Childhood, retired by the ESRB in 2018 and folded into Everyone: stored as E, so a
    # capped account still sees the game (an unknown rating would hide it as unrated).
    "ec": "E",
}


def normalize_esrb(value: object) -> str:
    """Steam sends lowercase codes ("m", "e10"); store the board's own spelling, "" when unknown
    or not a string at all (the wire is not trusted)."""
    if not isinstance(value, str):
        return ""
    return _ESRB_ALIASES.get(value.strip().lower(), "")


def esrb_at_or_below(cap: str) -> list[str]:
    """The ratings allowed under CAP, e.g. "T" → ["E", "E10+", "T"]. Raises ValueError for unknown caps."""
    normalized = normalize_esrb(cap)
    if normalized not in ESRB_ORDER:
        raise ValueError(f"Unknown ESRB rating {cap!r}; use one of {', '.join(ESRB_ORDER)}.")
    return ESRB_ORDER[: ESRB_ORDER.index(normalized) + 1]
