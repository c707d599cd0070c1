"""Turn Steam's wire shapes into records, tolerating the quirks recorded in docs/wire-formats.md.

Kept apart from the HTTP code so each quirk (string ``required_age``, string ``fullgame.appid``,
absent ``playtime_2weeks``, localized release dates) is a pure function that is easy to test.
Optional store fields are read leniently (a wrong type becomes the empty value) because one odd
field must not cost a game its metadata; identity fields are read strictly and raise, which the
client reports as ``MalformedResponse``.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime
from typing import Any, Literal
from urllib.parse import urlsplit

from games.ratings import normalize_esrb
from platforms.errors import InvalidIdentifier
from platforms.records import (
    AchievementDefinition,
    GameDetails,
    OwnedGame,
    PlayerAchievement,
    PlayerProfile,
    RecentGame,
)

ICON_URL = "https://media.steampowered.com/steamcommunity/public/images/apps/{appid}/{hash}.jpg"
LIBRARY_IMAGE_URL = (
    "https://shared.akamai.steamstatic.com/store_item_assets/steam/apps/{appid}/library_600x900.jpg"
)

_STEAMID64 = re.compile(r"7656119\d{10}")
# Steam's rule for custom URLs: letters, digits, underscores and dashes.
_VANITY = re.compile(r"[A-Za-z0-9_-]{2,32}")
_COMMUNITY_HOSTS = {"steamcommunity.com", "www.steamcommunity.com"}


def is_steamid64(value: str) -> bool:
    return _STEAMID64.fullmatch(value) is not None


def parse_identifier(identifier: str) -> tuple[Literal["steamid", "vanity"], str]:
    """Classify what a user typed: a SteamID64, a custom URL name, or a profile URL of either.

    Rejecting nonsense here, before any request, gives the user a message about their input
    instead of a confusing "no match" from Steam.
    """
    text = identifier.strip()
    if not text:
        raise InvalidIdentifier("Enter a SteamID64, a Steam custom URL name, or a profile URL.")
    if "/" in text or text.lower().startswith(("http:", "https:")):
        return _parse_profile_url(text)
    if text.isdigit():
        if is_steamid64(text):
            return "steamid", text
        if len(text) >= 15:  # a long number is a mistyped SteamID64, not a custom URL name
            raise InvalidIdentifier(
                f"'{_clip(text)}' is not a SteamID64: those are 17 digits starting with 7656119."
            )
    if _VANITY.fullmatch(text):
        return "vanity", text
    raise InvalidIdentifier(
        f"'{_clip(text)}' is not a Steam account: a custom URL name has 2-32 letters, digits, "
        "underscores or dashes."
    )


def _parse_profile_url(text: str) -> tuple[Literal["steamid", "vanity"], str]:
    url = text if "://" in text else "https://" + text
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host not in _COMMUNITY_HOSTS:
        raise InvalidIdentifier(
            f"'{_clip(text)}' is not a Steam profile URL: it must be on steamcommunity.com."
        )
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) >= 2 and segments[0] == "profiles":
        if is_steamid64(segments[1]):
            return "steamid", segments[1]
        raise InvalidIdentifier(
            f"The profile URL ends in '{_clip(segments[1])}', which is not a SteamID64."
        )
    if len(segments) >= 2 and segments[0] == "id":
        if _VANITY.fullmatch(segments[1]):
            return "vanity", segments[1]
        raise InvalidIdentifier(f"'{_clip(segments[1])}' is not a valid Steam custom URL name.")
    raise InvalidIdentifier(
        "A Steam profile URL looks like https://steamcommunity.com/id/<name>/ "
        "or https://steamcommunity.com/profiles/<SteamID64>/."
    )


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def icon_url(appid: int | str, icon_hash: object) -> str:
    if not isinstance(icon_hash, str) or not icon_hash:
        return ""
    return ICON_URL.format(appid=appid, hash=icon_hash)


def from_unix(seconds: object) -> datetime | None:
    """Steam's Unix-seconds timestamps, where 0 (or nothing) means "never"."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds <= 0:
        return None
    return datetime.fromtimestamp(seconds, tz=UTC)


def parse_player(player: dict[str, Any]) -> PlayerProfile:
    return PlayerProfile(
        external_id=str(player["steamid"]),
        display_name=_text(player.get("personaname")),
        avatar_url=_text(
            player.get("avatarfull") or player.get("avatarmedium") or player.get("avatar")
        ),
        profile_url=_text(player.get("profileurl")),
        is_public=player.get("communityvisibilitystate") == 3,
    )


def parse_owned_game(game: dict[str, Any]) -> OwnedGame:
    appid = _appid(game["appid"])
    two_weeks = game.get("playtime_2weeks")
    return OwnedGame(
        external_id=str(appid),
        name=_text(game.get("name")),
        playtime_minutes=_int(game.get("playtime_forever")),
        playtime_2weeks_minutes=None if two_weeks is None else _int(two_weeks),
        last_played=from_unix(game.get("rtime_last_played")),
        icon_url=icon_url(appid, game.get("img_icon_url")),
        has_stats=game.get("has_community_visible_stats") is True,
    )


def parse_recent_game(game: dict[str, Any]) -> RecentGame:
    appid = _appid(game["appid"])
    return RecentGame(
        external_id=str(appid),
        name=_text(game.get("name")),
        playtime_2weeks_minutes=_int(game.get("playtime_2weeks")),
        playtime_minutes=_int(game.get("playtime_forever")),
        icon_url=icon_url(appid, game.get("img_icon_url")),
    )


def parse_achievement_definition(
    entry: dict[str, Any], percentages: dict[str, float] | None
) -> AchievementDefinition:
    api_name = entry["name"]
    if not isinstance(api_name, str) or not api_name:
        raise ValueError("achievement without a name")
    return AchievementDefinition(
        api_name=api_name,
        display_name=_text(entry.get("displayName")) or api_name,
        # Hidden achievements have no description key at all.
        description=_text(entry.get("description")),
        hidden=_int(entry.get("hidden")) == 1,
        icon_url=_text(entry.get("icon")),
        icon_gray_url=_text(entry.get("icongray")),
        global_percent=None if percentages is None else percentages.get(api_name),
    )


def parse_percentages(body: Any) -> dict[str, float]:
    """``{"achievementpercentages":{"achievements":[{"name","percent":"38.7"}]}}`` by name."""
    result: dict[str, float] = {}
    for entry in body["achievementpercentages"].get("achievements") or []:
        name = entry.get("name")
        try:
            percent = float(entry.get("percent"))
        except (TypeError, ValueError):
            continue
        if isinstance(name, str):
            result[name] = percent
    return result


def parse_player_achievement(entry: dict[str, Any]) -> PlayerAchievement:
    api_name = entry["apiname"]
    if not isinstance(api_name, str) or not api_name:
        raise ValueError("achievement without an apiname")
    unlocked = _int(entry.get("achieved")) == 1
    description = entry.get("description")
    return PlayerAchievement(
        api_name=api_name,
        unlocked=unlocked,
        unlocked_at=from_unix(entry.get("unlocktime")) if unlocked else None,
        # With l=<language>: the name, and a description that is "" for hidden achievements.
        display_name=_text(entry.get("name")),
        description=_text(description) if isinstance(description, str) else None,
    )


# --- store appdetails ---------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})")
_MONTH_DAY_YEAR = re.compile(r"([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})")


def parse_release_date(text: str) -> date | None:
    """English store dates ("10 Oct, 2007", "Jun 13, 2024"); None for anything vaguer.

    "Q3 2026", "Coming soon" and localized dates stay text: guessing a day would put games in
    the wrong place on a timeline, and the original text is kept next to the date anyway.
    """
    text = text.strip()
    if match := _DAY_MONTH_YEAR.fullmatch(text):
        day, month_name, year = match.groups()
    elif match := _MONTH_DAY_YEAR.fullmatch(text):
        month_name, day, year = match.groups()
    else:
        return None
    month = _MONTHS.get(month_name.lower())
    if month is None:
        return None
    try:
        return date(int(year), month, int(day))
    except ValueError:
        return None


_TAG = re.compile(r"<[^>]*>")
_BREAK = re.compile(r"(?i)<br\s*/?>")
_SPACES = re.compile(r"[ \t\r\f\v]+")


def html_to_text(value: object) -> str:
    """Plain text from a store HTML snippet: tags dropped, entities decoded, spaces tidied.

    The result is text, not markup; templates must still escape it (``&lt;script&gt;`` decodes
    to a literal ``<script>``).
    """
    if not isinstance(value, str):
        return ""
    text = html.unescape(_TAG.sub("", _BREAK.sub("\n", value)))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def parse_required_age(value: object) -> int:
    """``required_age`` is an int on most apps and a string ("18", sometimes "18+") on others."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return max(0, value)
    if isinstance(value, str) and (match := re.match(r"\s*(\d+)", value)):
        return int(match.group(1))
    return 0


def parse_app_details(requested_id: str, data: dict[str, Any]) -> GameDetails:
    """One ``data`` object; ``external_id`` is the id we asked for even if the store aliased it
    to another ``steam_appid`` (kept in ``raw``), so the caller's bookkeeping stays keyed."""
    if not isinstance(data.get("name"), str):
        raise ValueError("appdetails data without a name")
    steam_appid = data.get("steam_appid")
    art_id = steam_appid if isinstance(steam_appid, int) and steam_appid > 0 else requested_id
    release = _dict(data.get("release_date"))
    release_text = _text(release.get("date")).strip()
    ratings = _dict(data.get("ratings"))
    esrb = _dict(ratings.get("esrb"))
    pegi = _dict(ratings.get("pegi"))
    descriptors = _dict(data.get("content_descriptors"))
    metacritic = _dict(data.get("metacritic"))
    score = metacritic.get("score")
    fullgame = _dict(data.get("fullgame"))
    parent = fullgame.get("appid")
    platforms = _dict(data.get("platforms"))
    return GameDetails(
        external_id=requested_id,
        store_name=data["name"],
        type=_text(data.get("type")),
        description=html_to_text(data.get("short_description")),
        about_html=_text(data.get("about_the_game")),
        genres=_descriptions(data.get("genres")),
        categories=_descriptions(data.get("categories")),
        developers=_strings(data.get("developers")),
        publishers=_strings(data.get("publishers")),
        release_date=parse_release_date(release_text),
        release_date_text=release_text,
        coming_soon=release.get("coming_soon") is True,
        esrb_rating=normalize_esrb(esrb.get("rating")),
        esrb_descriptors=_lines(esrb.get("descriptors")),
        pegi_rating=_text(pegi.get("rating")).strip(),
        required_age=parse_required_age(data.get("required_age")),
        content_descriptor_ids=[
            i for i in (_maybe_int(v) for v in _list(descriptors.get("ids"))) if i is not None
        ],
        content_descriptor_notes=_text(descriptors.get("notes")),
        metacritic_score=score if isinstance(score, int) and not isinstance(score, bool) else None,
        metacritic_url=_text(metacritic.get("url")),
        header_image=_text(data.get("header_image")),
        capsule_image=_text(data.get("capsule_image")),
        library_image=LIBRARY_IMAGE_URL.format(appid=art_id),
        background_image=_text(data.get("background")),
        screenshots=[
            s["path_full"]
            for s in _list(data.get("screenshots"))
            if isinstance(s, dict) and isinstance(s.get("path_full"), str)
        ],
        platforms=[p for p in ("windows", "mac", "linux") if platforms.get(p) is True],
        is_free=data.get("is_free") is True,
        parent_external_id=str(parent) if isinstance(parent, str | int) and str(parent) else None,
        website=_text(data.get("website")),
        raw=data,
    )


# --- lenient field readers ----------------------------------------------------------------------


def _appid(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"bad appid {value!r}")
    return value


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _int(value: object) -> int:
    return _maybe_int(value) or 0


def _maybe_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _strings(value: object) -> list[str]:
    return [v for v in _list(value) if isinstance(v, str) and v]


def _descriptions(value: object) -> list[str]:
    return [
        item["description"]
        for item in _list(value)
        if isinstance(item, dict) and isinstance(item.get("description"), str)
    ]


def _lines(value: object) -> list[str]:
    if not isinstance(value, str):
        return []
    return [line.strip() for line in value.splitlines() if line.strip()]
