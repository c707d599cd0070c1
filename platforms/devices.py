"""Where a game no store reports lives: the "manual" store, one release per (device, title).

A console cartridge, a physical disc, a tracker's "PlayStation 4" entry: none has a store id, so
each lands on the "manual" store with an id made of the device and the title
("nintendo-switch:the-legend-of-zelda-breath-of-the-wild"). The id is the same on every import
and for every door (a Grouvee row, a Playnite emulated game, a game added by hand), so the same
game on the same device is one release, as a Steam app id is; the device stays readable from the
id (``device_of``). Store names from other programs map to our store codes here too.
Nothing here imports Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from platforms.filetext import column_key, slug, stable_id

MANUAL_STORE = "manual"

# Device slug → display name. A device not listed keeps its own name's slug.
DEVICES: Mapping[str, str] = {
    "pc": "PC",
    "physical": "Physical copy",
    "mac": "Mac",
    "linux": "Linux",
    "nintendo-switch": "Nintendo Switch",
    "nintendo-switch-2": "Nintendo Switch 2",
    "wii-u": "Wii U",
    "wii": "Wii",
    "nintendo-3ds": "Nintendo 3DS",
    "nintendo-ds": "Nintendo DS",
    "game-boy-advance": "Game Boy Advance",
    "game-boy": "Game Boy",
    "gamecube": "GameCube",
    "nintendo-64": "Nintendo 64",
    "snes": "Super Nintendo",
    "nes": "NES",
    "playstation-5": "PlayStation 5",
    "playstation-4": "PlayStation 4",
    "playstation-3": "PlayStation 3",
    "playstation-2": "PlayStation 2",
    "playstation": "PlayStation",
    "playstation-vita": "PlayStation Vita",
    "psp": "PSP",
    "xbox-series-x-s": "Xbox Series X|S",
    "xbox-one": "Xbox One",
    "xbox-360": "Xbox 360",
    "xbox": "Xbox",
    "sega-genesis": "Sega Genesis",
    "dreamcast": "Dreamcast",
    "ios": "iOS",
    "android": "Android",
    "other": "Other device",
}
# Other spellings of the same devices, as trackers and launchers write them.
_DEVICE_ALIASES: Mapping[str, str] = {
    "pcwindows": "pc",
    "windows": "pc",
    "pcmicrosoftwindows": "pc",
    "switch": "nintendo-switch",
    "ps5": "playstation-5",
    "sonyplaystation5": "playstation-5",
    "ps4": "playstation-4",
    "sonyplaystation4": "playstation-4",
    "ps3": "playstation-3",
    "sonyplaystation3": "playstation-3",
    "ps2": "playstation-2",
    "ps1": "playstation",
    "psx": "playstation",
    "vita": "playstation-vita",
    "psvita": "playstation-vita",
    "xboxseriesx": "xbox-series-x-s",
    "xboxseriess": "xbox-series-x-s",
    "xboxseriesxs": "xbox-series-x-s",
    "3ds": "nintendo-3ds",
    "ds": "nintendo-ds",
    "gba": "game-boy-advance",
    "n64": "nintendo-64",
    "supernintendoentertainmentsystem": "snes",
    "nintendoentertainmentsystem": "nes",
    "macos": "mac",
    "physicalcopy": "physical",
    "disc": "physical",
    "cartridge": "physical",
    "megadrive": "sega-genesis",
}

# A store's name in other programs → our store code.
STORE_NAMES: Mapping[str, str] = {
    "steam": "steam",
    "gog": "gog",
    "goggalaxy": "gog",
    "gogcom": "gog",
    "epic": "epic",
    "epicgames": "epic",
    "epicgamesstore": "epic",
    "xbox": "xbox",
    "xboxgamepass": "xbox",
    "microsoftstore": "xbox",
    "playstation": "playstation",
    "psn": "playstation",
    "playstationnetwork": "playstation",
    "ubisoft": "ubisoft",
    "ubisoftconnect": "ubisoft",
    "uplay": "ubisoft",
    "ea": "ea",
    "eaapp": "ea",
    "origin": "ea",
    "battlenet": "battlenet",
    "blizzard": "battlenet",
    "amazon": "amazon",
    "amazongames": "amazon",
    "primegaming": "amazon",
    "humble": "humble",
    "humblebundle": "humble",
    "itch": "itch",
    "itchio": "itch",
}


@cache
def store_code(name: str) -> str | None:
    """Our code of the store another program calls NAME, or None when it is not a store."""
    return STORE_NAMES.get(column_key(name))


@cache
def device_slug(name: str) -> str:
    """The device slug of a platform name ('PlayStation 4', 'PS4' → 'playstation-4')."""
    key = column_key(name)
    known = {column_key(code): code for code in DEVICES}
    known |= {column_key(label): code for code, label in DEVICES.items()} | dict(_DEVICE_ALIASES)
    return known.get(key) or slug(name) or "other"


def device_name(device: str) -> str:
    return DEVICES.get(device, device.replace("-", " ").title())


def manual_release_id(device: str, title: str) -> str:
    """The "manual" store id of TITLE on DEVICE (a slug or a platform name)."""
    return stable_id(device_slug(device), title)


def device_of(external_id: str) -> str:
    """The display name of the device a "manual" store id names."""
    device, _, _ = external_id.partition(":")
    return device_name(device)
