"""Finding games in a library and describing one game: search, the content-rating filter, details.

All of it is built on games.queries (filter_entries, page_of_entries, game_detail), so the user's
rating cap and the one filter implementation apply to every caller.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import (
    Aggregate,
    CharField,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)

from games.models import Achievement, Game
from games.queries import (
    PAGE_SIZE,
    SORTS,
    GameDetail,
    InvalidFilter,
    LibraryFilters,
    Page,
    filter_entries,
    game_detail,
    page_of_entries,
    sort_key,
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
    TimeToBeatOut,
    hours,
    optional_hours,
)
from games.services import NotFound
from libraries.models import LibraryGame

UNRATED = ("", "RP")
DESCRIPTION_LIMIT = 2000
GENRE_SEPARATOR = "\x1f"  # the ASCII unit separator: never part of a genre name


class _JoinedNames(Aggregate):
    """The names of a group joined by GENRE_SEPARATOR, in no particular order."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s, CHAR(31))"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(%(expressions)s, CHR(31))",
            **extra_context,
        )


def _genre_names_subquery() -> Subquery:
    """The genre names of each row's game, read in the same query as the row."""
    # django-stubs does not follow annotate() on an auto-created through model, so it cannot
    # find "names" in the last values().
    names = (
        Game.genres.through.objects.filter(game_id=OuterRef("release__game_id"))  # type: ignore[misc]
        .order_by()
        .values("game_id")
        .annotate(names=_JoinedNames("genre__name"))
        .values("names")
    )
    return Subquery(names, output_field=CharField())


# What game_row reads, as plain values: building five model objects per row (entry, release,
# game, library, platform) cost more than the query that read them.
ROW_FIELDS = (
    "pk",
    "library_id",
    "game_playtime_minutes",
    "game_last_played_at",
    "game_store_count",
    "status",
    "user_rating",
    "release__platform__code",
    "release__platform__name",
    "release__game_id",
    "release__game__title",
    "release__game__metacritic_score",
    "release__game__esrb_rating",
    "release__game__release_date",
    "release__game__cover_url",
    "release__game__header_url",
    "release__game__time_to_beat_main",
    "genre_names",
)


def with_row_values(entries: QuerySet[LibraryGame]) -> QuerySet[LibraryGame]:
    """ENTRIES able to give every ROW_FIELDS value."""
    return entries.select_related(None).annotate(genre_names=_genre_names_subquery())


def rows_by_id(entry_ids: list[int]) -> list[dict[str, Any]]:
    """The ROW_FIELDS of ENTRY_IDS, in that order, in one query. The ids must come from a query
    that applied the user's visibility (games.queries.visible_entries)."""
    if not entry_ids:
        return []
    found = with_row_values(LibraryGame.objects.filter(pk__in=entry_ids)).values(*ROW_FIELDS)
    by_id = {row["pk"]: row for row in found}
    return [by_id[pk] for pk in entry_ids if pk in by_id]


def genre_names(game_ids: Iterable[int]) -> dict[int, list[str]]:
    """{game id: its genre names, A to Z} in one query. (Plain pairs, not a prefetch: building
    Genre objects for a page of games cost more than the query itself.)"""
    names: dict[int, list[str]] = {}
    game_ids = set(game_ids)
    if not game_ids:
        return names
    pairs = (
        Game.genres.through.objects.filter(game_id__in=game_ids)
        .order_by("genre__name")
        .values_list("game_id", "genre__name")
    )
    for game_id, name in pairs:
        names.setdefault(game_id, []).append(name)
    return names


def game_row(row: dict[str, Any]) -> GameRow:
    """One search result from a dict of ROW_FIELDS."""
    return GameRow(
        game_id=row["release__game_id"],
        title=row["release__game__title"],
        platform=row["release__platform__code"],
        platform_name=row["release__platform__name"],
        library_id=row["library_id"],
        playtime_minutes=row["game_playtime_minutes"],
        playtime_hours=hours(row["game_playtime_minutes"]),
        last_played_at=row["game_last_played_at"],
        store_count=row["game_store_count"],
        status=row["status"],
        user_rating=row["user_rating"],
        genres=sorted(row["genre_names"].split(GENRE_SEPARATOR)) if row["genre_names"] else [],
        metacritic_score=row["release__game__metacritic_score"],
        esrb_rating=row["release__game__esrb_rating"],
        release_date=row["release__game__release_date"],
        cover_url=row["release__game__cover_url"] or row["release__game__header_url"],
        time_to_beat_hours=optional_hours(row["release__game__time_to_beat_main"]),
    )


def _offset_slice(
    entries: QuerySet[LibraryGame],
    sort: str,
    offset: int,
    size: int,
    *,
    narrowed: bool,
    fields: tuple[str, ...],
) -> list[dict[str, Any]]:
    """SIZE entries' FIELDS from OFFSET, in the order of games.queries.page_of_entries
    (OFFSET paging is for clients that count)."""
    key, descending = sort_key(sort, narrowed=narrowed), SORTS[sort][3]
    order = (key.desc(), F("pk").desc()) if descending else (key.asc(), F("pk").asc())
    return list(entries.order_by(*order).values(*fields)[offset : offset + size])


# What a card, a list row and a suggestion show. Loading only these columns skips decoding every
# row's store payload, JSON metadata and its library's encrypted credentials: on a 10,000-game
# library that was a third of the library page's server time (benchmarks/bench_pages.py).
CARD_FIELDS = (
    "library_id", "release_id", "game_playtime_minutes", "game_last_played_at",
    "game_store_count", "status", "hidden", "added_at",
    "release__game_id", "release__platform_id", "release__platform__code",
    "release__game__title", "release__game__cover_url", "release__game__metacritic_score",
    "release__game__release_date",
    "release__platform__name",
)  # fmt: skip


def search_cards(
    user, filters: LibraryFilters, cursor: str = "", size: int = PAGE_SIZE
) -> Page[LibraryGame]:
    """search_games for the pages: the same filters, rating cap, one card per game and keyset
    pages, as the entries themselves (loading only the columns a card shows) and with no total
    count, which the library page does not show."""
    filters = filters.validated()
    # Cards name the release's store, never the library: joining the library would load (and
    # decrypt) its credentials for every row.
    entries = (
        filter_entries(user, filters)
        .select_related(None)
        .select_related("release__game", "release__platform")
        .only(*CARD_FIELDS)
    )
    return page_of_entries(entries, filters.sort, cursor, size, narrowed=bool(filters.q))


def search_games(
    user,
    filters: LibraryFilters,
    *,
    limit: int = PAGE_SIZE,
    cursor: str = "",
    offset: int = 0,
) -> GameList:
    """One page of the user's games matching FILTERS (one row per game, however many stores
    it is owned on; see games.queries.filter_entries), with the total count.

    Pages by CURSOR (keyset, the efficient way) or by OFFSET (what simple clients count in), not both.
    """
    filters = filters.validated()
    if offset < 0:
        raise InvalidFilter("offset must not be negative.")
    if offset and cursor:
        raise InvalidFilter("offset: give either offset or cursor, not both.")
    narrowed = bool(filters.q)
    matching = filter_entries(user, filters)
    # A title search matches few games and must read all of them to sort them: one query then
    # reads the page's rows and counts the matches too (COUNT(*) OVER ()). Otherwise the page is
    # found as ids first (it stops at its last row; see games.queries.page_of_entries), then read
    # by id, and a count reads the whole library. A cursor page would count only what follows it.
    count_in_page = narrowed and not cursor
    fields: tuple[str, ...]
    if not narrowed:
        entries, fields = matching.select_related(None), ("pk",)
    elif count_in_page:
        entries = with_row_values(matching).annotate(matches=Window(Count("pk")))
        fields = (*ROW_FIELDS, "matches")
    else:
        entries, fields = with_row_values(matching), ROW_FIELDS
    if offset:
        rows = _offset_slice(
            entries, filters.sort, offset, limit + 1, narrowed=narrowed, fields=fields
        )
        more, rows, next_cursor = len(rows) > limit, rows[:limit], ""
    else:
        page = page_of_entries(
            entries, filters.sort, cursor, limit, narrowed=narrowed, values=fields
        )
        more, rows, next_cursor = bool(page.next_cursor), page.items, page.next_cursor
    if not narrowed:
        rows = rows_by_id([row["pk"] for row in rows])
    # A last page reached by offset (and not past the end) tells the total without counting.
    if not more and not cursor and (rows or not offset):
        total = offset + len(rows)
    elif count_in_page and rows:
        total = rows[0]["matches"]
    else:
        total = matching.count()
    return GameList(
        items=[game_row(row) for row in rows],
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
    base = filter_entries(user, LibraryFilters()).select_related(None)
    rated_ok = Q(release__game__esrb_rating__in=allowed)
    unrated = Q(release__game__esrb_rating__in=UNRATED)
    counts = base.aggregate(
        unrated=_count(unrated), above=_count(~rated_ok & ~unrated), matching=_count(rated_ok)
    )
    matching = base.filter(rated_ok | unrated) if include_unrated else base.filter(rated_ok)
    page = page_of_entries(matching, "title", cursor, limit, values=("pk",))
    total = counts["matching"] + (counts["unrated"] if include_unrated else 0)
    unrated_games = (
        "1 unrated game is" if counts["unrated"] == 1 else f"{counts['unrated']} unrated games are"
    )
    if include_unrated:
        note = f"{unrated_games} included; check them before relying on the list."
    else:
        note = f"{unrated_games} left out; ask with include_unrated to see them."
    return ContentRatingList(
        items=[game_row(row) for row in rows_by_id([row["pk"] for row in page.items])],
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


@dataclass(frozen=True)
class GamePage:
    """One game for the web page: the details every door gives (the same numbers as REST and MCP),
    each copy's record next to its details (the page links to a copy's edit and split), and the
    loaded game for what only a page has room for (art, screenshots, descriptors, DLCs)."""

    details: GameDetailOut
    copies: list[tuple[LibraryGame, OwnedCopy]]
    detail: GameDetail


def game_page(user, game_id: int) -> GamePage:
    """The game page's data, through the same load and shaping as game_details. Raises NotFound."""
    detail = _owned_game(user, game_id)
    details = _describe(detail, detail.entries)
    return GamePage(
        details=details,
        copies=list(zip(detail.entries, details.owned_on, strict=True)),
        detail=detail,
    )


def game_details(user, game_id: int, library_id: int | None = None) -> GameDetailOut:
    """One game as the user owns it: metadata, every copy with its playtime, achievements progress.

    With LIBRARY_ID, only the copy in that library counts. Raises NotFound when the game is not
    the user's (or is above their cap): the same answer either way, so nothing leaks.
    """
    detail = _owned_game(user, game_id)
    entries = detail.entries
    if library_id is not None:
        entries = [entry for entry in entries if entry.library_id == library_id]
        if not entries:
            raise NotFound(f"Game {game_id} is not in your library {library_id}.")
    return _describe(detail, entries)


def _owned_game(user, game_id: int) -> GameDetail:
    try:
        return game_detail(user, game_id)
    except Game.DoesNotExist:
        raise NotFound(f"There is no game {game_id} in your library.") from None


def _describe(detail: GameDetail, entries: list[LibraryGame]) -> GameDetailOut:
    game = detail.game
    release_ids = {entry.release_id for entry in entries}
    achievements = [a for a in detail.achievements if a.release_id in release_ids]
    unlocked_in = _unlocked_by_library(detail, entries)
    unlocked_ids = set().union(*unlocked_in.values()) if unlocked_in else set()
    # Each copy's own progress, counted once by game_detail per library and release: a library
    # holding two releases of a merged game must not credit one with the other's unlocks.
    copies = [
        owned_copy(
            entry,
            achievements_total=entry.achievements_total,
            achievements_unlocked=entry.achievements_unlocked,
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
        time_to_beat=TimeToBeatOut(
            main_hours=optional_hours(game.time_to_beat_main),
            extras_hours=optional_hours(game.time_to_beat_extras),
            completionist_hours=optional_hours(game.time_to_beat_completionist),
        ),
        base_game=game.parent.title if game.parent else "",
        owned_on=copies,
        total_playtime_minutes=total_minutes,
        total_playtime_hours=hours(total_minutes),
        achievements=_achievements(achievements, unlocked_ids, unlocked_in),
    )


def _unlocked_by_library(
    detail: GameDetail, entries: list[LibraryGame]
) -> dict[int, dict[int, datetime | None]]:
    """{library id: {achievement id: unlocked_at}} for the releases of ENTRIES, from the unlocks
    game_detail read already (one query for the page, REST and MCP alike)."""
    library_ids = {entry.library_id for entry in entries}
    release_ids = {entry.release_id for entry in entries}
    result: dict[int, dict[int, datetime | None]] = {}
    for library_id, release_id, achievement_id, unlocked_at in detail.unlocks:
        if library_id in library_ids and release_id in release_ids:
            result.setdefault(library_id, {})[achievement_id] = unlocked_at
    return result


def _achievements(
    achievements: list[Achievement],
    unlocked_ids: set[int],
    unlocked_in: dict[int, dict[int, datetime | None]],
) -> AchievementsOut:
    # The latest time any library knows; Steam gives none for some unlocks (unlocktime 0).
    unlocked_at: dict[int, datetime | None] = {}
    for unlocks in unlocked_in.values():
        for achievement_id, when in unlocks.items():
            latest = unlocked_at.get(achievement_id)
            if latest is None or (when is not None and when > latest):
                unlocked_at[achievement_id] = when

    def out(achievement: Achievement, when: datetime | None = None) -> AchievementOut:
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


def _timestamp(when: datetime | None) -> float:
    return when.timestamp() if when else 0.0


def owned_copy(entry: LibraryGame, **extra) -> OwnedCopy:
    """One owned copy of a game as every door shows it (platform, library, playtime, status)."""
    platform = entry.release.platform
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
