"""Reviewing matches as one user: the suggestions waiting for a decision, accepting, rejecting,
merging two games, splitting a release off, and undoing any of it.

The one implementation behind the review page, REST, MCP and the assistant. Each function checks
that what it touches is the user's (a visible copy of both releases, or of both games), so another
user's suggestion is "not found" like a missing one, then calls games.services.curation, which the
Django admin's actions call too.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum

from games.models import Curation, Game, Match, Release
from games.queries import visible_entries, visible_games
from games.schemas import (
    ChangeKind,
    ChangeList,
    ChangeOut,
    MatchSide,
    ReviewResult,
    SuggestionList,
    SuggestionOut,
    hours,
)
from games.services import NotFound, ServiceError
from games.services import curation as curating

RECENT_CHANGES = 10


def _owned_releases(user) -> QuerySet:
    return visible_entries(user).values("release_id")


def open_suggestions(user) -> QuerySet[Match]:
    """Suggestions whose two releases the user owns (and may see under their rating cap)."""
    # EXISTS per open suggestion (two index look-ups each) rather than IN over every copy the
    # user owns: the sidebar counts these on every page, and a 50,000-copy household made the
    # IN lists cost 80 ms there.
    owned = visible_entries(user)
    return Match.objects.filter(
        Exists(owned.filter(release_id=OuterRef("release_id"))),
        Exists(owned.filter(release_id=OuterRef("matched_release_id"))),
        status=Match.Status.SUGGESTED,
    )


def open_suggestion_count(user) -> int:
    return open_suggestions(user).count()


# The sidebar's badge counts no further: every page shows it, and counting thousands of
# suggestions (a big household's first match) cost 30 ms a page, for a number nobody reads.
BADGE_CAP = 99


def open_suggestion_badge(user) -> str:
    """The sidebar's count of open suggestions: "" for none, "99+" past the cap."""
    found = open_suggestions(user)[: BADGE_CAP + 1].count()
    return f"{BADGE_CAP}+" if found > BADGE_CAP else str(found or "")


def list_suggestions(user, *, limit: int = 50, offset: int = 0) -> SuggestionList:
    """Open suggestions, most likely first, each with both sides as the user owns them."""
    if offset < 0:
        raise ServiceError("offset must not be negative.")
    found = open_suggestions(user)
    total = found.count()
    matches = list(
        found.select_related(
            "release__game",
            "release__platform",
            "matched_release__game",
            "matched_release__platform",
        ).order_by("-confidence", "pk")[offset : offset + limit]
    )
    release_ids = {m.release_id for m in matches} | {m.matched_release_id for m in matches}
    minutes = dict(
        visible_entries(user)
        .filter(release_id__in=release_ids)
        .values("release_id")
        .annotate(total=Sum("playtime_minutes"))
        .values_list("release_id", "total")
    )
    return SuggestionList(
        items=[
            SuggestionOut(
                match_id=match.pk,
                method=match.method,
                score=match.score,
                evidence=match.evidence,
                release=_side(match.release, minutes.get(match.release_id, 0)),
                matched_release=_side(
                    match.matched_release, minutes.get(match.matched_release_id, 0)
                ),
                created_at=match.created_at,
            )
            for match in matches
        ],
        total=total,
    )


def _side(release: Release, minutes: int) -> MatchSide:
    game = release.game
    return MatchSide(
        release_id=release.pk,
        game_id=game.pk,
        title=game.title,
        store_name=release.store_name or game.title,
        platform=release.platform.code,
        platform_name=release.platform.name,
        year=game.release_date.year if game.release_date else None,
        cover_url=game.cover_url or game.header_url or release.icon_url,
        playtime_minutes=minutes,
        playtime_hours=hours(minutes),
    )


def _suggestion(user, match_id: int) -> Match:
    match = open_suggestions(user).filter(pk=match_id).first()
    if match is None:
        raise NotFound(f"There is no open suggestion {match_id} for your games.")
    return match


def _result(user, message: str, game_id: int | None) -> ReviewResult:
    return ReviewResult(
        message=message, game_id=game_id, open_suggestions=open_suggestion_count(user)
    )


def accept(user, match_id: int) -> ReviewResult:
    """The two releases of the suggestion become one game (undoable)."""
    game = curating.accept_match(_suggestion(user, match_id), user=user)
    return _result(user, f"Joined into “{game.title}”.", game.pk)


def reject(user, match_id: int) -> ReviewResult:
    """Not the same game: the matcher never suggests or joins this pair again (undoable)."""
    match = curating.reject_match(_suggestion(user, match_id), user=user)
    return _result(
        user, "Kept apart; this pair will not be suggested again.", match.release.game_id
    )


def merge(user, game_id: int, other_game_id: int) -> ReviewResult:
    """Merge two of the user's games into the first (undoable)."""
    if game_id == other_game_id:
        raise ServiceError("Choose two different games to merge.")
    games = {game.pk: game for game in visible_games(user).filter(pk__in=[game_id, other_game_id])}
    for wanted in (game_id, other_game_id):
        if wanted not in games:
            raise NotFound(f"There is no game {wanted} in your library.")
    target = curating.merge_games(games[game_id], [games[other_game_id]], user=user)
    return _result(user, f"Merged “{games[other_game_id].title}” into “{target.title}”.", target.pk)


def split(user, release_id: int) -> ReviewResult:
    """Give one of the user's releases a game of its own again (undoable)."""
    release = Release.objects.filter(pk=release_id, pk__in=_owned_releases(user)).first()
    if release is None:
        raise NotFound(f"There is no release {release_id} in your library.")
    game = curating.split_release(release, user=user)
    return _result(user, f"Split off as “{game.title}”.", game.pk)


def _changes(user) -> QuerySet[Curation]:
    """Merges and splits of the user's games: their own, and the matcher's automatic joins."""
    return Curation.objects.filter(
        Q(created_by=user) | Q(created_by=None, game_id__in=visible_games(user).values("pk"))
    )


def _own_rejections(user) -> QuerySet[Match]:
    owned = _owned_releases(user)
    return Match.objects.filter(
        status=Match.Status.REJECTED,
        release_id__in=owned,
        matched_release_id__in=owned,
    ).exclude(method=Match.Method.MANUAL)


def recent_changes(user, *, limit: int = RECENT_CHANGES) -> ChangeList:
    """The latest decisions that can still be undone, newest first."""
    curations = list(
        _changes(user)
        .filter(undone_at=None)
        .select_related("created_by")
        .order_by("-created_at", "-pk")[:limit]
    )
    rejections = list(
        _own_rejections(user)
        .select_related("decided_by", "release", "matched_release")
        .order_by("-decided_at", "-pk")[:limit]
    )
    items: list[tuple[datetime, ChangeOut]] = []
    for change in curations:
        items.append(
            (
                change.created_at,
                ChangeOut(
                    kind=cast(ChangeKind, change.kind),
                    change_id=change.pk,
                    summary=change.summary,
                    by=change.created_by.get_username() if change.created_by else "",
                    at=change.created_at,
                    game_id=change.game_id,
                ),
            )
        )
    for match in rejections:
        when = match.decided_at or match.created_at
        items.append(
            (
                when,
                ChangeOut(
                    kind="reject",
                    change_id=match.pk,
                    summary=f"kept {match.release} and {match.matched_release} apart",
                    by=match.decided_by.get_username() if match.decided_by else "",
                    at=when,
                    game_id=None,
                ),
            )
        )
    items.sort(key=lambda pair: pair[0], reverse=True)
    return ChangeList(items=[change for _, change in items[:limit]])


def undo_change(user, kind: str, change_id: int) -> ReviewResult:
    """Undo a merge or split (by its id) or a rejection (by its match id)."""
    if kind == "reject":
        match = _own_rejections(user).filter(pk=change_id).first()
        if match is None:
            raise NotFound(f"There is no rejection {change_id} of yours to undo.")
        curating.undo_decision(match, user=user)
        return _result(user, "The suggestion is open again.", None)
    if kind not in (Curation.Kind.MERGE, Curation.Kind.SPLIT):
        raise ServiceError("kind must be merge, split or reject.")
    change = _changes(user).filter(pk=change_id, kind=kind).first()
    if change is None:
        raise NotFound(f"There is no {kind} {change_id} of yours to undo.")
    curating.undo(change, user=user)
    game_id = (
        change.data.get("target") if kind == Curation.Kind.MERGE else change.data.get("from_game")
    )
    still = Game.objects.filter(pk=game_id).exists() if game_id else False
    return _result(user, f"Undid: {change.summary}.", game_id if still else None)
