"""One genre vocabulary for every source, so a filter on "Role-playing" finds the RPGs that Steam
calls "RPG", IGDB calls "Role-playing (RPG)" and GOG calls "Role-playing".

Pure Python, no Django import: the catalogue applies it when it keeps a source's metadata and
again when it resolves a game's genres, so rows kept before a name was added here follow too.
A name not in the table is kept as the source wrote it (trimmed): an unknown genre is still a
genre, it just has no synonyms yet.
"""

from __future__ import annotations

from collections.abc import Iterable

# canonical name → the spellings sources use for it (compared case-insensitively).
VOCABULARY: dict[str, tuple[str, ...]] = {
    "Action": ("action",),
    "Adventure": ("adventure",),
    "Arcade": ("arcade",),
    "Card & Board": ("card & board game", "card game", "board game", "card & board"),
    "Casual": ("casual",),
    "Fighting": ("fighting",),
    "Hack and slash": ("hack and slash/beat 'em up", "hack and slash", "beat 'em up"),
    "Indie": ("indie",),
    "MMO": ("massively multiplayer", "mmo", "mmorpg"),
    "MOBA": ("moba",),
    "Music": ("music", "rhythm"),
    "Pinball": ("pinball",),
    "Platformer": ("platform", "platformer"),
    "Point-and-click": ("point-and-click", "point & click"),
    "Puzzle": ("puzzle",),
    "Quiz/Trivia": ("quiz/trivia", "trivia"),
    "Racing": ("racing",),
    "Real-time strategy": ("real time strategy (rts)", "rts", "real-time strategy"),
    "Role-playing": ("role-playing (rpg)", "rpg", "role-playing", "role playing"),
    "Shooter": ("shooter", "fps", "first-person shooter"),
    "Simulation": ("simulator", "simulation"),
    "Sports": ("sport", "sports"),
    "Strategy": ("strategy",),
    "Tactical": ("tactical", "tactics"),
    "Turn-based strategy": ("turn-based strategy (tbs)", "tbs", "turn-based strategy"),
    "Visual novel": ("visual novel",),
}

_CANONICAL: dict[str, str] = {
    alias: name for name, aliases in VOCABULARY.items() for alias in (*aliases, name.lower())
}


def canonical_genre(name: str) -> str:
    """The vocabulary's name for NAME, or NAME itself (trimmed, at most 64 characters)."""
    cleaned = " ".join(name.split())[:64]
    return _CANONICAL.get(cleaned.lower(), cleaned)


def canonical_genres(names: Iterable[str]) -> list[str]:
    """Distinct canonical names, A to Z, blanks dropped."""
    return sorted({canonical_genre(name) for name in names if name and name.strip()})
