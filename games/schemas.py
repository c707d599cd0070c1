"""The shapes the library services return, described once for every door.

These are plain data objects (pydantic models, so each field carries its description). The REST
API uses them as response schemas, the MCP server as tool output schemas, and the web pages read
their attributes. None of them has a field for credentials.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from gamedjinn.converters import MAX_STORED_INT, MIN_STORED_INT
from games.queries import SORTS, LibraryFilters
from games.ratings import ESRB_ORDER
from libraries.models import LibraryGame
from platforms.registry import all_codes

if TYPE_CHECKING:
    # mypy cannot build a Literal from values known only at run time: it checks these as plain
    # strings, and pydantic validates them against the real choices.
    PlatformCode = str
    Status = str
    EsrbRating = str
    SortKey = str
else:
    PlatformCode = Literal[*all_codes()]
    Status = Literal[*LibraryGame.Status.values]
    EsrbRating = Literal[*ESRB_ORDER]
    SortKey = Literal[*SORTS]


def _storable(value: int) -> int:
    """VALUE, if the databases can hold it (gamedjinn.converters): a wider id or amount matches
    nothing, and the drivers refuse it with a server error instead of a clear one. Checked, not
    published in the JSON schema: a bound of 2^63 tells no reader, person or model, anything."""
    if value > MAX_STORED_INT:
        raise PydanticCustomError(
            "too_large", "Input should be at most {limit}", {"limit": MAX_STORED_INT}
        )
    if value < MIN_STORED_INT:
        raise PydanticCustomError(
            "too_small", "Input should be at least {limit}", {"limit": MIN_STORED_INT}
        )
    return value


# After any Field constraints in an Annotated: pydantic then keeps those in the JSON schema.
# For input only: what Game Djinn itself sends back was stored, so it fits.
Storable = AfterValidator(_storable)
StoredInt = Annotated[int, Storable]
PlaytimeBound = Annotated[int, Field(ge=0), Storable]
Minutes = Annotated[int, Field(ge=0, description="Minutes of playtime.")]
Hours = Annotated[float, Field(ge=0, description="The same playtime in hours, one decimal.")]


def hours(minutes: int) -> float:
    return round(minutes / 60, 1)


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- inputs -------------------------------------------------------------------------------------


class _Criteria(BaseModel):
    """Fields shared by search filters and smart-collection rules; every one is optional."""

    model_config = ConfigDict(extra="forbid")

    platform: PlatformCode | None = Field(
        None, description="Only games you own a copy of on this platform."
    )
    genre: str | None = Field(
        None, max_length=64, description="Only games in this genre (case-insensitive), e.g. RPG."
    )
    status: Status | None = Field(None, description="Only entries with this status.")
    esrb_max: EsrbRating | None = Field(
        None, description="Only games rated at or below this ESRB rating; unrated games drop out."
    )
    metacritic_min: int | None = Field(None, ge=0, le=100, description="Lowest Metacritic score.")
    metacritic_max: int | None = Field(None, ge=0, le=100, description="Highest Metacritic score.")
    playtime_min: PlaytimeBound | None = Field(None, description="Least playtime, in minutes.")
    playtime_max: PlaytimeBound | None = Field(None, description="Most playtime, in minutes.")
    time_to_beat_max: int | None = Field(
        None,
        ge=1,
        le=10_000,
        description="Only games whose main story takes at most this many hours (e.g. 10 for "
        "'under 10 hours'); games with no known time to beat drop out.",
    )
    played: bool | None = Field(
        None, description="true: only games with playtime; false: only never-played games."
    )
    released_after: date | None = Field(None, description="Released on or after (YYYY-MM-DD).")
    released_before: date | None = Field(None, description="Released on or before (YYYY-MM-DD).")

    @model_validator(mode="after")
    def _ranges_in_order(self):
        for low, high in (
            ("metacritic_min", "metacritic_max"),
            ("playtime_min", "playtime_max"),
            ("released_after", "released_before"),
        ):
            low_value, high_value = getattr(self, low), getattr(self, high)
            if low_value is not None and high_value is not None and low_value > high_value:
                raise ValueError(f"{low} must not be greater than {high}")
        return self

    def to_filters(self, **extra: Any) -> LibraryFilters:
        values = {k: v for k, v in self.model_dump().items() if v is not None}
        return LibraryFilters(**values, **extra)


class LibraryFilterInput(_Criteria):
    """Which games of the library to include. Leave a field out to mean 'any'."""

    q: str = Field("", max_length=200, description="Words the title contains.")
    library_id: StoredInt | None = Field(
        None, description="Only this library (see your libraries)."
    )
    include_hidden: bool = Field(False, description="Include games you hid.")
    sort: SortKey = Field("title", description="Order of the results.")


class CollectionRules(_Criteria):
    """A smart collection's rules. All given rules must match; the collection is recomputed
    every time it is read, so new games that match appear on their own."""

    @field_validator("genre")
    @classmethod
    def _genre_not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("leave genre out instead of sending an empty name")
        return value.strip() if value else value

    @model_validator(mode="after")
    def _at_least_one_rule(self):
        if not self.model_dump(exclude_none=True):
            raise ValueError(
                "give at least one rule, e.g. genre, esrb_max, metacritic_min, playtime_max, "
                "status, platform, played or released_after"
            )
        return self


# --- lists of games -------------------------------------------------------------------------------


class GameRow(_Out):
    """One game in a list, once however many stores you own it on. Playtime and last played are
    the game's across all your copies; platform, library, status and rating are those of the
    copy that stands for it (your most played one). get_game_details lists every copy."""

    game_id: int = Field(description="The game's id, for get_game_details.")
    title: str
    platform: str = Field(
        description="Platform code of the copy shown (your most played), e.g. steam."
    )
    platform_name: str
    library_id: int = Field(description="The library of the copy shown.")
    playtime_minutes: int = Field(
        ge=0, description="Total minutes of playtime across all your copies (every store)."
    )
    playtime_hours: float = Field(
        ge=0, description="The same total playtime in hours, one decimal."
    )
    last_played_at: datetime | None = Field(
        description="When you last played the game on any store, if ever."
    )
    store_count: int = Field(
        1, ge=1, description="How many stores you own the game on; above 1 it is one card."
    )
    status: Status
    user_rating: int | None = Field(description="Your own rating, 1 to 10.")
    genres: list[str]
    metacritic_score: int | None
    esrb_rating: str = Field(description="ESRB rating (E, E10+, T, M, AO, RP) or empty if unrated.")
    release_date: date | None
    cover_url: str = Field(description="Box art or header image URL; empty when unknown.")
    time_to_beat_hours: float | None = Field(
        None, description="Hours the main story takes (HowLongToBeat or IGDB); null if unknown."
    )


class GameList(_Out):
    items: list[GameRow]
    total: int = Field(description="How many games match in all, across every page.")
    next_cursor: str = Field(
        description="Pass as cursor to get the next page; empty on the last page."
    )
    next_offset: int | None = Field(
        None, description="Pass as offset to get the next page; null on the last page."
    )


class ContentRatingList(GameList):
    esrb_rating: EsrbRating = Field(description="The rating asked for.")
    allowed_ratings: list[str] = Field(description="Ratings at or below it.")
    include_unrated: bool
    unrated_count: int = Field(description="Games with no ESRB rating (or rating pending).")
    above_count: int = Field(description="Games rated above the rating, left out.")
    note: str = Field(description="How unrated games were treated, in a sentence.")


# --- one game --------------------------------------------------------------------------------------


class OwnedCopy(_Out):
    """The game in one of your libraries."""

    platform: str
    platform_name: str
    library_id: int
    library_name: str
    playtime_minutes: Minutes
    playtime_hours: Hours
    last_played_at: datetime | None
    status: Status
    user_rating: int | None
    store_url: str
    achievements_total: int | None = Field(None, description="Null where not looked up.")
    achievements_unlocked: int | None = Field(None, description="Null where not looked up.")


class AchievementOut(_Out):
    name: str
    description: str = Field(description="Hidden until unlocked, for hidden achievements.")
    global_percent: float | None = Field(description="Share of all players who unlocked it.")
    unlocked_at: datetime | None


class AchievementsOut(_Out):
    total: int
    unlocked: int
    percent: int = Field(description="Unlocked, as a whole percentage of total.")
    recently_unlocked: list[AchievementOut] = Field(description="Up to five, newest first.")
    next_to_unlock: list[AchievementOut] = Field(
        description="Up to five locked achievements most players have, easiest first."
    )


class TimeToBeatOut(_Out):
    main_hours: float | None = Field(description="The main story; null if unknown.")
    extras_hours: float | None = Field(description="The main story and extras; null if unknown.")
    completionist_hours: float | None = Field(description="Everything; null if unknown.")


def optional_hours(minutes: int | None) -> float | None:
    return None if minutes is None else hours(minutes)


class GameDetailOut(_Out):
    game_id: int
    title: str
    game_type: str = Field(description="game, dlc, demo, mod or other.")
    description: str = Field(description="Store description, at most 2,000 characters.")
    genres: list[str]
    categories: list[str] = Field(description="Store features: Single-player, Co-op, …")
    developers: list[str]
    publishers: list[str]
    release_date: date | None
    release_date_text: str = Field(description="The store's own wording of the release date.")
    esrb_rating: str
    pegi_rating: str
    metacritic_score: int | None
    is_free: bool
    website: str
    cover_url: str
    time_to_beat: TimeToBeatOut = Field(description="Hours to finish, from HowLongToBeat or IGDB.")
    base_game: str = Field(description="For a DLC: the base game's title.")
    owned_on: list[OwnedCopy] = Field(description="Each library you own it in.")
    total_playtime_minutes: Minutes
    total_playtime_hours: Hours
    achievements: AchievementsOut


# --- analytics -------------------------------------------------------------------------------------

TimePeriod = Literal["week", "month", "quarter", "year", "all"]
TrendDirection = Literal["up", "down", "flat", "unknown"]


class PeriodOut(_Out):
    name: TimePeriod
    start: date | None = Field(description="First day counted; null for all time.")
    end: date


class PlaytimeShare(_Out):
    name: str
    minutes: Minutes
    hours: Hours
    games: int = Field(description="Games in this group.")
    percent: float = Field(description="Share of all playtime, in percent.")


class TopGame(_Out):
    game_id: int
    title: str
    platform: str
    minutes: Minutes
    hours: Hours
    last_played_at: datetime | None


class YearBucket(_Out):
    year: int | None = Field(description="Release year; null for games with no known date.")
    games: int
    minutes: Minutes


class ActivityPoint(_Out):
    start: date = Field(description="First day of this bucket (day, week or month).")
    minutes: Minutes = Field(description="Minutes played in the bucket.")


class TrendOut(_Out):
    current_minutes: Minutes = Field(description="Minutes played in the period.")
    previous_minutes: Minutes = Field(description="Minutes played in the period before it.")
    change_percent: float | None = Field(description="Change from the previous period.")
    direction: TrendDirection
    summary: str = Field(description="The trend in one sentence.")


class GamingPatterns(_Out):
    """Figures computed from the library and its playtime history."""

    period: PeriodOut
    library_id: int | None
    games: int = Field(description="Distinct games owned.")
    played: int = Field(description="Copies with any playtime.")
    never_played: int = Field(description="Copies never launched.")
    backlog: int = Field(description="Copies with status backlog: the backlog size.")
    playing: int
    completed: int
    abandoned: int
    completion_rate_percent: float = Field(description="Completed copies as a share of all copies.")
    total_minutes: Minutes
    total_hours: Hours
    playtime_by_genre: list[PlaytimeShare] = Field(
        description="All-time playtime per genre; a game in two genres counts in both."
    )
    playtime_by_platform: list[PlaytimeShare]
    most_played: list[TopGame] = Field(description="All-time top ten.")
    recently_played: list[TopGame] = Field(description="The ten last played.")
    most_played_in_period: list[TopGame] = Field(
        description="Top five by minutes played within the period (from playtime history)."
    )
    by_release_year: list[YearBucket]
    activity: list[ActivityPoint] = Field(
        description="Minutes played over the period, from the playtime recorded by each sync."
    )
    trend: TrendOut
    notes: list[str] = Field(description="Caveats about the figures, in sentences.")


class LibrarySummaryOut(_Out):
    games: int
    platforms: int
    libraries: int
    playtime_minutes: Minutes
    played: int
    backlog: int
    playing: int
    completed: int
    abandoned: int
    last_played_at: datetime | None


# --- recommendations, cross-platform, export ------------------------------------------------------

RecommendationCriteria = Literal[
    "balanced", "unplayed", "highly_rated", "favourite_genre", "unfinished"
]


class Recommendation(_Out):
    game_id: int
    title: str
    platforms: list[str]
    genres: list[str]
    metacritic_score: int | None
    playtime_minutes: Minutes
    last_played_at: datetime | None
    time_to_beat_hours: float | None = Field(
        None, description="Hours the main story takes; null if unknown."
    )
    reason: str = Field(description="Why this game, in one sentence.")
    reasons: list[str] = Field(description="Every reason that applied, as short codes.")
    score: float = Field(description="Higher is a stronger recommendation.")


class Recommendations(_Out):
    criteria: RecommendationCriteria
    genre_preference: str | None
    favourite_genre: str | None = Field(description="The genre you have played the most.")
    items: list[Recommendation]
    note: str = Field(description="How the list was made, or why it is short.")


class CrossPlatformGame(_Out):
    """A game you own more than once: on several platforms, or bought twice on one."""

    game_id: int
    title: str
    copies: list[OwnedCopy]
    platform_count: int = Field(description="Platforms the game is owned on.")
    duplicate_on: list[str] = Field(
        description="Platform names where you own more than one copy (a duplicate purchase)."
    )
    total_playtime_minutes: Minutes
    total_playtime_hours: Hours
    most_played_on: str = Field(description="Platform name with the most playtime.")


class CrossPlatformGames(_Out):
    items: list[CrossPlatformGame]
    total: int = Field(
        description="Games owned more than once: on several platforms or twice on one."
    )


ExportFormat = Literal["json", "csv"]


class ExportOut(_Out):
    format: ExportFormat
    filename: str
    media_type: str
    rows: int = Field(description="Copies exported.")
    content: str = Field(description="The file's content.")


# --- collections -------------------------------------------------------------------------------------


class CollectionOut(_Out):
    id: int
    name: str
    rules: dict[str, Any] = Field(description="The stored rules.")
    game_count: int = Field(description="Copies matching the rules right now.")
    created_at: datetime


class CollectionPage(_Out):
    collection: CollectionOut
    games: GameList


# --- games added by hand -------------------------------------------------------------------


class ManualGameIn(BaseModel):
    title: str = Field(..., min_length=1, max_length=300)
    platform: str = Field(
        "physical",
        max_length=64,
        description='A device ("Nintendo Switch", "PlayStation 5", "physical") or a store code.',
    )
    store_id: str = Field("", max_length=64, description="The store's id, with a store code.")
    status: str = Field("backlog", description="backlog, playing, completed, abandoned, wishlist")
    user_rating: int | None = Field(None, ge=1, le=10)
    playtime_minutes: int = Field(0, ge=0, le=10_000_000)
    notes: str = Field("", max_length=10_000)
    started_on: date | None = None
    finished_on: date | None = None
    last_played_at: datetime | None = None
    hidden: bool = False


class ManualGamePatch(BaseModel):
    title: str | None = Field(None, min_length=1, max_length=300)
    platform: str | None = Field(None, max_length=64)
    store_id: str | None = Field(None, max_length=64)
    status: str | None = None
    user_rating: int | None = Field(None, ge=1, le=10)
    playtime_minutes: int | None = Field(None, ge=0, le=10_000_000)
    notes: str | None = Field(None, max_length=10_000)
    started_on: date | None = None
    finished_on: date | None = None
    last_played_at: datetime | None = None
    hidden: bool | None = None


class ManualGameOut(BaseModel):
    entry_id: int
    game_id: int
    title: str
    platform: str
    store: str
    store_id: str
    status: str
    user_rating: int | None
    playtime_minutes: int
    notes: str
    started_on: date | None
    finished_on: date | None
    last_played_at: datetime | None
    hidden: bool


# --- reviewing matches -----------------------------------------------------------------------------


class MatchSide(_Out):
    """One release of a suggested pair, as the user owns it."""

    release_id: int
    game_id: int = Field(description="The game this release belongs to now.")
    title: str
    store_name: str = Field(description="The name the store uses for it.")
    platform: str
    platform_name: str
    year: int | None = Field(description="The game's release year, when known.")
    cover_url: str
    playtime_minutes: Minutes = Field(description="Your playtime on this release.")
    playtime_hours: Hours


class SuggestionOut(_Out):
    match_id: int = Field(description="Pass to accept_match or reject_match.")
    method: str = Field(description="How the matcher found the pair, e.g. fuzzy_title.")
    score: int = Field(description="Similarity, 0 to 100.")
    evidence: str = Field(description="Why the two might be the same game, in words.")
    release: MatchSide
    matched_release: MatchSide
    created_at: datetime


class SuggestionList(_Out):
    items: list[SuggestionOut]
    total: int = Field(description="Open suggestions in all.")


ChangeKind = Literal["merge", "split", "reject"]


class ChangeOut(_Out):
    """A recent decision that can be undone."""

    kind: ChangeKind
    change_id: int = Field(description="Pass with kind to undo_change.")
    summary: str
    by: str = Field(description="Who made it; empty for the matcher.")
    at: datetime
    game_id: int | None = Field(description="The game it produced, when it still exists.")


class ChangeList(_Out):
    items: list[ChangeOut]


class ReviewResult(_Out):
    message: str = Field(description="What happened, in a sentence.")
    game_id: int | None = Field(description="The game the user should look at now.")
    open_suggestions: int = Field(description="Suggestions still waiting for a decision.")
