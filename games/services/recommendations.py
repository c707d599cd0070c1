"""Explainable recommendations: every suggestion says why, in a sentence built from the user's data.

Reasons (each a small pool of candidates, merged and scored):
- unplayed_acclaimed: owned, never launched, Metacritic 75 or more;
- favourite_genre: barely played, in one of the genres the user has spent the most time in;
- unfinished: played for a while, not completed, not touched for a month;
- loved_again: the user rated it 8+ but has not played it for half a year;
- highly_rated: Metacritic 80 or more and not completed;
- preferred_genre: (only with genre_preference) any other candidate in that genre, weakest reason.
Completed, abandoned, wishlisted and hidden games are never suggested.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone

from games.queries import genres_in_library, representatives, visible_entries
from games.schemas import (
    Recommendation,
    RecommendationCriteria,
    Recommendations,
    hours,
    optional_hours,
)
from games.services import ServiceError
from games.services.search import genre_names
from libraries.models import LibraryGame

NOT_SUGGESTED = (
    LibraryGame.Status.COMPLETED,
    LibraryGame.Status.ABANDONED,
    LibraryGame.Status.WISHLIST,
)
POOLS_BY_CRITERIA: dict[str, tuple[str, ...]] = {
    "balanced": (
        "unplayed_acclaimed",
        "favourite_genre",
        "unfinished",
        "loved_again",
        "highly_rated",
    ),
    "unplayed": ("unplayed_acclaimed", "unplayed"),
    "highly_rated": ("highly_rated", "loved_again"),
    "favourite_genre": ("favourite_genre",),
    "unfinished": ("unfinished", "loved_again"),
}


@dataclass
class _Candidate:
    entry: LibraryGame
    platforms: list[str] = field(default_factory=list)
    reasons: dict[str, tuple[float, str]] = field(default_factory=dict)

    @property
    def score(self) -> float:
        return round(sum(weight for weight, _ in self.reasons.values()), 2)


def recommend_games(
    user,
    *,
    criteria: RecommendationCriteria = "balanced",
    limit: int = 10,
    genre_preference: str | None = None,
    max_hours: int | None = None,
    now: datetime | None = None,
) -> Recommendations:
    """Up to LIMIT games to play next, each with its reasons. With MAX_HOURS, only games whose
    main story is known to fit in that many hours, the shorter first among equal scores."""
    if criteria not in POOLS_BY_CRITERIA:
        raise ServiceError(f"criteria must be one of: {', '.join(POOLS_BY_CRITERIA)}.")
    now = now or timezone.now()
    entries = visible_entries(user).filter(hidden=False)
    favourites = _favourite_genres(entries)
    genre = _resolve_genre(user, genre_preference) if genre_preference else None
    # One candidate per game, judged by its totals across stores (games.services.rollups).
    candidates = (
        representatives(entries)
        .exclude(status__in=NOT_SUGGESTED)
        .select_related("release__game", "release__platform")
    )
    if genre:
        candidates = candidates.filter(release__game__genres__name=genre)
    if max_hours is not None:
        if max_hours < 1:
            raise ServiceError("max_hours must be at least 1.")
        candidates = candidates.filter(release__game__time_to_beat_main__lte=max_hours * 60)
    pool_size = max(limit * 4, 40)
    found: dict[int, _Candidate] = {}
    pools = POOLS_BY_CRITERIA[criteria] + (("preferred_genre",) if genre else ())
    for pool in pools:
        for entry, weight, sentence in _pool(pool, candidates, favourites, now, pool_size):
            candidate = found.setdefault(entry.release.game_id, _Candidate(entry))
            if entry.release.platform.name not in candidate.platforms:
                candidate.platforms.append(entry.release.platform.name)
            candidate.reasons.setdefault(pool, (weight, sentence))
    best = sorted(
        found.values(),
        key=lambda c: (
            -c.score,
            (c.entry.release.game.time_to_beat_main or 0) if max_hours else 0,
            c.entry.release.game.sort_title,
        ),
    )[:limit]
    genres = genre_names(c.entry.release.game_id for c in best)
    _every_store(entries, best)
    favourite = favourites[0][0] if favourites else None
    return Recommendations(
        criteria=criteria,
        genre_preference=genre,
        favourite_genre=favourite,
        items=[
            _item(candidate, genres.get(candidate.entry.release.game_id, []), max_hours)
            for candidate in best
        ],
        note=_note(len(best), limit, favourite)
        + (f" Only games known to fit in {max_hours} h." if max_hours else ""),
    )


def _every_store(entries: QuerySet[LibraryGame], best: list[_Candidate]) -> None:
    """Add to each of BEST the stores of its game's other copies, in one query."""
    by_game = {candidate.entry.release.game_id: candidate for candidate in best}
    copies = entries.filter(release__game_id__in=by_game).order_by("release__platform__sort_order")
    for game_id, name in copies.values_list("release__game_id", "release__platform__name"):
        if name not in by_game[game_id].platforms:
            by_game[game_id].platforms.append(name)


def _item(candidate: _Candidate, genres: list[str], max_hours: int | None) -> Recommendation:
    entry, game = candidate.entry, candidate.entry.release.game
    ranked = sorted(candidate.reasons.items(), key=lambda item: -item[1][0])
    reason = ranked[0][1][1]
    if max_hours and game.time_to_beat_main:
        reason += (
            f" It fits in your {max_hours} h: about {hours(game.time_to_beat_main)} h to beat."
        )
    return Recommendation(
        game_id=game.pk,
        title=game.title,
        platforms=candidate.platforms,
        genres=genres,
        metacritic_score=game.metacritic_score,
        playtime_minutes=entry.game_playtime_minutes,
        last_played_at=entry.game_last_played_at,
        time_to_beat_hours=optional_hours(game.time_to_beat_main),
        reason=reason,
        reasons=[code for code, _ in ranked],
        score=candidate.score,
    )


def _favourite_genres(entries: QuerySet[LibraryGame]) -> list[tuple[str, int]]:
    """The three genres with the most playtime, with their minutes."""
    rows = (
        entries.exclude(release__game__genres=None)
        .values_list("release__game__genres__name")
        .annotate(minutes=Sum("playtime_minutes"))
        .filter(minutes__gt=0)
        .order_by("-minutes")[:3]
    )
    return [(name, minutes) for name, minutes in rows]


def _resolve_genre(user, wanted: str) -> str:
    owned = genres_in_library(user)
    for name in owned:
        if name.casefold() == wanted.strip().casefold():
            return name
    some = ", ".join(owned[:8]) or "none yet"
    raise ServiceError(
        f"genre_preference: you own no games in the genre '{wanted}'. Your genres: {some}."
    )


def _pool(name: str, candidates: QuerySet[LibraryGame], favourites, now: datetime, size: int):
    """(entry, weight, sentence) for the candidates of one reason."""
    game = "release__game__"
    if name in ("unplayed_acclaimed", "unplayed"):
        acclaimed = name == "unplayed_acclaimed"
        rows = candidates.filter(game_playtime_minutes=0)
        if acclaimed:
            rows = rows.filter(**{f"{game}metacritic_score__gte": 75})
        for entry in rows.order_by(F(f"{game}metacritic_score").desc(nulls_last=True), "pk")[:size]:
            score = entry.release.game.metacritic_score
            if score is not None:
                yield (
                    entry,
                    2 + (score - 75) / 25 if acclaimed else 1 + score / 100,
                    f"You own it but have never played it, and critics scored it {score} on Metacritic.",
                )
            else:
                yield entry, 0.8, "You own it but have never played it."
    elif name == "favourite_genre":
        for rank, (genre, minutes) in enumerate(favourites):
            rows = candidates.filter(
                game_playtime_minutes__lt=120, **{f"{game}genres__name": genre}
            ).order_by(F(f"{game}metacritic_score").desc(nulls_last=True), "pk")
            for entry in rows[:size]:
                yield (
                    entry,
                    1.6 - 0.3 * rank,
                    f"It is {_a(genre)} game, and {genre} is "
                    f"{'the genre you have played most' if rank == 0 else 'one of your most played genres'}"
                    f" ({hours(minutes)} h); you have barely started this one.",
                )
    elif name == "unfinished":
        rows = candidates.filter(
            game_playtime_minutes__gte=60, game_last_played_at__lt=now - timedelta(days=30)
        ).order_by("-game_playtime_minutes", "pk")
        for entry in rows[:size]:
            yield (
                entry,
                1.5,
                f"You put {hours(entry.game_playtime_minutes)} h into it and stopped on "
                f"{entry.game_last_played_at:%d %b %Y} without finishing; pick it back up.",
            )
    elif name == "loved_again":
        rows = candidates.filter(user_rating__gte=8).filter(
            Q(game_last_played_at__lt=now - timedelta(days=182)) | Q(game_last_played_at=None)
        )
        for entry in rows.order_by("-user_rating", "pk")[:size]:
            rating = entry.user_rating
            assert rating is not None  # the filter asked for 8 or more
            since = "yet" if entry.game_last_played_at is None else "for over six months"
            yield (
                entry,
                1.2 + (rating - 8) / 10,
                f"You rated it {rating}/10 and have not played it {since}.",
            )
    elif name == "highly_rated":
        rows = candidates.filter(**{f"{game}metacritic_score__gte": 80})
        for entry in rows.order_by(f"-{game}metacritic_score", "pk")[:size]:
            score = entry.release.game.metacritic_score
            assert score is not None  # the filter asked for 80 or more
            yield entry, 1 + (score - 80) / 20, f"Critics rate it highly: {score} on Metacritic."
    elif name == "preferred_genre":
        for entry in candidates.order_by("game_playtime_minutes", "pk")[:size]:
            played = (
                f"you have played it {hours(entry.game_playtime_minutes)} h"
                if entry.game_playtime_minutes
                else "you have not played it yet"
            )
            yield entry, 0.3, f"It is in the genre you asked for, and {played}."


def _a(word: str) -> str:
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def _note(found: int, limit: int, favourite: str | None) -> str:
    basis = f"Your most played genre is {favourite}. " if favourite else ""
    if found == 0:
        return (
            basis + "Nothing fits: every candidate is completed, abandoned, hidden or lacks the "
            "data (playtime, Metacritic score, your rating) these reasons need."
        )
    if found < limit:
        return basis + f"Only {found} games fit these criteria."
    return basis + "Ranked by how many reasons apply and how strong they are."
