"""Curation: merging games that are really one, splitting a release off again, and undoing both.

Every merge — a curator's, or the matcher's automatic join — is a ``Curation`` row holding what
undoing it needs: the games it removed (their columns, genres and categories, so undo brings them
back with their own ids), where each moved release and re-parented DLC was before, and the
``Match`` rows that explain it. A split is recorded the same way and leaves the pairs it took
apart *rejected*, so the matcher never joins them again; undoing the split rejoins them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from games.models import Curation, Game, Match, Release
from games.services import ServiceError
from games.services.catalogue import BULK_BATCH_SIZE, where_in
from games.services.rollups import refresh_game_rollups
from libraries.services import bulk


class CurationError(ServiceError):
    """A merge, split or undo that cannot be done; the message says why."""


@dataclass
class PlannedMerge:
    """Games to fold into ``target`` and the matches that explain why (unsaved, or existing
    suggestions to accept)."""

    target: int
    others: list[int]
    matches: list[Match | MatchRow] = field(default_factory=list)


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
    matches: list[Match | MatchRow] = [
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


def merge_many(plans: Sequence[PlannedMerge], *, user=None) -> list[int]:
    """Apply many merges in bulk (the matcher joins thousands at once): one Curation per plan,
    whose ids are returned.

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
    for release_id, game_id, platform_id, external_id in _rows_where_in(
        Release, ("id", "game_id", "platform_id", "external_id"), "game_id", others
    ):
        moved[game_id].append((release_id, platform_id, external_id))
    children: dict[int, list[int]] = defaultdict(list)  # merged game → its DLC games
    for child_id, parent_id in _rows_where_in(Game, ("id", "parent_id"), "parent_id", others):
        children[parent_id].append(child_id)

    # Thousands of merges at once (a first re-match): rows go through the engine's bulk insert
    # path, releases move with one executemany, and the emptied games are deleted directly
    # (their releases, DLC and tags were moved or copied above; nothing else points at a game).
    curation_ids = bulk.reserve_ids(Curation, len(plans))
    bulk.insert_rows(
        Curation,
        ["id", "game_id", "summary", "data"],
        (
            (
                curation_id,
                plan.target,
                _merge_summary(plan, snapshots)[:500],
                {
                    "target": plan.target,
                    "games": [snapshots[g] for g in plan.others if g in snapshots],
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
            )
            for curation_id, plan in zip(curation_ids, plans, strict=True)
        ),
        shared={
            "kind": Curation.Kind.MERGE,
            "created_by_id": getattr(user, "pk", None),
            "created_at": now,
            "undone_at": None,
            "undone_by_id": None,
        },
    )
    _move_releases(
        [
            (release_id, plan.target)
            for plan in plans
            for game_id in plan.others
            for release_id, _, _ in moved.get(game_id, [])
        ]
    )
    for plan in plans:
        dlcs = [child for game_id in plan.others for child in children.get(game_id, [])]
        if dlcs:
            Game.objects.filter(pk__in=dlcs).update(parent_id=plan.target)
    _copy_tags(plans, snapshots)
    # The merged games' copies now count as one game, with one total, for every owner.
    refresh_game_rollups(game_ids=[plan.target for plan in plans])
    with connection.cursor() as cursor:
        for condition, params in where_in("game_id", others):
            cursor.execute(
                f"UPDATE {Curation._meta.db_table} SET game_id = NULL WHERE {condition}", params
            )
            for table in (Game.genres.through, Game.categories.through):
                cursor.execute(f"DELETE FROM {table._meta.db_table} WHERE {condition}", params)
        for condition, params in where_in("id", others):
            cursor.execute(f"DELETE FROM {Game._meta.db_table} WHERE {condition}", params)

    new_matches: list[MatchRow] = []
    accepted: list[Match] = []
    for plan, curation_id in zip(plans, curation_ids, strict=True):
        for match in plan.matches:
            if isinstance(match, MatchRow):
                new_matches.append(
                    match._replace(
                        curation_id=curation_id,
                        status=Match.Status.ACCEPTED,
                        decided_at=match.decided_at or now,
                    )
                )
                continue
            match.curation_id = curation_id
            match.status = Match.Status.ACCEPTED
            if match.decided_at is None:
                match.decided_at = now
            if match.pk:
                accepted.append(match)
            else:
                new_matches.append(MatchRow.of(match))
    insert_matches(new_matches, now)
    if accepted:
        Match.objects.bulk_update(
            accepted,
            ["status", "curation", "decided_by", "decided_at", "method", "confidence", "evidence"],
            batch_size=BULK_BATCH_SIZE,
        )
    return curation_ids


class MatchRow(NamedTuple):
    """A new match row, without a model instance (the matcher writes tens of thousands)."""

    release_id: int
    matched_release_id: int
    method: str
    confidence: float
    evidence: str
    status: str = Match.Status.SUGGESTED
    verified: bool = False
    created_by_id: int | None = None
    decided_by_id: int | None = None
    decided_at: dt.datetime | None = None
    curation_id: int | None = None

    @classmethod
    def of(cls, match: Match) -> MatchRow:
        return cls(*(getattr(match, name) for name in cls._fields))


def insert_matches(rows: Sequence[MatchRow], now: dt.datetime) -> None:
    """INSERT new match rows through the bulk path (pairs the caller knows are not stored)."""
    bulk.insert_rows(Match, MatchRow._fields, rows, shared={"created_at": now})


def _move_releases(moves: list[tuple[int, int]]) -> None:
    """Point each (release id, game id) release at its game: one UPDATE … FROM unnest(arrays)
    on PostgreSQL, an executemany on SQLite (where each statement costs microseconds)."""
    table = Release._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(
                f"UPDATE {table} SET game_id = %s WHERE id = %s",
                [(game, release) for release, game in moves],
            )
            return
        cursor.execute(
            f"UPDATE {table} AS r SET game_id = v.game "
            "FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, game) WHERE r.id = v.id",
            [[release for release, _ in moves], [game for _, game in moves]],
        )


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
    refresh_game_rollups(game_ids=[source.pk, new_game.pk])
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
    refresh_game_rollups(game_ids=[target, *by_game])
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
    refresh_game_rollups(game_ids=[source.pk, new_game_id])
    if not Release.objects.filter(game_id=new_game_id).exists():
        Game.objects.filter(pk=new_game_id).delete()
    Match.objects.filter(pk__in=data["rejected"]).delete()
    Match.objects.bulk_create(
        [Match(**fields) for fields in data["matches"]], ignore_conflicts=True
    )


# --- snapshots ----------------------------------------------------------------------------


_EMPTY_JSON: dict[str, Any] = {"[]": [], "{}": {}, '""': ""}


def _rows_where_in(
    model: type[models.Model], columns: Sequence[str], column: str, values: Sequence[int]
) -> Iterator[tuple[Any, ...]]:
    """COLUMNS of MODEL's rows whose COLUMN is one of VALUES, through a plain cursor: with
    thousands of ids, Django preparing each value of an ``__in`` lookup cost more than the
    query (plain integer columns only, which need no converters)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        for condition, params in where_in(column, values):
            cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE {condition}", params)
            yield from cursor.fetchall()


def _snapshots(game_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each game's columns as JSON-safe values, with its genre and category ids.

    Read with a plain cursor: Django's per-value converters cost more than the rest of a
    thousands-of-games merge.
    """
    fields = list(Game._meta.concrete_fields)
    json_columns = {f.attname for f in fields if isinstance(f, models.JSONField)}
    date_columns = {f.attname for f in fields if isinstance(f, models.DateField)}
    names = [f.attname for f in fields]
    select = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    snapshots: dict[int, dict[str, Any]] = {}
    with connection.cursor() as cursor:
        for condition, params in where_in("id", game_ids):
            cursor.execute(f"SELECT {select} FROM {Game._meta.db_table} WHERE {condition}", params)
            for row in cursor.fetchall():
                snapshot = {}
                for name, value in zip(names, row, strict=True):
                    if name in json_columns and isinstance(value, str):
                        value = _EMPTY_JSON[value] if value in _EMPTY_JSON else json.loads(value)
                    snapshot[name] = _json_safe(value) if name in date_columns else value
                snapshots[snapshot["id"]] = snapshot
        for name, column in (("_genres", "genre_id"), ("_categories", "category_id")):
            table = getattr(Game, name[1:]).through._meta.db_table
            for condition, params in where_in("game_id", game_ids):
                cursor.execute(f"SELECT game_id, {column} FROM {table} WHERE {condition}", params)
                for game_id, tag_id in cursor.fetchall():
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


# --- undoing one decision -----------------------------------------------------------------------


@transaction.atomic
def undo_decision(match: Match, *, user=None) -> Match:
    """Take back the decision on MATCH: an accepted match's merge is undone (with every match it
    applied); a rejected suggestion is open again."""
    match = Match.objects.select_for_update().get(pk=match.pk)
    if match.status == Match.Status.ACCEPTED:
        if match.curation_id is None:
            raise CurationError("This match was not made by a recorded merge; split it instead.")
        undo(Curation.objects.get(pk=match.curation_id), user=user)
    elif match.status == Match.Status.REJECTED:
        if match.method == Match.Method.MANUAL:
            raise CurationError("This pair was split apart by hand; undo that split instead.")
        match.status = Match.Status.SUGGESTED
        match.decided_by = None
        match.decided_at = None
        match.save(update_fields=["status", "decided_by", "decided_at"])
    else:
        raise CurationError(f"This match is {match.status}; there is no decision to undo.")
    match.refresh_from_db()
    return match
