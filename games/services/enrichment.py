"""Metadata beyond the stores: IGDB (art, summary, genres, age ratings, developers, time to beat,
and its own game id for cross-store matching) and HowLongToBeat (time to beat), for the releases
of a library that do not have them yet.

It runs after a library's sync, as its own Celery task (games.tasks.enrich_metadata), so a slow
or failing metadata source never holds up or fails the store sync. Work goes a batch at a time,
each batch committed with what it learnt: the releases still lacking a source's row *are* the
position, so a killed or parked task resumes where it stopped. A release a source does not know
gets an "unavailable" row and is asked again only once it is stale (METADATA_STALE_DAYS).

Each source's answer is its own SourceMetadata row; the games' columns are then resolved by
METADATA_SOURCE_PRIORITY, field by field, with the user's edits kept (catalogue.resolve_metadata).
A failing source leaves every other source's rows, and the games, as they were.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from games.models import Release, SourceMetadata
from games.services.catalogue import keep_source_metadata, resolve_metadata, stale_before
from games.titles import normalize_title
from platforms.errors import PlatformError, RateLimited
from platforms.metadata.hltb import client as hltb
from platforms.metadata.igdb import client as igdb
from platforms.records import GameDetails

logger = logging.getLogger(__name__)

IGDB, HLTB = "igdb", "hltb"
LAST_ERROR_KEY = "metadata:last_error:{source}"


@dataclass(frozen=True)
class _Item:
    release_id: int
    game_id: int
    store: str
    external_id: str
    title: str
    year: int | None


@dataclass
class EnrichResult:
    looked_up: int = 0
    found: dict[str, int] = field(default_factory=lambda: {IGDB: 0, HLTB: 0})
    finished: bool = True
    retry_at: datetime | None = None
    errors: list[str] = field(default_factory=list)


def sources_configured() -> list[str]:
    return [s for s, on in ((IGDB, igdb.configured()), (HLTB, hltb.configured())) if on]


def _lacking(source: str) -> Q:
    fresh = SourceMetadata.objects.filter(
        release_id=OuterRef("pk"), source=source, fetched_at__gte=stale_before()
    )
    return ~Q(Exists(fresh))


def pending_releases(library_id: int | None, sources: Sequence[str]) -> QuerySet[Release]:
    """Releases (of the library, or of every library) lacking a fresh row of any of SOURCES."""
    releases = Release.objects.filter(ownerships__removed_at__isnull=True)
    if library_id is not None:
        releases = releases.filter(ownerships__library_id=library_id)
    lacking = Q()
    for source in sources:
        lacking |= _lacking(source)
    return releases.filter(lacking).distinct().order_by("id")


def enrich_library(library_id: int | None, *, deadline: float | None = None) -> EnrichResult:
    """Look up the library's releases (every library's with None) in each configured source,
    until done, DEADLINE (a time.monotonic() reading) passes, or a source stops answering."""
    result = EnrichResult()
    sources = sources_configured()
    if not sources:
        return result
    pending = pending_releases(library_id, sources)
    cursor = 0
    igdb_client = igdb.build_client() if IGDB in sources else None
    hltb_client = hltb.build_client() if HLTB in sources else None
    try:
        while batch := _batch(pending.filter(id__gt=cursor)):
            if deadline is not None and time.monotonic() > deadline:
                result.finished = False
                break
            cursor = batch[-1].release_id
            wanted = _wanted(batch, sources)
            igdb_found: dict[int, igdb.IgdbGame | None] = {}
            if igdb_client is not None and wanted[IGDB]:
                try:
                    igdb_found = lookup_igdb(igdb_client, wanted[IGDB])
                except PlatformError as exc:
                    _failed(IGDB, exc, result)
                    igdb_client = None  # the rest waits for the next run; HLTB may go on
            hltb_found: dict[int, hltb.HltbEntry | None] = {}
            if hltb_client is not None and wanted[HLTB]:
                try:
                    hltb_found = lookup_hltb(hltb_client, wanted[HLTB])
                except PlatformError as exc:
                    _failed(HLTB, exc, result)
                    hltb_client = None
            if not igdb_found and not hltb_found:
                if igdb_client is None and hltb_client is None:
                    result.finished = False
                    break
                continue
            _keep(batch, igdb_found, hltb_found, result)
    finally:
        for client in (igdb_client, hltb_client):
            if client is not None:
                client.close()
    logger.info(
        "Metadata for library %s: %d releases looked up, %d found on IGDB, %d on HowLongToBeat%s",
        library_id if library_id is not None else "(all)",
        result.looked_up,
        result.found[IGDB],
        result.found[HLTB],
        "" if result.finished else "; not finished",
    )
    return result


def _batch(pending: QuerySet[Release]) -> list[_Item]:
    rows = pending.values_list(
        "id", "game_id", "platform__code", "external_id", "game__title", "game__release_date"
    )[: settings.METADATA_BATCH_SIZE]
    return [
        _Item(rid, gid, code, ext, title, released.year if released else None)
        for rid, gid, code, ext, title, released in rows
    ]


def _wanted(batch: list[_Item], sources: Sequence[str]) -> dict[str, list[_Item]]:
    ids = [item.release_id for item in batch]
    fresh: dict[str, set[int]] = {source: set() for source in (IGDB, HLTB)}
    for release_id, source in SourceMetadata.objects.filter(
        release_id__in=ids, source__in=[IGDB, HLTB], fetched_at__gte=stale_before()
    ).values_list("release_id", "source"):
        fresh[source].add(release_id)
    return {
        source: [i for i in batch if i.release_id not in fresh[source]] if source in sources else []
        for source in (IGDB, HLTB)
    }


def _failed(source: str, exc: PlatformError, result: EnrichResult) -> None:
    logger.warning("%s lookups stopped: %s", source.upper(), exc.message)
    result.errors.append(exc.message)
    result.finished = False
    if isinstance(exc, RateLimited):
        result.retry_at = max(filter(None, (result.retry_at, exc.retry_at)), default=None)
    cache.set(
        LAST_ERROR_KEY.format(source=source),
        {"at": timezone.now().isoformat(), "message": exc.message},
        timeout=30 * 86_400,
    )


# --- IGDB ---------------------------------------------------------------------------------------


def lookup_igdb(client: igdb.IgdbClient, items: Sequence[_Item]) -> dict[int, igdb.IgdbGame | None]:
    """{release id: its IGDB game, None when IGDB does not know it}: by the store's id through
    IGDB's external games first, then by title (and year, when both know it)."""
    by_store: dict[str, list[_Item]] = {}
    for item in items:
        by_store.setdefault(item.store, []).append(item)
    game_of: dict[int, int] = {}
    for store, group in by_store.items():
        ids = client.ids_by_store(store, [item.external_id for item in group])
        for item in group:
            if item.external_id in ids:
                game_of[item.release_id] = ids[item.external_id]
    games = client.games(game_of.values())
    found: dict[int, igdb.IgdbGame | None] = {
        release_id: games.get(game_id) for release_id, game_id in game_of.items()
    }
    for item in items:
        if found.get(item.release_id) is None:
            found[item.release_id] = _best_title_match(
                item, client.search(_search_text(item.title))
            )
    times = client.times_to_beat(game.igdb_id for game in found.values() if game is not None)
    return {
        release_id: igdb.with_time_to_beat(game, times.get(game.igdb_id)) if game else None
        for release_id, game in found.items()
    }


def _search_text(title: str) -> str:
    """A title as a search box wants it: the trademark signs stores add are not in the name."""
    return " ".join(title.translate(_MARKS).split())


_MARKS = str.maketrans("", "", "™®©")


def _best_title_match(item: _Item, candidates: Sequence[igdb.IgdbGame]) -> igdb.IgdbGame | None:
    """The candidate whose normalised name equals the release's, the year deciding between
    several (and ruling one out when both years are known and differ by more than one)."""
    key = normalize_title(item.title)
    same = [c for c in candidates if key and normalize_title(c.name) == key]
    year = item.year
    if year is not None:
        same = [c for c in same if c.year is None or abs(c.year - year) <= 1]
        same.sort(key=lambda c: abs(c.year - year) if c.year is not None else 2)
    return same[0] if same else None


# --- HowLongToBeat ------------------------------------------------------------------------------


def lookup_hltb(
    client: hltb.HltbClient, items: Sequence[_Item]
) -> dict[int, hltb.HltbEntry | None]:
    found: dict[int, hltb.HltbEntry | None] = {}
    for item in items:
        key = normalize_title(item.title)
        found_entries = client.search(_search_text(item.title))
        same = [e for e in found_entries if key and normalize_title(e.name) == key]
        year = item.year
        if year is not None:
            same.sort(key=lambda e: abs(e.year - year) if e.year is not None else 2)
        found[item.release_id] = next((e for e in same if e.main or e.extras), None)
    return found


def _hltb_details(item: _Item, entry: hltb.HltbEntry) -> GameDetails:
    return GameDetails(
        external_id="",
        store_name=entry.name,
        type="",
        description="",
        about_html="",
        genres=[],
        categories=[],
        developers=[],
        publishers=[],
        release_date=None,
        release_date_text="",
        coming_soon=False,
        esrb_rating="",
        esrb_descriptors=[],
        pegi_rating="",
        required_age=0,
        content_descriptor_ids=[],
        content_descriptor_notes="",
        metacritic_score=None,
        metacritic_url="",
        header_image="",
        capsule_image="",
        library_image="",
        background_image="",
        screenshots=[],
        platforms=[],
        is_free=False,
        parent_external_id=None,
        website="",
        raw={},
        time_to_beat_main=entry.main,
        time_to_beat_extras=entry.extras,
        time_to_beat_completionist=entry.completionist,
    )


# --- writing ------------------------------------------------------------------------------------


def _keep(
    batch: list[_Item],
    igdb_found: dict[int, igdb.IgdbGame | None],
    hltb_found: dict[int, hltb.HltbEntry | None],
    result: EnrichResult,
) -> None:
    from games.services.matching import match_releases, store_external_ids

    items = {item.release_id: item for item in batch}
    releases = Release.objects.in_bulk(list(igdb_found.keys() | hltb_found.keys()))
    with transaction.atomic():
        games = keep_source_metadata(
            IGDB,
            [(releases[r], g.details) for r, g in igdb_found.items() if g and r in releases],
            [releases[r] for r, g in igdb_found.items() if g is None and r in releases],
        )
        games |= keep_source_metadata(
            HLTB,
            [
                (releases[r], _hltb_details(items[r], e))
                for r, e in hltb_found.items()
                if e and r in releases
            ],
            [releases[r] for r, e in hltb_found.items() if e is None and r in releases],
        )
        joined = store_external_ids(
            (r, IGDB, str(g.igdb_id)) for r, g in igdb_found.items() if g is not None
        )
        resolve_metadata(games)
    result.looked_up += len(releases)
    result.found[IGDB] += sum(1 for g in igdb_found.values() if g)
    result.found[HLTB] += sum(1 for e in hltb_found.values() if e)
    if joined:
        # A shared IGDB id joins the same game's releases on different stores. The metadata
        # is committed already; a matching failure is logged and the CLI can re-match.
        try:
            match_releases(joined)
        except Exception:
            logger.exception("Matching %d releases after IGDB lookups failed", len(joined))


# --- what the settings page shows ---------------------------------------------------------------


@dataclass(frozen=True)
class SourceProgress:
    source: str
    configured: bool
    releases: int
    found: int
    not_found: int
    last_error: str
    last_error_at: str

    @property
    def pending(self) -> int:
        return max(0, self.releases - self.found - self.not_found) if self.configured else 0


def metadata_progress() -> list[SourceProgress]:
    """Per metadata source: how many owned releases it has described, not known, or not yet
    looked at, and the last failure (kept 30 days)."""
    owned = Release.objects.filter(ownerships__removed_at__isnull=True).distinct()
    total = owned.count()
    configured = set(sources_configured())
    progress = []
    for source in (IGDB, HLTB):
        rows = SourceMetadata.objects.filter(source=source, release__in=owned)
        found = rows.filter(status=SourceMetadata.Status.FETCHED).count()
        not_found = rows.filter(status=SourceMetadata.Status.UNAVAILABLE).count()
        error = cache.get(LAST_ERROR_KEY.format(source=source)) or {}
        progress.append(
            SourceProgress(
                source=source,
                configured=source in configured,
                releases=total,
                found=found,
                not_found=not_found,
                last_error=str(error.get("message", "")),
                last_error_at=str(error.get("at", "")),
            )
        )
    return progress


def enqueue_enrichment(library_id: int) -> None:
    """Send the metadata task for a library once its sync committed; nothing when no metadata
    source is configured. A lost message only delays it to the next sync."""
    if not sources_configured():
        return
    from games.tasks import enrich_metadata

    try:
        enrich_metadata.apply_async((library_id,))
    except Exception:
        logger.warning(
            "Could not enqueue metadata lookups of library %s", library_id, exc_info=True
        )
