"""A real HTTP server that speaks Steam's Web API and store wire formats, for tests, benchmarks
and the product's demo mode.

Why a server and not mocks: the bugs worth catching live in the HTTP layer (status codes, HTML
error pages, ``Retry-After``, timeouts, truncated bodies, the key in the query string), and the
rate limiter can only be judged against something that counts requests on arrival. Every shape
and failure here follows docs/wire-formats.md; bodies of error pages are verbatim.

``generate_world`` builds a deterministic, realistic account (titles with Unicode and markup,
DLC pointing at owned games, delisted apps, hidden achievements, never-played games) quickly
enough to serve 10,000 games.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Generic, Literal, TypeVar
from urllib.parse import parse_qs, urlsplit

Surface = Literal["api", "store"]
T = TypeVar("T")

# --- verbatim bodies (docs/wire-formats.md, "Errors") ------------------------------------

FORBIDDEN_HTML = (
    "<html><head><title>Forbidden</title></head><body><h1>Forbidden</h1>Access is denied. "
    "Retrying will not help. Please verify your <pre>key=</pre> parameter.</body></html>"
)
UNAUTHORIZED_HTML = (
    "<html><head><title>Unauthorized</title></head><body><h1>Unauthorized</h1>Access is denied. "
    "Retrying will not help. Please verify your <pre>key=</pre> parameter.</body></html>"
)
TOO_MANY_REQUESTS_HTML = (
    "<html>\n<head>\n<title>429 Too Many Requests</title>\n</head>\n<body>\n"
    "<h1>Too Many Requests</h1>\n</body>\n</html>"
)
INTERNAL_ERROR_HTML = (
    "<html><head><title>Internal Server Error</title></head><body><h1>Internal Server Error</h1>"
    "Failed to forward request message to internal server</body></html>"
)
NOT_FOUND_HTML = "<html><head><title>Not Found</title></head><body><h1>Not Found</h1></body></html>"
_STATUS_TITLES = {502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


def bad_request_html(parameter: str) -> str:
    return (
        "<html><head><title>Bad Request</title></head><body><h1>Bad Request</h1>"
        f"Required parameter '{parameter}' is missing</body></html>"
    )


def error_html(status: int) -> str:
    """The page Steam's front end serves for a status (500 verbatim; others in its style)."""
    pages = {401: UNAUTHORIZED_HTML, 403: FORBIDDEN_HTML, 404: NOT_FOUND_HTML}
    pages[429] = TOO_MANY_REQUESTS_HTML
    pages[500] = INTERNAL_ERROR_HTML
    if status in pages:
        return pages[status]
    title = _STATUS_TITLES.get(status, f"Error {status}")
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>"


# --- the world ----------------------------------------------------------------------------------


@dataclass
class FakePlayer:
    """One Steam account. ``owned``/``recent`` hold wire-format entries, ready to serve."""

    steamid: str
    personaname: str
    vanity: str | None = None
    realname: str = ""
    avatar_hash: str = ""
    timecreated: int = 0
    country: str = ""
    private: bool = False
    achievements_private: bool = False
    owned: list[dict[str, Any]] = field(default_factory=list)
    recent: list[dict[str, Any]] = field(default_factory=list)
    # appid -> achievement api name -> unlock time (Unix seconds)
    unlocked: dict[int, dict[str, int]] = field(default_factory=dict)


@dataclass
class SteamWorld:
    """Everything the fake server knows. ``apps[appid] is None`` means delisted
    (``success:false``); ``schemas`` holds ``GetSchemaForGame``'s ``game`` object for apps with
    stats, ``percentages`` the global unlock rates (strings, as Steam sends them)."""

    api_key: str
    players: dict[str, FakePlayer] = field(default_factory=dict)
    apps: dict[int, dict[str, Any] | None] = field(default_factory=dict)
    schemas: dict[int, dict[str, Any]] = field(default_factory=dict)
    percentages: dict[int, list[dict[str, str]]] = field(default_factory=dict)
    steamid: str = ""
    vanity: str = ""

    @property
    def player(self) -> FakePlayer:
        """The main account (the one ``generate_world`` was asked for)."""
        return self.players[self.steamid]

    def player_by_vanity(self, vanity: str) -> FakePlayer | None:
        wanted = vanity.lower()
        return next(
            (p for p in self.players.values() if p.vanity and p.vanity.lower() == wanted), None
        )


DEFAULT_NOW = 1_795_000_000  # 2026-11-18; fixed so generated worlds are identical run to run
PRIVATE_STEAMID = "76561197960287931"
PRIVATE_VANITY = "hiddenhermit"
EMPTY_STEAMID = "76561197960287932"
EMPTY_VANITY = "emptyshelf"

_ADJECTIVES = (
    "Hollow",
    "Crimson",
    "Silent",
    "Iron",
    "Forgotten",
    "Stellar",
    "Broken",
    "Eternal",
    "Frozen",
    "Golden",
    "Shattered",
    "Neon",
    "Wandering",
    "Last",
    "Hidden",
    "Savage",
    "Quiet",
    "Burning",
    "Lunar",
    "Rusty",
    "Velvet",
    "Arcane",
    "Sunken",
    "Wild",
    "Clockwork",
    "Paper",
    "Tiny",
    "Endless",
    "Cursed",
    "Radiant",
)
_NOUNS = (
    "Kingdom",
    "Frontier",
    "Odyssey",
    "Legacy",
    "Dungeon",
    "Empire",
    "Horizon",
    "Citadel",
    "Protocol",
    "Harvest",
    "Voyage",
    "Tactics",
    "Garden",
    "Outpost",
    "Carnival",
    "Abyss",
    "Station",
    "Chronicle",
    "Reverie",
    "Bastion",
    "Labyrinth",
    "Orchard",
    "Signal",
    "Armada",
    "Sanctum",
    "Foundry",
    "Expedition",
    "Requiem",
    "Workshop",
    "Menagerie",
)
_PLACES = (
    "the",
    "North",
    "Dawn",
    "Ashes",
    "Tomorrow",
    "the",
    "Deep",
    "Embers",
    "Glass",
    "Storms",
    "Avalon",
    "Nowhere",
    "Shadows",
    "Tides",
)
_SUFFIXES = ("", "", "", ": Remastered", " II", " 3", ": Definitive Edition", " Tycoon", " VR")
_SPECIAL_TITLES = (
    "Ōkami Tales: Amaterasu's Brush",
    "Café Noir: L'Été Meurtrier",
    "東方 Scarlet Reverie ～ 紅魔郷",  # noqa: RUF001 - Unicode titles are the point
    '<script>alert("djinn")</script> Tycoon',
    "Pokémon-like Ω: Ünïcödé Édition",
    "Rock & Roll Racing 'Deluxe'",
    "𝔐𝔞𝔱𝔥 𝔉𝔬𝔫𝔱 Quest",  # noqa: RUF001 - seen in real persona names (recording B)
)
_STUDIO_WORDS = (
    "Moonlit",
    "Iron",
    "Tiny",
    "Pixel",
    "Badger",
    "Owl",
    "Lantern",
    "Fox",
    "Harbor",
    "Kettle",
    "Anvil",
    "Comet",
)
_STUDIO_KINDS = ("Studios", "Games", "Interactive", "Entertainment", "Works", "Collective")
_GENRES = (
    ("1", "Action"),
    ("25", "Adventure"),
    ("23", "Indie"),
    ("3", "RPG"),
    ("2", "Strategy"),
    ("28", "Simulation"),
    ("9", "Racing"),
    ("18", "Sports"),
    ("4", "Casual"),
    ("29", "Massively Multiplayer"),
    ("70", "Early Access"),
)
_CATEGORIES = (
    (2, "Single-player"),
    (1, "Multi-player"),
    (9, "Co-op"),
    (38, "Online Co-op"),
    (49, "PvP"),
    (28, "Full controller support"),
    (18, "Partial Controller Support"),
    (29, "Steam Trading Cards"),
    (23, "Steam Cloud"),
    (62, "Family Sharing"),
)
_ESRB = (
    ("e", ""),
    ("e10", "Fantasy Violence"),
    ("t", "Violence\r\nBlood\r\nMild Language"),
    ("m", "Blood and Gore\r\nIntense Violence\r\nStrong Language"),
    ("m", ""),
    ("t", ""),
    ("ao", "Strong Sexual Content\r\nNudity"),
    ("rp", ""),
)
_PEGI = ("3", "7", "12", "16", "18")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ACHIEVEMENT_WORDS = (
    "First Steps",
    "Into the Fray",
    "Collector",
    "Perfectionist",
    "Night Owl",
    "Speedrunner",
    "Pacifist",
    "Explorer",
    "Sharpshooter",
    "Survivor",
    "Master Chef",
    "Cartographer",
    "Completionist",
    "Lucky Break",
    "Old Friend",
    "No Damage",
    "Hoarder",
    "Merchant",
    "Dragon Slayer",
    "Marathon",
)
_CDN = "https://shared.akamai.steamstatic.com/store_item_assets/steam/apps"


def _default_api_key(seed: int) -> str:
    return f"{random.Random(f'key-{seed}').getrandbits(128):032X}"


def generate_world(
    games: int,
    seed: int = 7,
    steamid: str = "76561197960287930",
    vanity: str = "demo",
    api_key: str | None = None,
    now: int = DEFAULT_NOW,
) -> SteamWorld:
    """A deterministic account owning ``games`` apps, plus a private and an empty account.

    Proportions follow the recordings: about 60 % of games have community stats (C saw 168 of
    214), about a quarter were never launched, a few were played in the last two weeks, ~2 %
    are delisted, ~3 % are DLC whose ``fullgame.appid`` (a string) points at an owned game.
    """
    rng = random.Random(seed)
    world = SteamWorld(api_key=api_key or _default_api_key(seed), steamid=steamid, vanity=vanity)
    main = FakePlayer(
        steamid=steamid,
        personaname="Djinn 🎮 Demo",
        vanity=vanity,
        realname="Dee Mo",
        avatar_hash=_hex(rng, 40),
        timecreated=now - 12 * 365 * 86400,
        country="US",
    )
    world.players[steamid] = main
    world.players[PRIVATE_STEAMID] = FakePlayer(
        steamid=PRIVATE_STEAMID,
        personaname="Hidden Hermit",
        vanity=PRIVATE_VANITY,
        avatar_hash=_hex(rng, 40),
        private=True,
        achievements_private=True,
    )
    world.players[EMPTY_STEAMID] = FakePlayer(
        steamid=EMPTY_STEAMID,
        personaname="Empty Shelf",
        vanity=EMPTY_VANITY,
        avatar_hash=_hex(rng, 40),
        timecreated=now - 86400 * 30,
    )

    used_names: set[str] = set()
    base_games: list[tuple[int, str]] = []  # (appid, name) of full games, for DLC parents
    appid = 0
    shared_icon = ""
    for index in range(games):
        appid += rng.randrange(10, 600, 10)
        name = _title(rng, index, used_names)
        kind = "game"
        parent: tuple[int, str] | None = None
        roll = rng.random()
        if base_games and roll < 0.03:
            kind = "dlc"
            parent = rng.choice(base_games)
            name = f"{parent[1]} - {rng.choice(('Soundtrack', 'Season Pass', 'Art Book'))}"
            if name in used_names:
                name = f"{name} {index}"
            used_names.add(name)
        elif base_games and roll < 0.04:
            kind = "demo"
            parent = rng.choice(base_games)
            name = f"{parent[1]} Demo"
            if name in used_names:
                name = f"{name} {index}"
            used_names.add(name)
        else:
            base_games.append((appid, name))
        delisted = rng.random() < 0.02
        has_stats = kind == "game" and rng.random() < 0.6
        icon = "" if rng.random() < 0.01 else _hex(rng, 40)
        if index == 1:
            shared_icon = icon
        elif index == 2 and shared_icon:
            icon = shared_icon  # two apps can share one icon hash (recording A)
        mature = rng.random() < 0.2
        owned = _owned_entry(rng, appid, name, icon, has_stats, mature, now)
        main.owned.append(owned)
        # Steam lists a free game only once launched, so every free game here has playtime and
        # GetOwnedGames returns exactly ``games`` entries.
        is_free = owned["playtime_forever"] > 0 and rng.random() < 0.08
        world.apps[appid] = (
            None
            if delisted
            else _app_data(rng, appid, name, kind, parent, has_stats, mature, is_free)
        )
        if has_stats:
            _add_achievements(rng, world, main, appid, name, main.owned[-1])

    # A borrowed Family game: in recently played, never in owned (docs/wire-formats.md,
    # GetOwnedGames).
    borrowed = {"appid": appid + 10, "name": "Borrowed Family Game", "playtime_2weeks": 95}
    borrowed |= {"playtime_forever": 95, "img_icon_url": _hex(rng, 40)}
    recent = [dict(_recent_fields(g)) for g in main.owned if "playtime_2weeks" in g] + [borrowed]
    main.recent = sorted(recent, key=lambda g: -g["playtime_2weeks"])
    return world


def _hex(rng: random.Random, digits: int) -> str:
    return f"{rng.getrandbits(digits * 4):0{digits}x}"


def _title(rng: random.Random, index: int, used: set[str]) -> str:
    if index % 97 == 3 and index // 97 < len(_SPECIAL_TITLES):
        name = _SPECIAL_TITLES[index // 97]
    else:
        pattern = rng.random()
        if pattern < 0.4:
            name = f"{rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)}"
        elif pattern < 0.7:
            name = f"{rng.choice(_NOUNS)} of {rng.choice(_PLACES)}"
        else:
            name = f"The {rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)}"
        name += rng.choice(_SUFFIXES)
    candidate, n = name, 1
    while candidate in used:
        n += 1
        candidate = f"{name} {n}" if n < 20 else f"{name} ({2000 + n})"
    used.add(candidate)
    return candidate


def _owned_entry(
    rng: random.Random,
    appid: int,
    name: str,
    icon: str,
    has_stats: bool,
    mature: bool,
    now: int,
) -> dict[str, Any]:
    roll = rng.random()
    if roll < 0.25:  # never launched: 0 minutes, rtime 0, no playtime_2weeks
        forever, two_weeks, last = 0, None, 0
    elif roll < 0.29:  # played in the last two weeks
        two_weeks = rng.randint(1, 1800)
        forever = two_weeks + rng.randint(0, 20000)
        last = now - rng.randint(600, 13 * 86400)
    else:
        forever, two_weeks = rng.randint(1, 30000), None
        last = rng.randint(1_350_000_000, now - 15 * 86400)
    entry: dict[str, Any] = {"appid": appid, "name": name}
    if two_weeks is not None:
        entry["playtime_2weeks"] = two_weeks
    linux = forever // 5 if rng.random() < 0.2 else 0
    entry |= {
        "playtime_forever": forever,
        "img_icon_url": icon,
    }
    if has_stats:
        entry["has_community_visible_stats"] = True
    entry |= {
        "playtime_windows_forever": forever - linux,
        "playtime_mac_forever": 0,
        "playtime_linux_forever": linux,
        "playtime_deck_forever": 0,
        "rtime_last_played": last,
    }
    if mature:
        entry["content_descriptorids"] = [2, 5]
    entry["playtime_disconnected"] = 0
    return entry


def _recent_fields(game: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "appid", "name", "playtime_2weeks", "playtime_forever", "img_icon_url",
        "playtime_windows_forever", "playtime_mac_forever", "playtime_linux_forever",
        "playtime_deck_forever",
    )  # fmt: skip
    return {k: game[k] for k in keys if k in game}


def _release_date(rng: random.Random) -> dict[str, Any]:
    roll = rng.random()
    year, month, day = rng.randint(1998, 2026), rng.randrange(12), rng.randint(1, 28)
    if roll < 0.45:
        return {"coming_soon": False, "date": f"{day} {_MONTHS[month]}, {year}"}
    if roll < 0.90:
        return {"coming_soon": False, "date": f"{_MONTHS[month]} {day}, {year}"}
    if roll < 0.94:
        return {"coming_soon": True, "date": f"Q{rng.randint(1, 4)} 2027"}
    if roll < 0.96:
        return {"coming_soon": True, "date": "Coming soon"}
    if roll < 0.98:
        return {"coming_soon": False, "date": f"{year} 年 {month + 1} 月 {day} 日"}
    return {"coming_soon": True, "date": ""}


def _app_data(
    rng: random.Random,
    appid: int,
    name: str,
    kind: str,
    parent: tuple[int, str] | None,
    has_stats: bool,
    mature: bool,
    is_free: bool,
) -> dict[str, Any]:
    """An appdetails ``data`` object with the documented quirks."""
    studio = f"{rng.choice(_STUDIO_WORDS)} {rng.choice(_STUDIO_WORDS)} {rng.choice(_STUDIO_KINDS)}"
    esrb_rating, esrb_descriptors = rng.choice(_ESRB[3:6] if mature else _ESRB)
    required_age: int | str = 17 if esrb_rating in ("m", "ao") else 0
    if required_age and rng.random() < 0.3:
        required_age = str(required_age)  # some payloads send a string
    stamp = 1_700_000_000 + appid % 9_999_999
    genres = rng.sample(_GENRES, rng.randint(1, 3))
    categories = rng.sample(_CATEGORIES, rng.randint(1, 4))
    if has_stats:
        categories.append((22, "Steam Achievements"))
    quirk = rng.random()
    short = f"Explore the {name.lower()} &amp; uncover its secrets."
    if quirk < 0.2:
        short = f"&quot;{name}&quot; is a hand-crafted adventure &amp; a love letter to the genre."
    elif quirk < 0.25:
        short = "Type &lt;b&gt;commands&lt;/b&gt; to build <i>anything</i>."
    data: dict[str, Any] = {
        "type": kind,
        "name": name,
        "steam_appid": appid,
        "required_age": required_age,
        "is_free": is_free,
        "controller_support": rng.choice(("full", "partial")),
        "detailed_description": f"<h2>About</h2><p>{short}</p>",
        "about_the_game": (
            f"<p>{short}</p><br><ul><li>Hours of content</li></ul>"
            + ('<img src="x" onerror="alert(1)">' if quirk > 0.97 else "")
        ),
        "short_description": short,
        "supported_languages": "English<strong>*</strong>, French, German<br><strong>*</strong>"
        "languages with full audio support",
        "header_image": f"{_CDN}/{appid}/header.jpg?t={stamp}",
        "capsule_image": f"{_CDN}/{appid}/capsule_231x87.jpg?t={stamp}",
        "capsule_imagev5": f"{_CDN}/{appid}/capsule_184x69.jpg?t={stamp}",
        "website": None if rng.random() < 0.3 else f"https://example.com/games/{appid}",
        "pc_requirements": {"minimum": "<strong>Minimum:</strong><br><ul><li>OS: Windows 10</li>"},
        "mac_requirements": [],
        "linux_requirements": [],
        "developers": [studio],
        "publishers": [studio if rng.random() < 0.5 else "Big Publisher Inc."],
        "platforms": {"windows": True, "mac": rng.random() < 0.3, "linux": rng.random() < 0.25},
        "categories": [{"id": i, "description": d} for i, d in categories],
        "genres": [{"id": i, "description": d} for i, d in genres],
        "screenshots": [
            {
                "id": n,
                "path_thumbnail": f"{_CDN}/{appid}/ss_{shot}.600x338.jpg?t={stamp}",
                "path_full": f"{_CDN}/{appid}/ss_{shot}.1920x1080.jpg?t={stamp}",
            }
            for n, shot in enumerate(_hex(rng, 40) for _ in range(rng.randint(1, 4)))
        ],
        "release_date": _release_date(rng),
        "support_info": {"url": "", "email": f"support@{appid}.example.com"},
        "background": f"{_CDN}/{appid}/page_bg_generated_v6b.jpg?t={stamp}",
        "background_raw": f"{_CDN}/{appid}/page.bg.jpg?t={stamp}",
        "content_descriptors": {
            "ids": [2, 5] if mature else [],
            "notes": "Contains intense violence and blood." if mature else None,
        },
    }
    if data["platforms"]["linux"]:
        data["linux_requirements"] = {"minimum": "<strong>Minimum:</strong> Ubuntu 22.04"}
    if not is_free:
        cents = rng.choice((499, 999, 1499, 1999, 2999, 5999))
        data["price_overview"] = {
            "currency": "USD",
            "initial": cents,
            "final": cents,
            "discount_percent": 0,
            "initial_formatted": "",
            "final_formatted": f"${cents / 100:.2f}",
        }
    if rng.random() < 0.35:
        data["metacritic"] = {
            "score": rng.randint(45, 96),
            "url": f"https://www.metacritic.com/game/pc/app-{appid}?ftag=MCD-06-10aa1f",
        }
    ratings: dict[str, Any] = {}
    if rng.random() < 0.55 or mature:
        ratings["esrb"] = {"rating": esrb_rating}
        if esrb_descriptors:
            ratings["esrb"]["descriptors"] = esrb_descriptors
    if rng.random() < 0.5:
        ratings["pegi"] = {"rating": "18" if mature else rng.choice(_PEGI[:3])}
    if rng.random() < 0.3:
        ratings["usk"] = {"rating": "16" if mature else "6"}
        ratings["steam_germany"] = {
            "rating_generated": "1",
            "rating": "16" if mature else "6",
            "required_age": "16" if mature else "6",
            "banned": "0",
            "use_age_gate": "0",
            "descriptors": "Gewalt\nDrastische Gewalt" if mature else "",
        }
    if ratings:
        data["ratings"] = ratings
    if parent is not None:
        data["fullgame"] = {"appid": str(parent[0]), "name": parent[1]}
    if has_stats:
        data["achievements"] = {"total": 0, "highlighted": []}
    data["recommendations"] = {"total": rng.randint(10, 250_000)}
    return data


def _add_achievements(
    rng: random.Random,
    world: SteamWorld,
    player: FakePlayer,
    appid: int,
    name: str,
    owned: dict[str, Any],
) -> None:
    count = 0 if rng.random() < 0.05 else rng.randint(3, 30)  # a few games have stats only
    icon_base = f"https://steamcdn-a.akamaihd.net/steamcommunity/public/images/apps/{appid}"
    achievements: list[dict[str, Any]] = []
    percentages: list[dict[str, str]] = []
    for n in range(count):
        label = f"{rng.choice(_ACHIEVEMENT_WORDS)} {n + 1}"
        entry: dict[str, Any] = {
            "name": f"ACH_{n:03d}",
            "defaultvalue": 0,
            "displayName": label,
            "hidden": 1 if rng.random() < 0.15 else 0,
        }
        if not entry["hidden"]:  # hidden achievements have no description key at all
            entry["description"] = f"Earn '{label}' in {name}."
        entry["icon"] = f"{icon_base}/{_hex(rng, 40)}.jpg"
        entry["icongray"] = f"{icon_base}/{_hex(rng, 40)}.jpg"
        achievements.append(entry)
        percentages.append({"name": entry["name"], "percent": f"{rng.uniform(0.1, 95):.1f}"})
    world.schemas[appid] = {
        "gameName": name if rng.random() < 0.9 else f"ValveTestApp{appid}",
        "gameVersion": str(rng.randint(1, 300)),
        "availableGameStats": {
            "stats": [{"name": "STAT_KILLS", "defaultvalue": 0, "displayName": "Kills"}],
            **({"achievements": achievements} if achievements else {}),
        },
    }
    if achievements:
        percentages.sort(key=lambda p: -float(p["percent"]))
        world.percentages[appid] = percentages
        details = world.apps.get(appid)
        if details is not None:
            details["achievements"]["total"] = count
        last = owned["rtime_last_played"]
        if owned["playtime_forever"] and last:
            share = min(1.0, owned["playtime_forever"] / 3000)
            player.unlocked[appid] = {
                a["name"]: rng.randint(last - 400 * 86400, last)
                for a in achievements
                if rng.random() < share
            }


# --- the server ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One answered request. ``endpoint`` is the path without the query, so no key is kept."""

    at: float
    surface: Surface
    endpoint: str
    status: int


@dataclass
class _Failure:
    remaining: int
    status: int
    body: str | None
    # FakeStore failures carry their own Retry-After (None: no header) instead of the switch.
    own_retry_after: bool = False
    retry_after: int | None = None
    hold_seconds: float = 0.0  # answer this late (a timeout)
    truncate: bool = False  # answer normally, with the JSON body cut in half


_KEYLESS = {"ISteamUserStats/GetGlobalAchievementPercentagesForApp"}
_BASIC_FILTER = {"type", "name", "steam_appid", "required_age", "is_free", "short_description"}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the real front ends
    # Headers and body go out in two writes; with Nagle on, each keep-alive answer would stall
    # ~40 ms on the client's delayed ACK and make the fake far slower than Steam.
    disable_nagle_algorithm = True
    server: _Server

    def do_GET(self) -> None:
        self.server.fake._handle(self)

    def log_message(self, format: str, *args: Any) -> None:
        # The request line carries the API key; never write it anywhere.
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # An AF_INET server's bound address; socketserver's type also allows Unix and bytes addresses.
    server_address: tuple[str, int]
    fake: FakeSteam

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out and hung up is part of the tests, not a server fault.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Switch(Generic[T]):
    """A FakeSteam attribute read and written under its lock, so tests may flip it while
    handler threads are answering."""

    def __set_name__(self, owner: type, name: str) -> None:
        self._attr = "_" + name

    def __get__(self, obj: FakeSteam, objtype: type | None = None) -> T:
        with obj._lock:
            return getattr(obj, self._attr)

    def __set__(self, obj: FakeSteam, value: T) -> None:
        with obj._lock:
            setattr(obj, self._attr, value)


class FakeSteam:
    """Serve ``world`` on 127.0.0.1 until ``stop()``; switch failures on at runtime.

    Both surfaces share one port, so point ``STEAM_API_URL`` and ``STEAM_STORE_URL`` at ``url``.
    All switches are safe to flip from another thread while requests are in flight.
    """

    SURFACES: ClassVar[tuple[Surface, ...]] = ("api", "store")

    def __init__(
        self,
        world: SteamWorld | None = None,
        *,
        serve_store: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.world = world or generate_world(40)
        self.serve_store = serve_store
        self._address = (host, port)
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._rate_limits: dict[Surface, tuple[int, float]] = {}
        self._arrivals: dict[Surface, deque[float]] = {s: deque() for s in self.SURFACES}
        self._failures: dict[Surface, deque[_Failure]] = {s: deque() for s in self.SURFACES}
        self._malformed: set[str] = set()
        self._log: list[RequestRecord] = []
        self._retry_after: int | None = None
        self._latency_seconds = 0.0
        self._private_profile = False
        self._invalid_key = False
        self._invalid_key_status = 403
        self.timeout_seconds = 1.0  # the client timeout settings() asks for

    # --- lifecycle --------------------------------------------------------------------------------

    def start(self) -> FakeSteam:
        server = _Server(self._address, _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeSteam:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeSteam is not running; call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # --- failure switches ---------------------------------------------------------------------

    def set_rate_limit(self, surface: Surface, limit: tuple[int, float] | None) -> None:
        """Answer 429 past ``limit = (requests, window_seconds)`` served requests in any window
        (a sliding log on arrival), or lift the limit with None."""
        with self._lock:
            if limit is None:
                self._rate_limits.pop(surface, None)
            else:
                self._rate_limits[surface] = limit
            self._arrivals[surface].clear()

    def fail_next(
        self,
        failure: int | str,
        status: int = 500,
        surface: Surface = "api",
        body: str | None = None,
        *,
        count: int = 1,
        retry_after: int | None = None,
    ) -> None:
        """Answer the next ``failure`` (a count) requests on ``surface`` with ``status`` and
        Steam's page for it (or ``body``, e.g. ``"null"`` for the store's disguised rate limit).

        Given a failure *name* from platforms.contract.FAILURES instead, it is the FakeStore
        protocol's call: the next ``count`` Web API requests fail that way (see _store_failures).
        """
        if isinstance(failure, str):
            entries = _store_failures(failure, count, retry_after, self.timeout_seconds)
            with self._lock:
                if failure in ("revoked_credentials", "expired_credentials"):
                    # A key Steam stops accepting stays refused (Steam keys have no expiry of
                    # their own); a single refusal is the plain ``fail_next(1, 403)``.
                    self._invalid_key = True
                    return
                self._failures["api"].extend(entries)
            return
        with self._lock:
            self._failures[surface].append(_Failure(failure, status, body))

    # --- the FakeStore protocol (tests/platforms/contract/) -----------------------------------

    def settings(self) -> dict[str, Any]:
        """Settings aiming SteamClient here; no server key, so a library's own key counts."""
        return {
            "STEAM_API_URL": self.url,
            "STEAM_STORE_URL": self.url,
            "STEAM_API_KEY": "",
            "STEAM_API_RATE_LIMIT": (10_000, 1),
            "STEAM_STORE_RATE_LIMIT": (10_000, 1),
            "STEAM_HTTP_TIMEOUT": self.timeout_seconds,
        }

    def connect_values(self) -> dict[str, str]:
        return {"account": self.world.steamid, "api_key": self.world.api_key}

    def set_titles(self, titles: list[str]) -> None:
        """Make the main account own exactly these games (never free, never played)."""
        rng = random.Random(len(titles))
        owned = [
            _owned_entry(rng, 9_000_000 + 10 * n, title, _hex(rng, 40), False, False, DEFAULT_NOW)
            for n, title in enumerate(titles)
        ]
        with self._lock:
            self.world.player.owned = owned

    def malformed(self, path_substring: str) -> None:
        """Truncate the JSON body of successful answers whose path contains the substring."""
        with self._lock:
            self._malformed.add(path_substring)

    def clear_malformed(self) -> None:
        with self._lock:
            self._malformed.clear()

    retry_after = _Switch[int | None]()  # Retry-After seconds on 429s; None sends no header
    latency_seconds = _Switch[float]()  # delay before every answer
    private_profile = _Switch[bool]()  # every player's game details hidden
    invalid_key = _Switch[bool]()  # reject every key, as after a revocation
    invalid_key_status = _Switch[int]()  # 403, or 401 as some endpoints answer

    # --- request log ---------------------------------------------------------------------------

    @property
    def requests(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._log)

    def counts_by_endpoint(self, surface: Surface | None = None) -> Counter[str]:
        return Counter(r.endpoint for r in self.requests if surface in (None, r.surface))

    def counts_by_status(self, surface: Surface | None = None) -> Counter[int]:
        return Counter(r.status for r in self.requests if surface in (None, r.surface))

    def reset_log(self) -> None:
        with self._lock:
            self._log.clear()

    # --- request handling ----------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        arrived = time.monotonic()
        parts = urlsplit(handler.path)
        path = parts.path
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        surface: Surface = "store" if path.startswith("/api/") else "api"
        endpoint = _endpoint_name(path)
        status, body, headers, latency = self._answer(surface, endpoint, path, query, arrived)
        with self._lock:
            self._log.append(RequestRecord(arrived, surface, endpoint, status))
        if latency > 0:
            time.sleep(latency)  # simulated network delay, not a stand-in for work
        payload = body.encode("utf-8")
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    def _answer(
        self, surface: Surface, endpoint: str, path: str, query: dict[str, str], arrived: float
    ) -> tuple[int, str, dict[str, str], float]:
        with self._lock:
            latency = self._latency_seconds
            failures = self._failures[surface]
            failure = failures[0] if failures else None
            if failure is not None:
                failure.remaining -= 1
                if failure.remaining <= 0:
                    failures.popleft()
            if failure is not None and not failure.truncate:
                if surface in self._rate_limits:
                    self._arrivals[surface].append(arrived)
                body = failure.body if failure.body is not None else error_html(failure.status)
                headers = _content_type(body)
                retry_after = failure.retry_after if failure.own_retry_after else self._retry_after
                if failure.status == 429 and retry_after is not None:
                    headers["Retry-After"] = str(retry_after)
                return failure.status, body, headers, latency + failure.hold_seconds
            limit = self._rate_limits.get(surface)
            if limit is not None:
                requests, window = limit
                arrivals = self._arrivals[surface]
                while arrivals and arrivals[0] <= arrived - window:
                    arrivals.popleft()
                if len(arrivals) >= requests:
                    headers = _content_type(TOO_MANY_REQUESTS_HTML)
                    if self._retry_after is not None:
                        headers["Retry-After"] = str(self._retry_after)
                    return 429, TOO_MANY_REQUESTS_HTML, headers, latency
                arrivals.append(arrived)
            invalid_key, key_status = self._invalid_key, self._invalid_key_status
            private = self._private_profile
            truncate = any(s in path for s in self._malformed) or failure is not None

        if surface == "store":
            if not self.serve_store:
                status, body = 404, NOT_FOUND_HTML
            else:
                status, body = self._store(endpoint, query)
        else:
            status, body = self._api(endpoint, query, invalid_key, key_status, private)
        if truncate and status == 200 and body.startswith(("{", "[")):
            body = body[: max(1, len(body) // 2)]
        return status, body, _content_type(body), latency

    def _api(
        self,
        endpoint: str,
        query: dict[str, str],
        invalid_key: bool,
        key_status: int,
        private: bool,
    ) -> tuple[int, str]:
        route = _API_ROUTES.get(endpoint)
        if route is None:
            return 404, NOT_FOUND_HTML
        if endpoint not in _KEYLESS:
            key = query.get("key")
            if not key:
                return 400, bad_request_html("key")
            if invalid_key or key != self.world.api_key:
                return key_status, error_html(key_status)
        required, handler = route
        for name in required:
            if not query.get(name):
                return 400, bad_request_html(name)
        status, payload = handler(self, query, private)
        return status, json.dumps(payload, ensure_ascii=False, separators=(",", ":"))

    # Each endpoint returns (status, JSON-able payload).

    def _resolve_vanity(self, query: dict[str, str], private: bool) -> tuple[int, Any]:
        player = self.world.player_by_vanity(query["vanityurl"])
        if player is None:
            return 200, {"response": {"success": 42, "message": "No match"}}
        return 200, {"response": {"steamid": player.steamid, "success": 1}}

    def _player_summaries(self, query: dict[str, str], private: bool) -> tuple[int, Any]:
        players = []
        for steamid in query["steamids"].split(",")[:100]:
            player = self.world.players.get(steamid.strip())
            if player is not None:
                players.append(_summary(player, private or player.private))
        return 200, {"response": {"players": players}}

    def _owned_games(self, query: dict[str, str], private: bool) -> tuple[int, Any]:
        player = self.world.players.get(query["steamid"])
        if player is None or private or player.private:
            return 200, {"response": {}}
        if not player.owned:
            return 200, {"response": {"game_count": 0}}
        with_info = query.get("include_appinfo") in ("1", "true")
        with_free = query.get("include_played_free_games") in ("1", "true")
        games = []
        for game in player.owned:
            app = self.world.apps.get(game["appid"])
            # Free games appear only when asked for, and only once launched (docs/wire-formats.md).
            is_free = app is not None and app.get("is_free")
            if is_free and (not with_free or not game["playtime_forever"]):
                continue
            if not with_info:
                game = {k: v for k, v in game.items() if k not in _APPINFO_FIELDS}
            games.append(game)
        return 200, {"response": {"game_count": len(games), "games": games}}

    def _recent_games(self, query: dict[str, str], private: bool) -> tuple[int, Any]:
        player = self.world.players.get(query["steamid"])
        if player is None or private or player.private:
            return 200, {"response": {}}
        games = player.recent
        if query.get("count", "").isdigit():
            games = games[: int(query["count"])]
        if not games:
            return 200, {"response": {"total_count": 0}}
        return 200, {"response": {"total_count": len(player.recent), "games": games}}

    def _schema(self, query: dict[str, str], private: bool) -> tuple[int, Any]:
        schema = self.world.schemas.get(_int_or_zero(query["appid"]))
        return 200, {"game": schema or {}}

    def _global_percentages(self, query: dict[str, str], private: bool) -> tuple[int, Any]:
        percentages = self.world.percentages.get(_int_or_zero(query["gameid"]))
        if percentages is None:
            return 403, {}
        return 200, {"achievementpercentages": {"achievements": percentages}}

    def _player_achievements(self, query: dict[str, str], private: bool) -> tuple[int, Any]:
        appid = _int_or_zero(query["appid"])
        player = self.world.players.get(query["steamid"])
        schema = self.world.schemas.get(appid) or {}
        achievements = schema.get("availableGameStats", {}).get("achievements")
        if not achievements:
            return 400, {"playerstats": {"error": "Requested app has no stats", "success": False}}
        if player is None or private or player.private or player.achievements_private:
            return 403, {"playerstats": {"error": "Profile is not public", "success": False}}
        unlocked = player.unlocked.get(appid, {})
        with_text = bool(query.get("l"))
        entries = []
        for a in achievements:
            when = unlocked.get(a["name"])
            entry: dict[str, Any] = {
                "apiname": a["name"],
                "achieved": 1 if when else 0,
                "unlocktime": when or 0,
            }
            if with_text:
                entry["name"] = a["displayName"]
                entry["description"] = "" if a["hidden"] else a.get("description", "")
            entries.append(entry)
        stats = {"steamID": player.steamid, "gameName": schema.get("gameName", "")}
        stats |= {"achievements": entries, "success": True}
        return 200, {"playerstats": stats}

    def _store(self, endpoint: str, query: dict[str, str]) -> tuple[int, str]:
        if endpoint != "api/appdetails":
            return 404, NOT_FOUND_HTML
        ids = [i for i in query.get("appids", "").split(",") if i]
        filters = {f for f in query.get("filters", "").split(",") if f}
        if not ids or (len(ids) > 1 and filters != {"price_overview"}):
            return 400, "null"  # several appids need filters=price_overview (docs/wire-formats.md)
        result: dict[str, Any] = {}
        for raw_id in ids:
            data = self.world.apps.get(_int_or_zero(raw_id))
            if data is None:
                result[raw_id] = {"success": False}
                continue
            if filters:
                keys = set().union(*(_BASIC_FILTER if f == "basic" else {f} for f in filters))
                data = {k: v for k, v in data.items() if k in keys}
            result[raw_id] = {"success": True, "data": data}
        # PHP-style escaping, as the store appears to send (\uXXXX and \/).
        return 200, json.dumps(result, separators=(",", ":")).replace("/", "\\/")


_API_ROUTES: dict[str, tuple[tuple[str, ...], Any]] = {
    "ISteamUser/ResolveVanityURL": (("vanityurl",), FakeSteam._resolve_vanity),
    "ISteamUser/GetPlayerSummaries": (("steamids",), FakeSteam._player_summaries),
    "IPlayerService/GetOwnedGames": (("steamid",), FakeSteam._owned_games),
    "IPlayerService/GetRecentlyPlayedGames": (("steamid",), FakeSteam._recent_games),
    "ISteamUserStats/GetSchemaForGame": (("appid",), FakeSteam._schema),
    "ISteamUserStats/GetGlobalAchievementPercentagesForApp": (
        ("gameid",),
        FakeSteam._global_percentages,
    ),
    "ISteamUserStats/GetPlayerAchievements": (("steamid", "appid"), FakeSteam._player_achievements),
}
_APPINFO_FIELDS = {"name", "img_icon_url", "has_community_visible_stats", "has_leaderboards"}


def _store_failures(
    failure: str, count: int, retry_after: int | None, timeout_seconds: float
) -> list[_Failure]:
    """The contract suite's failure names in Steam's terms. Steam has no tokens: an expired or
    revoked credential is a key the Web API refuses with its 403 page."""
    if failure == "rate_limited":
        return [_Failure(count, 429, None, own_retry_after=True, retry_after=retry_after or 1)]
    if failure == "rate_limited_no_header":
        return [_Failure(count, 429, None, own_retry_after=True, retry_after=None)]
    if failure == "server_error":  # a burst mixing the front end's usual 5xx pages
        return [_Failure(1, (500, 502, 503)[n % 3], None) for n in range(count)]
    if failure == "timeout":
        return [_Failure(count, 503, None, hold_seconds=timeout_seconds + 0.5)]
    if failure == "malformed":
        return [_Failure(count, 200, '{"unexpected":[]}')]
    if failure == "truncated":
        return [_Failure(count, 200, None, truncate=True)]
    if failure in ("expired_credentials", "revoked_credentials"):
        return [_Failure(count, 403, FORBIDDEN_HTML)]
    raise ValueError(f"unknown failure {failure!r}")


def _endpoint_name(path: str) -> str:
    """``/IPlayerService/GetOwnedGames/v1/`` and ``/v0001`` both become ``IPlayerService/
    GetOwnedGames``; the store's ``/api/appdetails`` becomes ``api/appdetails``."""
    segments = [s for s in path.split("/") if s]
    if len(segments) == 3 and segments[2].lower().startswith("v"):
        segments = segments[:2]
    return "/".join(segments)


def _summary(player: FakePlayer, private: bool) -> dict[str, Any]:
    avatar = f"https://avatars.steamstatic.com/{player.avatar_hash}"
    summary: dict[str, Any] = {
        "steamid": player.steamid,
        "communityvisibilitystate": 1 if private else 3,
        "profilestate": 1,
        "personaname": player.personaname,
        "profileurl": (
            f"https://steamcommunity.com/id/{player.vanity}/"
            if player.vanity
            else f"https://steamcommunity.com/profiles/{player.steamid}/"
        ),
        "avatar": f"{avatar}.jpg",
        "avatarmedium": f"{avatar}_medium.jpg",
        "avatarfull": f"{avatar}_full.jpg",
        "avatarhash": player.avatar_hash,
        "lastlogoff": DEFAULT_NOW - 3600,
        "personastate": 1,
    }
    if not private:  # private profiles omit these (docs/wire-formats.md, GetPlayerSummaries)
        if player.realname:
            summary["realname"] = player.realname
        if player.timecreated:
            summary["timecreated"] = player.timecreated
        if player.country:
            summary["loccountrycode"] = player.country
    return summary


def _content_type(body: str) -> dict[str, str]:
    if body.startswith("<"):
        return {"Content-Type": "text/html; charset=UTF-8"}
    return {"Content-Type": "application/json; charset=UTF-8"}


def _int_or_zero(value: str) -> int:
    return int(value) if value.isdigit() else 0


def main(argv: list[str] | None = None) -> None:
    """Run a fake Steam for the demo mode or manual testing until Ctrl-C."""
    parser = argparse.ArgumentParser(description="Serve a fake Steam Web API and store.")
    parser.add_argument("--games", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each answer")
    parser.add_argument(
        "--now", action="store_true", help="date play history relative to now, not a fixed day"
    )
    args = parser.parse_args(argv)
    world = generate_world(
        args.games, seed=args.seed, now=int(time.time()) if args.now else DEFAULT_NOW
    )
    fake = FakeSteam(world, host=args.host, port=args.port)
    fake.latency_seconds = args.latency
    fake.start()
    out = sys.stdout
    out.write(f"Fake Steam serving {args.games} games at {fake.url}\n")
    out.write(f"  STEAM_API_URL={fake.url}\n  STEAM_STORE_URL={fake.url}\n")
    out.write(f"  STEAM_API_KEY={world.api_key}\n")
    out.write(f"  SteamID64: {world.steamid}   custom URL name: {world.vanity}\n")
    out.write(f"  private profile: {PRIVATE_VANITY}   empty library: {EMPTY_VANITY}\n")
    out.write("Press Ctrl-C to stop.\n")
    out.flush()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        out.write(f"Stopped at {stamp}; served {len(fake.requests)} requests.\n")


if __name__ == "__main__":
    main()
