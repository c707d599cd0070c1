"""Phase 3: achievements — the player's unlocks, and the schema with global percentages where
they matter, for releases with stats that are new, were played since the last successful
achievements pass, or failed to read in an earlier pass (all of them with ``force``).

Web API calls are the sync's scarce resource (Steam allows 100,000 a day per key), so they go
where they can change something: a game never played (no playtime) has no unlocks to read and
is skipped until it is played; a game's achievements are named only once the player has
unlocked something in it, or on a forced sync. When the store's answer about the player already
names and describes them (Steam with ``l=english``; its description is "" exactly for hidden
achievements), that answer plus the global percentages (one call) make the rows, and the schema
(icons, the hidden flags for certain: another two calls) waits: the release is marked
``achievement_schema_pending`` and the next pass reads it, whether or not the game was played.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When

from games.models import Achievement, Release, UnlockedAchievement
from games.services.catalogue import BULK_BATCH_SIZE, clean_url
from libraries.models import LibraryGame, SyncRun
from libraries.services.phases import Job, PhaseSteps, Track, drain, is_item_error
from platforms.contract import PercentagesClient
from platforms.errors import PlatformError
from platforms.records import AchievementDefinition, PlayerAchievements

logger = logging.getLogger(__name__)
Phase = SyncRun.Phase
Status = SyncRun.Status

ACHIEVEMENTS_BATCH_SIZE = 5  # each game costs one Web API request, three with its schema


def _achievements_queryset(job: Job) -> QuerySet[LibraryGame]:
    """The entries to visit, each annotated ``needs_read`` (its unlocks are to be read; when
    False, only its release's deferred schema is)."""
    entries = LibraryGame.objects.filter(
        library=job.library,
        removed_at__isnull=True,
        release__has_stats=True,
        release__platform__code=job.spec.release_store,
    )
    if job.run.force:
        return entries.annotate(needs_read=Value(True)).order_by("release_id")
    # About a quarter of a typical library was never launched. Once it is played, its
    # last_played_at moves past the last pass and the next pass reads it. A store that dates a
    # play without timing it (a PlayStation trophy list, an Xbox history) still counts as played.
    read = Q(playtime_minutes__gt=0) | Q(last_played_at__isnull=False)
    previous = _last_achievements_pass(job)
    if previous is not None:
        # Unlocks only change when a game is played, so a game is read again only if it was
        # played after the last pass began; entries that pass did not see are read too, and so
        # are those whose read failed (a pass with a few errors still succeeds).
        started, finished = previous
        read &= (
            Q(last_played_at__gte=started) | Q(added_at__gt=finished) | Q(achievements_pending=True)
        )
    # Schemas an earlier pass deferred are read now. (This pass's own deferrals lie behind its
    # cursor, so they wait for the next one.)
    due = Q(release__achievement_schema_pending=True)
    return (
        entries.filter(read | due)
        .annotate(
            needs_read=Case(When(read, then=Value(True)), default=Value(False)),
        )
        .order_by("release_id")
    )


def _last_achievements_pass(job: Job) -> tuple[datetime, datetime] | None:
    """Start and end of the last successful run that read achievements, if any."""
    previous = (
        SyncRun.objects.filter(library=job.library, status=Status.SUCCEEDED)
        .exclude(pk=job.run.pk)
        .values_list("started_at", "finished_at", "phases")[:20]
    )
    for started_at, finished_at, phases in previous:
        if Phase.ACHIEVEMENTS in (phases or ()) and started_at and finished_at:
            return started_at, finished_at
    return None


@dataclass
class _AchievementResult:
    release_id: int
    definitions: list[AchievementDefinition] | None  # None: the stored schema is still good
    player: PlayerAchievements | None  # None: the unlocks were not read (failed, or not due)
    failed: bool = False  # the read failed; the entry stays pending for the next pass
    named: bool = False  # definitions from the player's answer: the schema is still to come


def phase_achievements(job: Job) -> None:
    drain(achievements_steps(job, Track(job, Phase.ACHIEVEMENTS)))


def achievements_steps(job: Job, track: Track) -> PhaseSteps:
    """The phase, yielding before each game's Web API requests (see phases.PhaseSteps)."""
    entries = _achievements_queryset(job)
    cursor, done = track.start(entries, "release_id")
    has_schema = Exists(Achievement.objects.filter(release_id=OuterRef("release_id")))
    while batch := list(
        entries.filter(release_id__gt=cursor)
        .annotate(has_schema=has_schema)
        .values_list(
            "release_id",
            "release__external_id",
            "has_schema",
            "needs_read",
            "release__achievement_schema_pending",
        )[:ACHIEVEMENTS_BATCH_SIZE]
    ):
        job.check_deadline()
        results: list[_AchievementResult] = []
        hidden = False
        try:
            for release_id, external_id, stored, needs_read, schema_due in batch:
                yield
                result = _fetch_achievements(
                    job, release_id, external_id, stored, needs_read, schema_due
                )
                if result is not None and result.player and result.player.status == "private":
                    hidden = True
                    break
                results.append(result or _AchievementResult(release_id, None, None, failed=True))
                track.tick(done + len(results))
        finally:
            if results:
                with transaction.atomic():
                    _store_achievements(job, results)
                    cursor, done = results[-1].release_id, done + len(results)
                    track.save(done, cursor)
        if hidden:
            # A profile-wide setting: every further request would say the same. A state to
            # show on a successful run, not an error.
            track.end(
                error_code="achievements_private",
                error_message=f"{job.spec.name} keeps this profile's achievements private, so "
                "they were not read. Make the profile's game details public in "
                f"{job.spec.name}'s privacy settings to see them.",
            )
            return
    track.end()


def _fetch_achievements(
    job: Job,
    release_id: int,
    external_id: str,
    has_schema: bool,
    needs_read: bool,
    schema_due: bool,
) -> _AchievementResult | None:
    client = job.client
    try:
        if not needs_read:  # only the schema an earlier pass deferred
            return _AchievementResult(release_id, client.get_achievement_schema(external_id), None)
        definitions = None
        named = False
        player = client.get_player_achievements(job.library.user_identifier, external_id)
        if player.status == "ok":
            unlocked = [a for a in player.achievements if a.unlocked]
            if job.run.force or schema_due:
                definitions = client.get_achievement_schema(external_id)
            elif unlocked:
                known: set[str] = set()
                if has_schema:
                    known = set(
                        Achievement.objects.filter(release_id=release_id).values_list(
                            "api_name", flat=True
                        )
                    )
                # No schema yet, or the game grew achievements the stored one lacks.
                if any(a.api_name not in known for a in unlocked):
                    if (
                        not has_schema
                        and _described(player)
                        and isinstance(client, PercentagesClient)
                    ):
                        percentages = client.get_global_percentages(external_id)
                        definitions, named = _named_by_player(player, percentages), True
                    else:
                        definitions = client.get_achievement_schema(external_id)
        return _AchievementResult(release_id, definitions, player, named=named)
    except PlatformError as exc:
        if not is_item_error(exc):
            raise
        logger.warning("Achievements of app %s skipped: %s", external_id, exc.message)
        job.run.errors += 1
        return None


def _described(player: PlayerAchievements) -> bool:
    return bool(player.achievements) and all(
        a.display_name and a.description is not None for a in player.achievements
    )


def _named_by_player(
    player: PlayerAchievements, percentages: dict[str, float] | None
) -> list[AchievementDefinition]:
    return [
        AchievementDefinition(
            api_name=a.api_name,
            display_name=a.display_name,
            description=a.description or "",
            # Steam describes every achievement but the hidden ones; the schema confirms it.
            hidden=not a.description,
            icon_url="",
            icon_gray_url="",
            global_percent=None if percentages is None else percentages.get(a.api_name),
        )
        for a in player.achievements
    ]


def _store_achievements(job: Job, results: Sequence[_AchievementResult]) -> None:
    definitions = [
        Achievement(
            release_id=result.release_id,
            api_name=definition.api_name[:200],
            display_name=definition.display_name.strip()[:300] or definition.api_name[:300],
            description=definition.description,
            hidden=definition.hidden,
            icon_url=clean_url(definition.icon_url),
            icon_gray_url=clean_url(definition.icon_gray_url),
            global_percent=definition.global_percent,
        )
        for result in results
        if result.definitions
        for definition in result.definitions
    ]
    if definitions:
        Achievement.objects.bulk_create(
            definitions,
            update_conflicts=True,
            unique_fields=["release", "api_name"],
            update_fields=[
                "display_name",
                "description",
                "hidden",
                "icon_url",
                "icon_gray_url",
                "global_percent",
            ],
            batch_size=BULK_BATCH_SIZE,
        )
    named = [result.release_id for result in results if result.named]
    if named:
        Release.objects.filter(pk__in=named).update(achievement_schema_pending=True)
    from_schema = [r.release_id for r in results if r.definitions is not None and not r.named]
    if from_schema:
        Release.objects.filter(pk__in=from_schema, achievement_schema_pending=True).update(
            achievement_schema_pending=False
        )
    failed = [result.release_id for result in results if result.failed]
    read = [result.release_id for result in results if not result.failed]
    entries = LibraryGame.objects.filter(library=job.library)
    if failed:
        entries.filter(release_id__in=failed).update(achievements_pending=True)
    if read:
        entries.filter(release_id__in=read, achievements_pending=True).update(
            achievements_pending=False
        )
    readable = [result for result in results if result.player and result.player.status == "ok"]
    release_ids = [result.release_id for result in readable]
    ids = {
        (release_id, api_name): achievement_id
        for achievement_id, release_id, api_name in Achievement.objects.filter(
            release_id__in=release_ids
        ).values_list("id", "release_id", "api_name")
    }
    wanted = {
        ids[key]: unlock.unlocked_at
        for result in readable
        for unlock in result.player.achievements  # type: ignore[union-attr]
        if unlock.unlocked and (key := (result.release_id, unlock.api_name[:200])) in ids
    }
    existing = dict(
        UnlockedAchievement.objects.filter(
            library=job.library, achievement__release_id__in=release_ids
        ).values_list("achievement_id", "unlocked_at")
    )
    changed = [
        UnlockedAchievement(library=job.library, achievement_id=achievement_id, unlocked_at=when)
        for achievement_id, when in wanted.items()
        if achievement_id not in existing or existing[achievement_id] != when
    ]
    if changed:
        UnlockedAchievement.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["library", "achievement"],
            update_fields=["unlocked_at"],
            batch_size=BULK_BATCH_SIZE,
        )
    relocked = [achievement_id for achievement_id in existing if achievement_id not in wanted]
    if relocked:
        UnlockedAchievement.objects.filter(
            library=job.library, achievement_id__in=relocked
        ).delete()
    job.run.achievements_synced += len(readable)
