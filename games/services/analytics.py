"""Gaming patterns: real figures from the library and its playtime history.

All-time figures come from the owned copies (playtime, status, genres, platforms, release years).
Figures over a period come from PlaytimeSnapshot: each sync records a copy's total playtime when it
changed, so the minutes played between two snapshots are their difference. A copy's first snapshot
is its baseline (the lifetime total when Game Djinn first saw it), not time played in the period.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from games.models import Game
from games.queries import visible_entries
from games.schemas import (
    ActivityPoint,
    GamingPatterns,
    PeriodOut,
    PlaytimeShare,
    TimePeriod,
    TopGame,
    TrendDirection,
    TrendOut,
    YearBucket,
    hours,
)
from games.services import NotFound, ServiceError
from libraries.models import Library, LibraryGame, PlaytimeSnapshot
from libraries.queries import library_for

PERIOD_DAYS: dict[str, int | None] = {
    "week": 7,
    "month": 30,
    "quarter": 91,
    "year": 365,
    "all": None,
}
TOP = 10


def analyze_gaming_patterns(
    user,
    *,
    library_id: int | None = None,
    time_period: TimePeriod = "month",
    today: date | None = None,
) -> GamingPatterns:
    """Every figure of the analytics page and the analyze_gaming_patterns tool."""
    if time_period not in PERIOD_DAYS:
        raise ServiceError(f"time_period must be one of: {', '.join(PERIOD_DAYS)}.")
    entries = visible_entries(user).filter(hidden=False)
    if library_id is not None:
        try:
            library_for(user, library_id)
        except Library.DoesNotExist:
            raise NotFound(f"You have no library {library_id}.") from None
        entries = entries.filter(library_id=library_id)
    today = today or timezone.localdate()
    days = PERIOD_DAYS[time_period]
    start: date | None = None
    previous_start: date | None = None
    if days:
        start = today - timedelta(days=days - 1)
        previous_start = start - timedelta(days=days)

    # Counts are of games: a game owned on two stores counts once, by the copy standing for it
    # (games.services.rollups), with its total playtime. One library's view counts its copies.
    if library_id is None:
        one, minutes_of = Q(represents_game=True), "game_playtime_minutes"
        last_of, games = "game_last_played_at", entries.filter(represents_game=True)
    else:
        one, minutes_of = Q(), "playtime_minutes"
        last_of, games = "last_played_at", entries
    totals = entries.aggregate(
        games=Count("release__game", distinct=True),
        copies=Count("pk", filter=one),
        minutes=Coalesce(Sum("playtime_minutes"), 0),
        played=Count("pk", filter=one & Q(**{f"{minutes_of}__gt": 0})),
        backlog=Count("pk", filter=one & Q(status=LibraryGame.Status.BACKLOG)),
        playing=Count("pk", filter=one & Q(status=LibraryGame.Status.PLAYING)),
        completed=Count("pk", filter=one & Q(status=LibraryGame.Status.COMPLETED)),
        abandoned=Count("pk", filter=one & Q(status=LibraryGame.Status.ABANDONED)),
    )
    copies, total_minutes = totals["copies"], totals["minutes"]

    # Minutes played per snapshot, over the period and the one before it (for the trend).
    deltas = list(_deltas(entries, since=previous_start))
    played: dict[date, int] = defaultdict(int)
    for _game, day, minutes in deltas:
        played[day] += minutes
    in_period = {day: m for day, m in played.items() if start is None or day >= start}
    previous = sum(m for day, m in played.items() if start and day < start)
    notes = []
    if not played:
        notes.append(
            "There is no playtime history yet: trends and activity need at least two syncs "
            "that saw playtime change."
        )
    return GamingPatterns(
        period=PeriodOut(name=time_period, start=start, end=today),
        library_id=library_id,
        games=totals["games"],
        played=totals["played"],
        never_played=copies - totals["played"],
        backlog=totals["backlog"],
        playing=totals["playing"],
        completed=totals["completed"],
        abandoned=totals["abandoned"],
        completion_rate_percent=round(totals["completed"] * 100 / copies, 1) if copies else 0.0,
        total_minutes=total_minutes,
        total_hours=hours(total_minutes),
        playtime_by_genre=_shares(
            entries.values_list("release__game__genres__name"), total_minutes, "No genre"
        ),
        playtime_by_platform=_shares(
            entries.values_list("release__platform__name"), total_minutes, "Unknown"
        ),
        most_played=_top(games.filter(**{f"{minutes_of}__gt": 0}), f"-{minutes_of}", minutes_of),
        recently_played=_top(
            games.filter(**{f"{last_of}__isnull": False}), f"-{last_of}", minutes_of
        ),
        most_played_in_period=_top_in_period(entries, deltas, start),
        by_release_year=_by_release_year(entries),
        activity=_activity(in_period, start, today, days),
        trend=_trend(sum(in_period.values()), previous, time_period, has_history=bool(played)),
        notes=notes,
    )


def _shares(grouping: QuerySet, total_minutes: int, missing: str) -> list[PlaytimeShare]:
    rows = grouping.annotate(
        minutes=Coalesce(Sum("playtime_minutes"), 0), games=Count("release__game", distinct=True)
    ).order_by("-minutes")
    return [
        PlaytimeShare(
            name=name or missing,
            minutes=minutes,
            hours=hours(minutes),
            games=games,
            percent=round(minutes * 100 / total_minutes, 1) if total_minutes else 0.0,
        )
        for name, minutes, games in rows
    ]


def _top(entries: QuerySet[LibraryGame], order: str, minutes_of: str) -> list[TopGame]:
    """The first TOP of ENTRIES in ORDER, with the minutes (and last play) of MINUTES_OF's kind:
    a game's totals across stores, or one copy's own."""
    rows = entries.select_related("release__game", "release__platform").order_by(order, "-pk")
    per_game = minutes_of == "game_playtime_minutes"
    return [
        TopGame(
            game_id=entry.release.game_id,
            title=entry.release.game.title,
            platform=entry.release.platform.name,
            minutes=getattr(entry, minutes_of),
            hours=hours(getattr(entry, minutes_of)),
            last_played_at=entry.game_last_played_at if per_game else entry.last_played_at,
        )
        for entry in rows[:TOP]
    ]


def _deltas(entries: QuerySet[LibraryGame], since: date | None):
    """(game id, day, minutes played since the copy's previous snapshot) for each snapshot taken
    from SINCE on. Baselines (no previous snapshot) and decreases are skipped."""
    previous = PlaytimeSnapshot.objects.filter(
        entry_id=OuterRef("entry_id"), taken_on__lt=OuterRef("taken_on")
    ).order_by("-taken_on")
    snapshots = PlaytimeSnapshot.objects.filter(entry__in=entries.values("pk"))
    if since:
        snapshots = snapshots.filter(taken_on__gte=since)
    rows = snapshots.annotate(before=Subquery(previous.values("playtime_minutes")[:1])).values_list(
        "entry__release__game_id", "taken_on", "playtime_minutes", "before"
    )
    for game_id, day, minutes, before in rows:
        if before is not None and minutes > before:
            yield game_id, day, minutes - before


def _top_in_period(
    entries: QuerySet[LibraryGame], deltas: list[tuple[int, date, int]], start: date | None
) -> list[TopGame]:
    per_game: dict[int, int] = defaultdict(int)
    for game_id, day, minutes in deltas:
        if start is None or day >= start:
            per_game[game_id] += minutes
    best = sorted(per_game.items(), key=lambda item: -item[1])[:5]
    titles = dict(Game.objects.filter(pk__in=[g for g, _ in best]).values_list("pk", "title"))
    last_copy = {
        entry.release.game_id: entry
        for entry in entries.filter(release__game_id__in=titles)
        .select_related("release", "release__platform")
        .order_by(F("last_played_at").asc(nulls_first=True))
    }
    return [
        TopGame(
            game_id=game_id,
            title=titles[game_id],
            platform=last_copy[game_id].release.platform.name,
            minutes=minutes,
            hours=hours(minutes),
            last_played_at=last_copy[game_id].last_played_at,
        )
        for game_id, minutes in best
        if game_id in titles
    ]


def _by_release_year(entries: QuerySet[LibraryGame]) -> list[YearBucket]:
    rows = (
        entries.annotate(year=ExtractYear("release__game__release_date"))
        .values_list("year")
        .annotate(
            games=Count("release__game", distinct=True),
            minutes=Coalesce(Sum("playtime_minutes"), 0),
        )
        .order_by("year")
    )
    return [YearBucket(year=year, games=games, minutes=minutes) for year, games, minutes in rows]


def _bucket_start(day: date, size: str) -> date:
    if size == "week":
        return day - timedelta(days=day.weekday())
    if size == "month":
        return day.replace(day=1)
    return day


def _activity(
    played: dict[date, int], start: date | None, today: date, days: int | None
) -> list[ActivityPoint]:
    """Minutes per day (week and month periods), per week (quarter) or per month (longer)."""
    size = "day" if days and days <= 31 else "week" if days and days <= 92 else "month"
    first = start or min(played, default=today)
    buckets: dict[date, int] = {}
    day = _bucket_start(first, size)
    while day <= today:
        buckets[day] = 0
        day = (
            day + timedelta(days=1 if size == "day" else 7)
            if size != "month"
            else (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        )
    for played_on, minutes in played.items():
        key = _bucket_start(played_on, size)
        if key in buckets:
            buckets[key] += minutes
    return [ActivityPoint(start=key, minutes=value) for key, value in buckets.items()]


def _trend(current: int, previous: int, period: str, *, has_history: bool) -> TrendOut:
    if not has_history or period == "all":
        summary = (
            "No trend for all time: there is no earlier period to compare with."
            if has_history
            else "No trend yet: Game Djinn has not seen playtime change between syncs."
        )
        return TrendOut(
            current_minutes=current,
            previous_minutes=previous,
            change_percent=None,
            direction="unknown",
            summary=summary,
        )
    change = round((current - previous) * 100 / previous, 1) if previous else None
    direction: TrendDirection
    if current == previous:
        direction, summary = "flat", f"You played as much this {period} as the {period} before."
    elif current > previous:
        direction = "up"
        summary = (
            f"You played {hours(current)} h this {period}, up {change}% on the {period} before."
            if change is not None
            else f"You played {hours(current)} h this {period}, and none the {period} before."
        )
    else:
        direction = "down"
        summary = f"You played {hours(current)} h this {period}, down {abs(change or 0)}% on the {period} before."
    return TrendOut(
        current_minutes=current,
        previous_minutes=previous,
        change_percent=change,
        direction=direction,
        summary=summary,
    )
