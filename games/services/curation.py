"""Curation: merging games that are really one, splitting a release off again, and undoing both.

Every merge — a curator's, or the matcher's automatic join — is a ``Curation`` row holding what
undoing it needs: the games it removed (their columns, genres and categories, so undo brings them
back with their own ids), where each moved release and re-parented DLC was before, and the
``Match`` rows that explain it. A split is recorded the same way and leaves the pairs it took
apart *rejected*, so the matcher never joins them again; undoing the split rejoins them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from games.models import Curation, Game, Match, Release
from games.services.catalogue import BULK_BATCH_SIZE, chunks


class CurationError(ValueError):
    pass


@dataclass
class PlannedMerge:
    """Games to fold into ``target`` and the matches that explain why (unsaved, or existing
    suggestions to accept)."""

    target: int
    others: list[int]
    matches: list[Match] = field(default_factory=list)


# --- merge --------------------------------------------------------------------------------


@transaction.atomic
def merge_games(target: Game, others: list[Game], *, user=None) -> Game:
    """Move every release of OTHERS onto TARGET, record why (a manual match per moved release),
    and delete the emptied games; undoable with ``undo``."""
    others = [game for game in others if game.pk != target.pk]
    if not others:
        raise CurationError("Choose at least two different games to merge.")
    anchor = target.releases.order_by("pk").first()
    moved = list(Release.objects.filter(game__in=others).order_by("pk"))
    if anchor is None:
        anchor = moved[0]
    who = getattr(user, "username", "") or "a curator"
    matches = [
        Match(
            release=release,
            matched_release=anchor,
            method=Match.Method.MANUAL,
            confidence=1.0,
            verified=True,
            status=Match.Status.ACCEPTED,
            evidence=f"merged by {who}",
            created_by=user,
            decided_by=user,
            decided_at=timezone.now(),
        )
        for release in moved
        if release.pk != anchor.pk
    ]
    merge_many([PlannedMerge(target.pk, [game.pk for game in others], matches)], user=user)
    target.refresh_from_db()
    return target


def merge_many(plans: Sequence[PlannedMerge], *, user=None) -> list[Curation]:
    """Apply many merges in bulk (the matcher joins thousands at once): one Curation per plan.

    A plan's matches may be new rows or existing suggestions; either way they end up accepted
    and tied to the plan's Curation. Call inside a transaction.
    """
    plans = [plan for plan in plans if plan.others]
    if not plans:
        return []
    now = timezone.now()
    others = [game_id for plan in plans for game_id in plan.others]
    snapshots = _snapshots(others)
    moved: dict[int, list[tuple[int, int, str]]] = defaultdict(list)  # game → releases
    for chunk in chunks(others):
        for release_id, game_id, platform_id, external_id in Release.objects.filter(
            game_id__in=chunk
        ).values_list("id", "game_id", "platform_id", "external_id"):
            moved[game_id].append((release_id, platform_id, external_id))
    children: dict[int, list[int]] = defaultdict(list)  # merged game → its DLC games
    for chunk in chunks(others):
        for child_id, parent_id in Game.objects.filter(parent_id__in=chunk).values_list(
            "id", "parent_id"
        ):
            children[parent_id].append(child_id)

    curations = Curation.objects.bulk_create(
        [
            Curation(
                kind=Curation.Kind.MERGE,
                game_id=plan.target,
                summary=_merge_summary(plan, snapshots)[:500],
                data={
                    "target": plan.target,
                    "games": [
                        snapshots[game_id] for game_id in plan.others if game_id in snapshots
                    ],
                    "releases": {
                        str(release_id): game_id
                        for game_id in plan.others
                        for release_id, _, _ in moved.get(game_id, [])
                    },
                    "children": {
                        str(child): game_id
                        for game_id in plan.others
                        for child in children.get(game_id, [])
                    },
                },
                created_by=user,
            )
            for plan in plans
        ],
        batch_size=BULK_BATCH_SIZE,
    )
    # Releases move by upsert on their unique store key: one statement per batch instead of
    # one UPDATE per merge.
    Release.objects.bulk_create(
        [
            Release(platform_id=platform_id, external_id=external_id, game_id=plan.target)
            for plan in plans
            for game_id in plan.others
            for _, platform_id, external_id in moved.get(game_id, [])
        ],
        update_conflicts=True,
        unique_fields=["platform", "external_id"],
        update_fields=["game"],
        batch_size=BULK_BATCH_SIZE,
    )
    for plan in plans:
        dlcs = [child for game_id in plan.others for child in children.get(game_id, [])]
        if dlcs:
            Game.objects.filter(pk__in=dlcs).update(parent_id=plan.target)
    _copy_tags(plans, snapshots)
    for chunk in chunks(others):
        Game.objects.filter(pk__in=chunk).delete()

    new_matches: list[Match] = []
    accepted: list[Match] = []
    for plan, curation in zip(plans, curations, strict=True):
        for match in plan.matches:
            match.curation = curation
            match.status = Match.Status.ACCEPTED
            if match.decided_at is None:
                match.decided_at = now
            (accepted if match.pk else new_matches).append(match)
    Match.objects.bulk_create(new_matches, batch_size=BULK_BATCH_SIZE)
    if accepted:
        Match.objects.bulk_update(
            accepted,
            ["status", "curation", "decided_by", "decided_at", "method", "confidence", "evidence"],
            batch_size=BULK_BATCH_SIZE,
        )
    return curations


def _merge_summary(plan: PlannedMerge, snapshots: dict[int, dict[str, Any]]) -> str:
    titles = [str(snapshots[g]["title"]) for g in plan.others if g in snapshots]
    return f"merged {', '.join(titles)} into game {plan.target}"


# --- accept and reject suggestions -------------------------------------------------------------


@transaction.atomic
def accept_match(match: Match, *, user=None) -> Game:
    """Accept a suggested match: its two releases' games become one (undoable)."""
    match = Match.objects.select_for_update().get(pk=match.pk)
    if match.status != Match.Status.SUGGESTED:
        raise CurationError(f"This match is {match.status}, not a suggestion to accept.")
    games = dict(
        Release.objects.filter(pk__in=[match.release_id, match.matched_release_id]).values_list(
            "pk", "game_id"
        )
    )
    first, second = games[match.release_id], games[match.matched_release_id]
    match.decided_by = user
    match.decided_at = timezone.now()
    match.verified = True
    if first == second:
        match.status = Match.Status.ACCEPTED
        match.save(update_fields=["status", "decided_by", "decided_at", "verified"])
        return Game.objects.get(pk=first)
    target, other = sorted((first, second))
    merge_many([PlannedMerge(target, [other], [match])], user=user)
    Match.objects.filter(pk=match.pk).update(verified=True)
    return Game.objects.get(pk=target)


@transaction.atomic
def reject_match(match: Match, *, user=None) -> Match:
    """Reject a suggestion for good: the matcher never suggests or joins this pair again."""
    match = Match.objects.select_for_update().get(pk=match.pk)
    if match.status != Match.Status.SUGGESTED:
        raise CurationError(f"This match is {match.status}, not a suggestion to reject.")
    match.status = Match.Status.REJECTED
    match.decided_by = user
    match.decided_at = timezone.now()
    match.save(update_fields=["status", "decided_by", "decided_at"])
    return match


# --- split --------------------------------------------------------------------------------


@transaction.atomic
def split_release(release: Release, *, user=None) -> Game:
    """Give RELEASE a game of its own again. The matches that tied it to its game go away and
    each pair with the game's other releases is rejected, so no later run rejoins them;
    undoable with ``undo``."""
    release = Release.objects.select_related("game", "platform").get(pk=release.pk)
    siblings = list(
        release.game.releases.exclude(pk=release.pk).order_by("pk").values_list("pk", flat=True)
    )
    if not siblings:
        raise CurationError(
            f"{release} is the only release of {release.game}; there is nothing to split."
        )
    source = release.game
    new_game = Game.objects.create(
        title=release.store_name or source.title,
        game_type=source.game_type,
        metadata_status=Game.MetadataStatus.PENDING,
    )
    release.game = new_game
    release.save(update_fields=["game"])
    tying = Match.objects.filter(Q(release=release) | Q(matched_release=release))
    forgotten = [_match_fields(match) for match in tying]
    tying.delete()
    now = timezone.now()
    who = getattr(user, "username", "") or "a curator"
    rejected = Match.objects.bulk_create(
        [
            Match(
                release_id=min(release.pk, sibling),
                matched_release_id=max(release.pk, sibling),
                method=Match.Method.MANUAL,
                confidence=1.0,
                verified=True,
                status=Match.Status.REJECTED,
                evidence=f"split off by {who}: not the same game",
                created_by=user,
                decided_by=user,
                decided_at=now,
            )
            for sibling in siblings
        ]
    )
    Curation.objects.create(
        kind=Curation.Kind.SPLIT,
        game=new_game,
        summary=f"split {release} off {source.title}"[:500],
        data={
            "release": release.pk,
            "from_game": source.pk,
            "new_game": new_game.pk,
            "matches": forgotten,
            "rejected": [match.pk for match in rejected],
        },
        created_by=user,
    )
    return new_game


# --- undo ---------------------------------------------------------------------------------


@transaction.atomic
def undo(curation: Curation, *, user=None) -> Curation:
    """Undo a merge (each release gets its own game back, as it was) or a split (the release
    rejoins the game it was split from)."""
    curation = Curation.objects.select_for_update().get(pk=curation.pk)
    if curation.undone_at is not None:
        raise CurationError("This change has already been undone.")
    if curation.kind == Curation.Kind.MERGE:
        _undo_merge(curation, user)
    else:
        _undo_split(curation, user)
    curation.undone_at = timezone.now()
    curation.undone_by = user
    curation.save(update_fields=["undone_at", "undone_by"])
    return curation


def _undo_merge(curation: Curation, user) -> None:
    data = curation.data
    target = int(data["target"])
    releases = {int(release): int(game) for release, game in data["releases"].items()}
    current = dict(Release.objects.filter(pk__in=list(releases)).values_list("pk", "game_id"))
    strayed = [pk for pk in releases if current.get(pk, target) != target]
    if strayed:
        raise CurationError(
            "A release of this merge has moved to another game since; undo that change first."
        )
    taken = set(
        Game.objects.filter(pk__in=[int(s["id"]) for s in data["games"]]).values_list(
            "pk", flat=True
        )
    )
    if taken:
        raise CurationError("The merged games exist again; there is nothing to undo.")
    games = [_game_from_snapshot(snapshot) for snapshot in data["games"]]
    Game.objects.bulk_create(games)
    Through = Game.genres.through
    Game.genres.through.objects.bulk_create(
        [
            Through(game_id=int(snapshot["id"]), genre_id=genre)
            for snapshot in data["games"]
            for genre in snapshot.get("_genres", [])
        ],
        ignore_conflicts=True,
    )
    CategoryThrough = Game.categories.through
    CategoryThrough.objects.bulk_create(
        [
            CategoryThrough(game_id=int(snapshot["id"]), category_id=category)
            for snapshot in data["games"]
            for category in snapshot.get("_categories", [])
        ],
        ignore_conflicts=True,
    )
    by_game: dict[int, list[int]] = defaultdict(list)
    for release, game in releases.items():
        by_game[game].append(release)
    for game, members in by_game.items():
        Release.objects.filter(pk__in=members).update(game_id=game)
    by_parent: dict[int, list[int]] = defaultdict(list)
    for child, parent in data.get("children", {}).items():
        by_parent[int(parent)].append(int(child))
    for parent, members in by_parent.items():
        Game.objects.filter(pk__in=members, parent_id=target).update(parent_id=parent)
    curation.matches.update(status=Match.Status.UNDONE, decided_by=user, decided_at=timezone.now())


def _undo_split(curation: Curation, user) -> None:
    data = curation.data
    release = Release.objects.filter(pk=data["release"]).first()
    source = Game.objects.filter(pk=data["from_game"]).first()
    if release is None or source is None:
        raise CurationError("The release or the game it was split from no longer exists.")
    if release.game_id != data["new_game"]:
        raise CurationError(
            "The release has moved to another game since the split; undo that change first."
        )
    new_game_id = release.game_id
    release.game = source
    release.save(update_fields=["game"])
    if not Release.objects.filter(game_id=new_game_id).exists():
        Game.objects.filter(pk=new_game_id).delete()
    Match.objects.filter(pk__in=data["rejected"]).delete()
    Match.objects.bulk_create(
        [Match(**fields) for fields in data["matches"]], ignore_conflicts=True
    )


# --- snapshots ----------------------------------------------------------------------------


def _snapshots(game_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each game's columns as JSON-safe values, with its genre and category ids."""
    columns = [f.attname for f in Game._meta.concrete_fields]
    snapshots: dict[int, dict[str, Any]] = {}
    for chunk in chunks(game_ids):
        for row in Game.objects.filter(pk__in=chunk).values(*columns):
            snapshots[row["id"]] = {key: _json_safe(value) for key, value in row.items()}
    for name, column in (("_genres", "genre_id"), ("_categories", "category_id")):
        through = getattr(Game, name[1:]).through
        for chunk in chunks(game_ids):
            for game_id, tag_id in through.objects.filter(game_id__in=chunk).values_list(
                "game_id", column
            ):
                snapshots[game_id].setdefault(name, []).append(tag_id)
    return snapshots


def _copy_tags(plans: Sequence[PlannedMerge], snapshots: dict[int, dict[str, Any]]) -> None:
    """The target keeps the genres and categories of the games merged into it."""
    for name, column in (("_genres", "genre_id"), ("_categories", "category_id")):
        through = getattr(Game, name[1:]).through
        rows = [
            through(game_id=plan.target, **{column: tag})
            for plan in plans
            for game_id in plan.others
            for tag in snapshots.get(game_id, {}).get(name, [])
        ]
        if rows:
            through.objects.bulk_create(rows, ignore_conflicts=True, batch_size=BULK_BATCH_SIZE)


def _json_safe(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _game_from_snapshot(snapshot: dict[str, Any]) -> Game:
    values = {}
    for model_field in Game._meta.concrete_fields:
        if model_field.attname in snapshot:
            value = snapshot[model_field.attname]
            if isinstance(value, str) and isinstance(model_field, models.DateField):
                value = model_field.to_python(value)  # DateTimeField is a DateField too
            values[model_field.attname] = value
    return Game(**values)


def _match_fields(match: Match) -> dict[str, Any]:
    fields = {
        f.attname: _json_safe(getattr(match, f.attname))
        for f in Match._meta.concrete_fields
        if f.attname != "id"
    }
    return fields
