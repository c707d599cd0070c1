"""Typed, platform-neutral records returned by platform clients.

Clients parse wire formats at the boundary into these so the sync service never touches raw JSON
and never has to know that Steam sends ``fullgame.appid`` as a string or ``percent`` as "38.7".
All datetimes are timezone-aware UTC. Text fields come from the platform and are untrusted: they
must be escaped when rendered and treated as data (never instructions) when shown to an LLM.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal


@dataclass(frozen=True, slots=True)
class PlayerProfile:
    external_id: str
    display_name: str
    avatar_url: str
    profile_url: str
    is_public: bool


@dataclass(frozen=True, slots=True)
class OwnedGame:
    """One entry of a library: a release on one store, with the player's own figures.

    ``store`` names the store the release belongs to when it is not the source's own (a GOG
    Galaxy database lists Steam and Epic releases too); "" means the source's store.
    """

    external_id: str
    name: str
    playtime_minutes: int = 0
    # None means "not played in the last two weeks"; Steam omits the field rather than sending 0.
    playtime_2weeks_minutes: int | None = None
    last_played: datetime | None = None
    icon_url: str = ""
    has_stats: bool = False
    store: str = ""
    is_dlc: bool = False
    hidden: bool = False
    acquired_at: datetime | None = None
    # The store's id of the base game, for DLC, when the source says which it is.
    parent_external_id: str = ""
    # The player's own data, from sources that keep it (another manager's export, a tracker).
    # None (or an empty dict) means "the source says nothing": the entry keeps what it has.
    status: str | None = None  # one of LibraryGame.Status
    user_rating: int | None = None  # 1 to 10
    notes: str | None = None
    started_on: date | None = None
    finished_on: date | None = None
    # Ids of the same game elsewhere, as (source, value) pairs, kept on the entry and used for
    # cross-store matching: ("igdb", "1942"), or a GOG Galaxy release group's
    # ("galaxy_group", "steam:292030").
    external_ids: tuple[tuple[str, str], ...] = ()

    def user_data(self) -> dict[str, Any]:
        """The player's own fields this record carries, by LibraryGame field name."""
        carried = {
            "status": self.status,
            "user_rating": self.user_rating,
            "notes": self.notes,
            "started_on": self.started_on,
            "finished_on": self.finished_on,
        }
        return {name: value for name, value in carried.items() if value is not None}


@dataclass(frozen=True, slots=True)
class RecentGame:
    external_id: str
    name: str
    playtime_2weeks_minutes: int
    playtime_minutes: int
    icon_url: str = ""


@dataclass(frozen=True, slots=True)
class GameDetails:
    external_id: str
    store_name: str
    type: str
    description: str
    about_html: str
    genres: list[str]
    categories: list[str]
    developers: list[str]
    publishers: list[str]
    release_date: date | None
    release_date_text: str
    coming_soon: bool
    esrb_rating: str
    esrb_descriptors: list[str]
    pegi_rating: str
    required_age: int
    content_descriptor_ids: list[int]
    content_descriptor_notes: str
    metacritic_score: int | None
    metacritic_url: str
    header_image: str
    capsule_image: str
    library_image: str
    background_image: str
    screenshots: list[str]
    platforms: list[str]
    is_free: bool
    parent_external_id: str | None
    website: str
    raw: dict[str, Any] = field(repr=False)
    # Minutes to finish: the main story, with extras, everything (metadata sources such as IGDB
    # and HowLongToBeat; stores leave them None).
    time_to_beat_main: int | None = None
    time_to_beat_extras: int | None = None
    time_to_beat_completionist: int | None = None


@dataclass(frozen=True, slots=True)
class AchievementDefinition:
    api_name: str
    display_name: str
    description: str
    hidden: bool
    icon_url: str
    icon_gray_url: str
    global_percent: float | None


@dataclass(frozen=True, slots=True)
class PlayerAchievement:
    api_name: str
    unlocked: bool
    unlocked_at: datetime | None
    # Sent by stores that name achievements in the player's answer (Steam with ``l=``): enough
    # to show them before the schema is read. ``description`` is "" for a hidden achievement.
    display_name: str = ""
    description: str | None = None  # None: the answer did not describe it


AchievementStatus = Literal["ok", "private", "no_stats"]


@dataclass(frozen=True, slots=True)
class PlayerAchievements:
    """A player's progress in one game.

    ``private`` and ``no_stats`` are normal outcomes of a sync (skip the game, say why), not
    errors, so they are a status here instead of exceptions.
    """

    status: AchievementStatus
    achievements: list[PlayerAchievement]
