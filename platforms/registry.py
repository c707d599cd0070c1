"""The platforms Game Djinn knows, and which have a working integration.

The migration seeds the Platform table from PLATFORMS; `api_available` is true only where an
integration folder exists under platforms/integrations/.
"""

from __future__ import annotations

from typing import NamedTuple


class PlatformSpec(NamedTuple):
    code: str
    name: str
    api_available: bool
    capabilities: tuple[str, ...]
    sort_order: int


PLATFORMS: tuple[PlatformSpec, ...] = (
    PlatformSpec("steam", "Steam", True, ("owned", "playtime", "metadata", "achievements"), 10),
    PlatformSpec("gog", "GOG", False, (), 20),
    PlatformSpec("epic", "Epic Games Store", False, (), 30),
    PlatformSpec("xbox", "Xbox", False, (), 40),
    PlatformSpec("playstation", "PlayStation", False, (), 50),
    PlatformSpec("manual", "Manual entry", False, (), 90),
)
