"""Finding games in a library and describing one game: search, the content-rating filter, details.

All of it is built on games.queries (filter_entries, page_of_entries, game_detail), so the user's
rating cap and the one filter implementation apply to every caller.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db.models import (
    Count,
    F,
    Prefetch,
    Q,
    QuerySet,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce

from games.models import Game, Genre, UnlockedAchievement
from games.queries import (
    PAGE_SIZE,
    SORTS,
    InvalidFilter,
    LibraryFilters,
    filter_entries,
    game_detail,
    page_of_entries,
)
from games.ratings import esrb_at_or_below
from games.schemas import (
    AchievementOut,
    AchievementsOut,
    ContentRatingList,
    GameDetailOut,
    GameList,
    GameRow,
    OwnedCopy,
    hours,
)
from games.services import NotFound
from libraries.models import LibraryGame

UNRATED = ("", "RP")
DESCRIPTION_LIMIT = 2000
# What game_row reads: loading only these keeps the rows a sort has to carry narrow.
ROW_FIELDS = (
    "library_id",
    "release_id",
    "playtime_minutes",
    "last_played_at",
    "status",
    "user_rating",
    "library__platform__code",
    "library__platform__name",
    "release__game__title",
    "release__game__sort_title",
    "release__game__metacritic_score",
    "release__game__esrb_rating",
    "release__game__release_date",
    "release__game__cover_url",
    "release__game__header_url",
)


def for_rows(entries: QuerySet[LibraryGame]) -> QuerySet[LibraryGame]:
    """ENTRIES loading just what game_row needs."""
    return (
        entries.select_related(None)
        .select_related("release__game", "library__platform")
        .only(*ROW_FIELDS)
    )


def with_genres(entries: Iterable[LibraryGame]) -> list[LibraryGame]:
    """Load the genres of ENTRIES' games in one query."""
    entries = list(entries)
    prefetch_related_objects(
        entries, Prefetch("release__game__genres", queryset=Genre.objects.only("name"))
    )
    return entries


def game_row(entry: LibraryGame) -> GameRow:
    game = entry.release.game
    platform = entry.library.platform
    return GameRow(
        game_id=game.pk,
        title=game.title,
        platform=platform.code,
        platform_name=platform.name,
        library_id=entry.library_id,
        playtime_minutes=entry.playtime_minutes,
        playtime_hours=hours(entry.playtime_minutes),
        last_played_at=entry.last_played_at,
        status=entry.status,
        user_rating=entry.user_rating,
        genres=[genre.name for genre in game.genres.all()],
        metacritic_score=game.metacritic_score,
        esrb_rating=game.esrb_rating,
        release_date=game.release_date,
        cover_url=game.cover_url or game.header_url,
    )


def _offset_slice(entries: QuerySet[LibraryGame], sort: str, offset: int, size: int):
    """OFFSET paging in the same order as games.queries.page_of_entries (for clients that count)."""
    key, null_value, output_field, descending = SORTS[sort]
    if null_value is not None:
        key = Coalesce(key, Value(null_value), output_field=output_field)
    order = (key.desc(), F("pk").desc()) if descending else (key.asc(), F("pk").asc())
    return list(entries.order_by(*order)[offset : offset + size])


def search_games(
    user,
    filters: LibraryFilters,
    *,
    limit: int = PAGE_SIZE,
    cursor: str = "",
    offset: int = 0,
) -> GameList:
    """One page of the user's copies matching FILTERS, with the total count.

    Pages by CURSOR (keyset, the efficient way) or by OFFSET (what simple clients count in), not both.
    """
    filters = filters.validated()
    if offset < 0:
        raise InvalidFilter("offset must not be negative.")
    if offset and cursor:
        raise InvalidFilter("offset: give either offset or cursor, not both.")
    entries = for_rows(filter_entries(user, filters))
    if offset:
        rows = _offset_slice(entries, filters.sort, offset, limit + 1)
        more, rows, next_cursor = len(rows) > limit, rows[:limit], ""
    else:
        page = page_of_entries(entries, filters.sort, cursor, limit, narrowed=bool(filters.q))
        more, rows, next_cursor = bool(page.next_cursor), page.items, page.next_cursor
    # A last page reached by offset (and not past the end) tells the total without counting.
    # (Counting in the page query with a window was slower on PostgreSQL: it must then read
    # every match instead of stopping at the page's end.)
    known = not more and not cursor and (rows or not offset)
    total = offset + len(rows) if known else entries.count()
    return GameList(
        items=[game_row(entry) for entry in with_genres(rows)],
        total=total,
        next_cursor=next_cursor,
        next_offset=offset + len(rows) if more and not cursor else None,
    )


def games_by_content_rating(
    user,
    esrb_rating: str,
    *,
    include_unrated: bool = False,
    limit: int = PAGE_SIZE,
    cursor: str = "",
) -> ContentRatingList:
    """Games rated at or below ESRB_RATING. Unrated games (no rating, or rating pending) are left
    out unless INCLUDE_UNRATED; either way their number is reported, so nothing disappears silently.
    The user's own cap still applies on top (a capped account never sees unrated games)."""
    try:
        allowed = esrb_at_or_below(esrb_rating)
    except ValueError as exc:
        raise InvalidFilter(f"esrb_rating: {exc}") from None
    base = for_rows(filter_entries(user, LibraryFilters()))
    rated_ok = Q(release__game__esrb_rating__in=allowed)
    unrated = Q(release__game__esrb_rating__in=UNRATED)
    counts = base.aggregate(
        unrated=_count(unrated), above=_count(~rated_ok & ~unrated), matching=_count(rated_ok)
    )
    matching = base.filter(rated_ok | unrated) if include_unrated else base.filter(rated_ok)
    page = page_of_entries(matching, "title", cursor, limit)
    total = counts["matching"] + (counts["unrated"] if include_unrated else 0)
    unrated_games = (
        "1 unrated game is" if counts["unrated"] == 1 else f"{counts['unrated']} unrated games are"
    )
    if include_unrated:
        note = f"{unrated_games} included; check them before relying on the list."
    else:
        note = f"{unrated_games} left out; ask with include_unrated to see them."
    return ContentRatingList(
        items=[game_row(entry) for entry in with_genres(page.items)],
        total=total,
        next_cursor=page.next_cursor,
        esrb_rating=allowed[-1],
        allowed_ratings=allowed,
        include_unrated=include_unrated,
        unrated_count=counts["unrated"],
        above_count=counts["above"],
        note=note,
    )


def _count(condition: Q) -> Count:
    return Count("pk", filter=condition)


def game_details(user, game_id: int, library_id: int | None = None) -> GameDetailOut:
    """One game as the user owns it: metadata, every copy with its playtime, achievements progress.

    With LIBRARY_ID, only the copy in that library counts. Raises NotFound when the game is not
    the user's (or is above their cap): the same answer either way, so nothing leaks.
    """
    try:
        detail = game_detail(user, game_id)
    except Game.DoesNotExist:
        raise NotFound(f"There is no game {game_id} in your library.") from None
    entries = detail.entries
    if library_id is not None:
        entries = [entry for entry in entries if entry.library_id == library_id]
        if not entries:
            raise NotFound(f"Game {game_id} is not in your library {library_id}.")
    game = detail.game
    release_ids = {entry.release_id for entry in entries}
    achievements = [a for a in detail.achievements if a.release_id in release_ids]
    unlocked_in = _unlocked_by_library(entries)
    unlocked_ids = set().union(*unlocked_in.values()) if unlocked_in else set()
    per_release = Counter(a.release_id for a in achievements)
    copies = [
        owned_copy(
            entry,
            achievements_total=per_release[entry.release_id],
            achievements_unlocked=len(unlocked_in.get(entry.library_id, ())),
        )
        for entry in entries
    ]
    total_minutes = sum(entry.playtime_minutes for entry in entries)
    return GameDetailOut(
        game_id=game.pk,
        title=game.title,
        game_type=game.game_type,
        description=game.description[:DESCRIPTION_LIMIT],
        genres=[genre.name for genre in game.genres.all()],
        categories=[category.name for category in game.categories.all()],
        developers=game.developers or [],
        publishers=game.publishers or [],
        release_date=game.release_date,
        release_date_text=game.release_date_text,
        esrb_rating=game.esrb_rating,
        pegi_rating=game.pegi_rating,
        metacritic_score=game.metacritic_score,
        is_free=game.is_free,
        website=game.website,
        cover_url=game.cover_url or game.header_url,
        base_game=game.parent.title if game.parent_id else "",
        owned_on=copies,
        total_playtime_minutes=total_minutes,
        total_playtime_hours=hours(total_minutes),
        achievements=_achievements(achievements, unlocked_ids, unlocked_in),
    )


def _unlocked_by_library(entries: list[LibraryGame]) -> dict[int, dict[int, object]]:
    """{library id: {achievement id: unlocked_at}} for the releases of ENTRIES."""
    pairs = UnlockedAchievement.objects.filter(
        library_id__in={entry.library_id for entry in entries},
        achievement__release_id__in={entry.release_id for entry in entries},
    ).values_list("library_id", "achievement_id", "unlocked_at")
    result: dict[int, dict[int, object]] = {}
    for library_id, achievement_id, unlocked_at in pairs:
        result.setdefault(library_id, {})[achievement_id] = unlocked_at
    return result


def _achievements(achievements, unlocked_ids: set[int], unlocked_in) -> AchievementsOut:
    unlocked_at = {}
    for unlocks in unlocked_in.values():
        for achievement_id, when in unlocks.items():
            if achievement_id not in unlocked_at or (when and when > unlocked_at[achievement_id]):
                unlocked_at[achievement_id] = when

    def out(achievement, when=None) -> AchievementOut:
        secret = achievement.hidden and achievement.pk not in unlocked_ids
        return AchievementOut(
            name=achievement.display_name,
            description="Hidden until unlocked." if secret else achievement.description,
            global_percent=achievement.global_percent,
            unlocked_at=when,
        )

    done = [a for a in achievements if a.pk in unlocked_ids]
    locked = [a for a in achievements if a.pk not in unlocked_ids]
    done.sort(key=lambda a: _timestamp(unlocked_at.get(a.pk)), reverse=True)
    locked.sort(key=lambda a: -(a.global_percent or 0))
    total = len(achievements)
    return AchievementsOut(
        total=total,
        unlocked=len(done),
        percent=int(len(done) * 100 / total) if total else 0,
        recently_unlocked=[out(a, unlocked_at.get(a.pk)) for a in done[:5]],
        next_to_unlock=[out(a) for a in locked[:5]],
    )


def _timestamp(when) -> float:
    return when.timestamp() if when else 0.0


def owned_copy(entry: LibraryGame, **extra) -> OwnedCopy:
    """One owned copy of a game as every door shows it (platform, library, playtime, status)."""
    platform = entry.library.platform
    return OwnedCopy(
        platform=platform.code,
        platform_name=platform.name,
        library_id=entry.library_id,
        library_name=entry.library.display_name,
        playtime_minutes=entry.playtime_minutes,
        playtime_hours=hours(entry.playtime_minutes),
        last_played_at=entry.last_played_at,
        status=entry.status,
        user_rating=entry.user_rating,
        store_url=entry.release.store_url,
        **extra,
    )
