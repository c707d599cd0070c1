"""Catalogue writes: the games and releases every library points at, and what sources say of them.

Two rules live here. The same (store, store id) is always the same release, whichever library or
file brings it, so releases are looked up before they are created, under a lock that serialises
creators. And no source overwrites another: each source's metadata of a release is its own row
(SourceMetadata), and a game's columns are *resolved* from those rows by the source priority
setting, field by field, skipping the fields the user edited by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple, TypeVar

from django.conf import settings
from django.db import connection
from django.db.models import Model
from django.utils import timezone

from games.genres import canonical_genres
from games.models import Category, Game, Genre, Release, SourceMetadata
from games.ratings import ESRB_CHOICES, PEGI_CHOICES, normalize_esrb
from games.titles import normalize_title, sort_title
from libraries.services import bulk
from platforms.models import Platform
from platforms.records import GameDetails

# IN lists stay under SQLite's default limit of 999 parameters a statement.
IN_CHUNK = 900
BULK_BATCH_SIZE = 1000

_ESRB_VALUES = frozenset(value for value, _ in ESRB_CHOICES)
_PEGI_VALUES = frozenset(value for value, _ in PEGI_CHOICES)

T = TypeVar("T")


def chunks(items: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def where_in(column: str, ids: Sequence[int]) -> Iterator[tuple[str, list[Any]]]:
    """A raw SQL condition "COLUMN is one of IDS" with its parameters, as many as needed.

    PostgreSQL: one ``= ANY(%s)`` with the ids as one array parameter; a thousand-placeholder
    IN list made the driver split a long query for every statement, which cost more than the
    statements. SQLite: IN lists within its parameter limit.
    """
    if not ids:
        return
    if connection.vendor == "postgresql":
        yield f"{column} = ANY(%s)", [list(ids)]
        return
    for chunk in chunks(ids):
        yield f"{column} IN ({', '.join(['%s'] * len(chunk))})", list(chunk)


def clean_url(value: str | None) -> str:
    """A URL worth storing: http(s) and within the column's 500 characters, else ''."""
    if not value or len(value) > 500 or not value.startswith(("https://", "http://")):
        return ""
    return value


# --- releases -----------------------------------------------------------------------------------


class ReleaseRow(NamedTuple):
    release_id: int
    game_id: int
    icon_url: str
    has_stats: bool


class NewRelease(NamedTuple):
    external_id: str
    title: str
    icon_url: str = ""
    has_stats: bool = False
    is_dlc: bool = False


def existing_releases(platform: Platform, external_ids: Sequence[str]) -> dict[str, ReleaseRow]:
    wanted = set(external_ids)
    releases = Release.objects.filter(platform=platform)
    # Thousands of ids (a first import) cost more to send as IN lists than reading the
    # platform's releases once; a handful (a usual re-sync) is a short indexed lookup.
    queries = (
        [releases.filter(external_id__in=chunk) for chunk in chunks(list(wanted))]
        if len(wanted) <= IN_CHUNK
        else [releases]
    )
    found: dict[str, ReleaseRow] = {}
    for query in queries:
        for release_id, external_id, game_id, icon_url, has_stats in query.values_list(
            "id", "external_id", "game_id", "icon_url", "has_stats"
        ):
            if external_id in wanted:
                found[external_id] = ReleaseRow(release_id, game_id, icon_url, has_stats)
    return found


def releases_for(platform: Platform, specs: Sequence[NewRelease]) -> dict[str, ReleaseRow]:
    """The release of each spec on ``platform``, creating (with a game each) those not known."""
    known = existing_releases(platform, [spec.external_id for spec in specs])
    missing = [spec for spec in specs if spec.external_id not in known]
    if missing:
        known.update(create_releases(platform, missing))
    return known


def create_releases(platform: Platform, specs: Sequence[NewRelease]) -> dict[str, ReleaseRow]:
    """Create a Game and its Release for each spec whose release does not exist yet."""
    # Two libraries importing the same new release at once would each create it, and the second
    # insert would fail; locking the platform row serialises creators on PostgreSQL (SQLite's
    # IMMEDIATE transactions already do). Then look again: the other one may have made them.
    list(Platform.objects.select_for_update().filter(pk=platform.pk).values_list("pk"))
    found = existing_releases(platform, [spec.external_id for spec in specs])
    todo = [spec for spec in specs if spec.external_id not in found]
    if not todo:
        return found
    now = timezone.now()
    game_ids = bulk.reserve_ids(Game, len(todo))
    titles = [
        spec.title.strip()[:300] or f"{platform.name} release {spec.external_id}" for spec in todo
    ]
    bulk.insert_rows(
        Game,
        ["id", "title", "normalized_title", "sort_title", "game_type"],
        (
            (
                game_id,
                title,
                normalize_title(title)[:300],
                sort_title(title),
                Game.Type.DLC if spec.is_dlc else Game.Type.GAME,
            )
            for game_id, title, spec in zip(game_ids, titles, todo, strict=True)
        ),
        shared={"created_at": now, "updated_at": now},
    )
    release_ids = bulk.reserve_ids(Release, len(todo))
    bulk.insert_rows(
        Release,
        ["id", "external_id", "game_id", "icon_url", "has_stats", "store_name"],
        (
            (release_id, spec.external_id, game_id, spec.icon_url, spec.has_stats, title)
            for release_id, game_id, spec, title in zip(
                release_ids, game_ids, todo, titles, strict=True
            )
        ),
        shared={"platform_id": platform.pk, "created_at": now},
    )
    for release_id, game_id, spec in zip(release_ids, game_ids, todo, strict=True):
        found[spec.external_id] = ReleaseRow(release_id, game_id, spec.icon_url, spec.has_stats)
    return found


def parent_games(platform: Platform, found: Sequence[GameDetails]) -> dict[str, int]:
    """Game ids of the base games these DLC/demos point at, creating the ones not yet known."""
    titles: dict[str, str] = {}
    for details in found:
        parent = details.parent_external_id
        if parent and parent != details.external_id:
            fullgame = details.raw.get("fullgame") if isinstance(details.raw, dict) else None
            name = fullgame.get("name") if isinstance(fullgame, dict) else None
            titles[parent] = name if isinstance(name, str) else ""
    if not titles:
        return {}
    known = existing_releases(platform, list(titles))
    missing = [NewRelease(external_id, title) for external_id, title in titles.items()]
    missing = [spec for spec in missing if spec.external_id not in known]
    if missing:
        known.update(create_releases(platform, missing))
    return {external_id: row.game_id for external_id, row in known.items()}


# --- metadata -----------------------------------------------------------------------------------

# The game columns a source can describe, with the empty value that means "says nothing".
METADATA_FIELDS: dict[str, Any] = {
    "game_type": "",
    "description": "",
    "developers": [],
    "publishers": [],
    "release_date": None,
    "release_date_text": "",
    "esrb_rating": "",
    "esrb_descriptors": [],
    "pegi_rating": "",
    "required_age": 0,
    "content_descriptor_ids": [],
    "content_descriptor_notes": "",
    "metacritic_score": None,
    "metacritic_url": "",
    "cover_url": "",
    "header_url": "",
    "capsule_url": "",
    "background_url": "",
    "screenshots": [],
    "os_platforms": [],
    "is_free": False,
    "website": "",
    "time_to_beat_main": None,
    "time_to_beat_extras": None,
    "time_to_beat_completionist": None,
    "genres": [],
    "categories": [],
}
_TAG_FIELDS = ("genres", "categories")
_COLUMN_FIELDS = [name for name in METADATA_FIELDS if name not in _TAG_FIELDS]


def metadata_of(details: GameDetails) -> dict[str, Any]:
    """A source's record as the JSON a SourceMetadata row keeps: checked, clipped, plain."""
    score = details.metacritic_score
    return {
        "game_type": details.type if details.type in Game.Type.values else "",
        "description": details.description,
        "developers": details.developers[:20],
        "publishers": details.publishers[:20],
        "release_date": details.release_date.isoformat() if details.release_date else None,
        "release_date_text": details.release_date_text[:64],
        "esrb_rating": _esrb(details.esrb_rating),
        "esrb_descriptors": details.esrb_descriptors,
        "pegi_rating": details.pegi_rating if details.pegi_rating in _PEGI_VALUES else "",
        "required_age": min(max(details.required_age, 0), 99),
        "content_descriptor_ids": details.content_descriptor_ids,
        "content_descriptor_notes": details.content_descriptor_notes,
        "metacritic_score": score if score is not None and 0 <= score <= 100 else None,
        "metacritic_url": clean_url(details.metacritic_url),
        "cover_url": clean_url(details.library_image),
        "header_url": clean_url(details.header_image),
        "capsule_url": clean_url(details.capsule_image),
        "background_url": clean_url(details.background_image),
        "screenshots": [url for url in details.screenshots if clean_url(url)],
        "os_platforms": details.platforms,
        "is_free": details.is_free,
        "website": clean_url(details.website),
        "time_to_beat_main": _minutes(details.time_to_beat_main),
        "time_to_beat_extras": _minutes(details.time_to_beat_extras),
        "time_to_beat_completionist": _minutes(details.time_to_beat_completionist),
        "genres": canonical_genres(details.genres),
        "categories": _tags(details.categories),
    }


def _esrb(value: str) -> str:
    rating = value if value in _ESRB_VALUES else normalize_esrb(value)
    return rating if rating in _ESRB_VALUES else ""


def _minutes(value: int | None) -> int | None:
    """A time to beat worth keeping: positive and under a year of play (a source's 0 means it
    does not know; a larger figure is a broken answer)."""
    return value if isinstance(value, int) and 0 < value < 525_600 else None


def _tags(values: Iterable[str]) -> list[str]:
    return sorted({value.strip()[:64] for value in values if value.strip()})


def store_metadata(
    source: str,
    found: Sequence[tuple[Release, GameDetails]],
    unavailable: Sequence[Release] = (),
    *,
    parents: Mapping[str, int] | None = None,
) -> set[int]:
    """Record what the store ``source`` said of these releases (and which it no longer lists),
    with its name and raw payload on the release; return the ids of the games whose columns must
    be resolved again."""
    keep_source_metadata(source, found, unavailable)
    for release, details in found:
        release.store_name = details.store_name.strip()[:300]
        release.raw = details.raw
    if found:
        Release.objects.bulk_create(
            [release for release, _ in found],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=["store_name", "raw"],
        )
    # A DLC's base game is a fact of the store, not a field to prioritise: set it directly.
    for release, details in found:
        parent_id = (parents or {}).get(details.parent_external_id or "")
        if parent_id and parent_id != release.game_id:
            Game.objects.filter(pk=release.game_id).update(parent_id=parent_id)
    return {release.game_id for release, _ in found} | {r.game_id for r in unavailable}


def keep_source_metadata(
    source: str,
    found: Sequence[tuple[Release, GameDetails]],
    unavailable: Sequence[Release] = (),
) -> set[int]:
    """Record what ``source`` said of these releases, and which it does not know, as its own
    rows: nothing else about the release changes (a metadata source such as IGDB describes a
    release without owning its name or payload). Returns the games to resolve again."""
    now = timezone.now()
    if found:
        SourceMetadata.objects.bulk_create(
            [
                SourceMetadata(
                    release=release, source=source, data=metadata_of(details), fetched_at=now
                )
                for release, details in found
            ],
            update_conflicts=True,
            unique_fields=["release", "source"],
            update_fields=["status", "data", "fetched_at"],
            batch_size=BULK_BATCH_SIZE,
        )
    if unavailable:
        # What the source said before it delisted the release still describes the game.
        SourceMetadata.objects.bulk_create(
            [
                SourceMetadata(
                    release=release,
                    source=source,
                    status=SourceMetadata.Status.UNAVAILABLE,
                    fetched_at=now,
                )
                for release in unavailable
            ],
            update_conflicts=True,
            unique_fields=["release", "source"],
            update_fields=["status", "fetched_at"],
            batch_size=BULK_BATCH_SIZE,
        )
    return {release.game_id for release, _ in found} | {r.game_id for r in unavailable}


def source_rank(source: str) -> int:
    priority = list(settings.METADATA_SOURCE_PRIORITY)
    return priority.index(source) if source in priority else len(priority)


def resolve_metadata(game_ids: Iterable[int]) -> None:
    """Set each game's metadata columns from its releases' sources, field by field: the first
    source in METADATA_SOURCE_PRIORITY that says something wins; fields the user edited stay."""
    ids = sorted(set(game_ids))
    if not ids:
        return
    now = timezone.now()
    for chunk in chunks(ids):
        games = {game.pk: game for game in Game.objects.filter(pk__in=chunk)}
        sources: dict[int, list[tuple[int, int, SourceMetadata]]] = {}
        for row in SourceMetadata.objects.filter(release__game_id__in=chunk).select_related(
            "release"
        ):
            sources.setdefault(row.release.game_id, []).append(
                (source_rank(row.source), row.release_id, row)
            )
        tags: dict[str, dict[int, list[str]]] = {name: {} for name in _TAG_FIELDS}
        for game_id, game in games.items():
            ranked = [row for _, _, row in sorted(sources.get(game_id, []), key=lambda r: r[:2])]
            fetched = [row for row in ranked if row.status == SourceMetadata.Status.FETCHED]
            edited = set(game.user_edited_fields or ())
            for name, empty in METADATA_FIELDS.items():
                if name in edited:
                    continue
                value = next(
                    (row.data[name] for row in ranked if row.data.get(name) not in (None, empty)),
                    empty,
                )
                if name == "genres":
                    # Rows kept before a spelling joined the vocabulary follow it too.
                    tags[name][game_id] = canonical_genres(value)
                elif name in _TAG_FIELDS:
                    tags[name][game_id] = value
                elif name == "release_date":
                    game.release_date = date.fromisoformat(value) if value else None
                elif name == "game_type":
                    # A source that says nothing leaves the type the owned list gave.
                    game.game_type = value or game.game_type
                else:
                    setattr(game, name, value)
            if fetched:
                game.metadata_status = Game.MetadataStatus.FETCHED
                game.metadata_updated_at = max(row.fetched_at for row in fetched)
            elif ranked:
                game.metadata_status = Game.MetadataStatus.UNAVAILABLE
                game.metadata_updated_at = max(row.fetched_at for row in ranked)
            game.updated_at = now
        Game.objects.bulk_create(
            list(games.values()),
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=[*_COLUMN_FIELDS, "metadata_status", "metadata_updated_at", "updated_at"],
        )
        _replace_tags(Game.genres.through, "genre", Genre, tags["genres"])
        _replace_tags(Game.categories.through, "category", Category, tags["categories"])


Tag = TypeVar("Tag", Genre, Category)


def _replace_tags(
    through: type[Model], target: str, model: type[Tag], tags: dict[int, list[str]]
) -> None:
    """Set each game's genres (or categories) to exactly the given names."""
    if not tags:
        return
    names = {name for values in tags.values() for name in values}
    if names:
        model.objects.bulk_create([model(name=name) for name in names], ignore_conflicts=True)
    ids = dict(model.objects.filter(name__in=names).values_list("name", "id")) if names else {}
    through._default_manager.filter(game_id__in=list(tags)).delete()
    through._default_manager.bulk_create(
        [
            through(game_id=game_id, **{f"{target}_id": ids[name]})
            for game_id, values in tags.items()
            for name in set(values)
            if name in ids
        ],
        ignore_conflicts=True,
    )


def stale_before(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=settings.METADATA_STALE_DAYS)


def record_user_edits(game: Game, fields: Iterable[str]) -> None:
    """Remember that the user set these metadata fields by hand: no source replaces them."""
    edited = sorted(set(game.user_edited_fields or ()) | (set(fields) & set(METADATA_FIELDS)))
    if edited != list(game.user_edited_fields or ()):
        game.user_edited_fields = edited
        Game.objects.filter(pk=game.pk).update(user_edited_fields=edited)


def forget_user_edits(game_ids: Iterable[int]) -> None:
    """Give the sources their say again: clear the hand-edited marks and resolve anew."""
    ids = list(game_ids)
    Game.objects.filter(pk__in=ids).update(user_edited_fields=[])
    resolve_metadata(ids)
