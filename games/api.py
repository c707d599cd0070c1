"""REST endpoints for the library (/api/games/): search, one game, totals, analytics,
recommendations, export and smart collections.

Each endpoint parses, calls one service and returns its shape (games/schemas.py). Authentication
(session or API key) is the NinjaAPI's; a read-only API key cannot change anything. A game the
user does not own, or may not see under their rating cap, is a 404 like any missing one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from functools import wraps
from typing import Any

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from gamedjinn.api_auth import require_write
from gamedjinn.api_schemas import JsonObjectBody
from gamedjinn.request_types import ApiRequest
from games.queries import MAX_PAGE_SIZE, PAGE_SIZE, InvalidFilter, library_summary
from games.schemas import (
    CollectionOut,
    CollectionPage,
    CollectionRules,
    CrossPlatformGames,
    ExportFormat,
    GameDetailOut,
    GameList,
    GamingPatterns,
    LibraryFilterInput,
    LibrarySummaryOut,
    ManualGameIn,
    ManualGameOut,
    ManualGamePatch,
    RecommendationCriteria,
    Recommendations,
    StoredInt,
    TimePeriod,
)
from games.services import NotFound, ServiceError, collections
from games.services.analytics import analyze_gaming_patterns
from games.services.cross_platform import cross_platform_games
from games.services.export import export_library
from games.services.manual import (
    add_manual_game,
    delete_manual_game,
    edit_manual_game,
    get_manual_game,
)
from games.services.recommendations import recommend_games
from games.services.search import game_details, search_games

router = Router(tags=["games"])


class Paging(Schema):
    cursor: str = Field("", max_length=500, description="next_cursor of the previous page.")
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items per page.")


class CollectionIn(JsonObjectBody):
    name: str = Field(..., min_length=1, max_length=100)
    rules: CollectionRules


class CollectionPatch(JsonObjectBody):
    name: str | None = Field(None, min_length=1, max_length=100)
    rules: CollectionRules | None = None


def _services(view: Callable[..., Any]) -> Callable[..., Any]:
    """Service errors as HTTP errors: not found → 404, anything the caller can fix → 400."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except NotFound as exc:
            raise HttpError(404, str(exc)) from None
        except (ServiceError, InvalidFilter) as exc:
            raise HttpError(400, str(exc)) from None

    return wrapper


@router.get("/", response=GameList, summary="Search the library")
@_services
def search(request: ApiRequest, filters: Query[LibraryFilterInput], paging: Query[Paging]):
    """Owned copies matching the filters, a page at a time (follow next_cursor)."""
    return search_games(
        request.auth, filters.to_filters(), cursor=paging.cursor, limit=paging.limit
    )


@router.get("/stats", response=LibrarySummaryOut, summary="Library totals")
def stats(request: ApiRequest, library_id: StoredInt | None = None):
    return LibrarySummaryOut.model_validate(library_summary(request.auth, library_id))


@router.get("/analytics", response=GamingPatterns, summary="Gaming patterns")
@_services
def analytics(
    request: ApiRequest, time_period: TimePeriod = "month", library_id: StoredInt | None = None
):
    """Playtime by genre and platform, most and recently played, backlog, completion, activity
    and trend over the period."""
    return analyze_gaming_patterns(request.auth, library_id=library_id, time_period=time_period)


@router.get("/recommendations", response=Recommendations, summary="What to play next")
@_services
def recommendations(
    request: ApiRequest,
    criteria: RecommendationCriteria = "balanced",
    genre: str | None = None,
    limit: int = Query(10, ge=1, le=MAX_PAGE_SIZE),
    max_hours: int | None = Query(None, ge=1, le=10_000),
):
    return recommend_games(
        request.auth,
        criteria=criteria,
        limit=limit,
        genre_preference=genre,
        max_hours=max_hours,
    )


@router.get(
    "/cross-platform",
    response=CrossPlatformGames,
    summary="Games owned on several platforms or twice",
)
def cross_platform(
    request: ApiRequest,
    limit: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
    offset: StoredInt = Query(0, ge=0),
):
    return cross_platform_games(request.auth, limit=limit, offset=offset)


@router.get("/export", summary="Export the library as a file")
@_services
def export(request: ApiRequest, filters: Query[LibraryFilterInput], format: ExportFormat = "json"):
    """The filtered library as a JSON or CSV download. Never contains credentials."""
    result = export_library(request.auth, filters.to_filters(), format)
    response = HttpResponse(result.content, content_type=f"{result.media_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response


@router.get("/collections", response=list[CollectionOut], summary="Smart collections")
@_services
def collection_list(request: ApiRequest):
    return collections.list_collections(request.auth)


@router.post("/collections", response={201: CollectionOut}, summary="Create a smart collection")
@_services
def collection_create(request: ApiRequest, payload: CollectionIn):
    return Status(
        201, collections.create_collection(require_write(request), payload.name, payload.rules)
    )


@router.get(
    "/collections/{id:collection_id}", response=CollectionPage, summary="A collection's games"
)
@_services
def collection_detail(request: ApiRequest, collection_id: int, paging: Query[Paging]):
    """The collection, with its rules evaluated now."""
    return collections.collection_games(
        request.auth, collection_id, cursor=paging.cursor, limit=paging.limit
    )


@router.patch(
    "/collections/{id:collection_id}", response=CollectionOut, summary="Change a collection"
)
@_services
def collection_update(request: ApiRequest, collection_id: int, payload: CollectionPatch):
    return collections.update_collection(
        require_write(request), collection_id, name=payload.name, rules=payload.rules
    )


@router.delete(
    "/collections/{id:collection_id}", response={204: None}, summary="Delete a collection"
)
@_services
def collection_delete(request: ApiRequest, collection_id: int):
    collections.delete_collection(require_write(request), collection_id)
    return Status(204, None)


@router.post("/manual", response={201: ManualGameOut}, summary="Add a game by hand")
@_services
def manual_add(request: ApiRequest, payload: ManualGameIn):
    """A game no store reports (a cartridge, a disc, a key): it joins your "Manual entries"."""
    values = payload.model_dump()
    game = add_manual_game(require_write(request), values.pop("title"), **values)
    return Status(201, asdict(game))


@router.get("/manual/{id:entry_id}", response=ManualGameOut, summary="A game added by hand")
@_services
def manual_detail(request: ApiRequest, entry_id: int):
    return asdict(get_manual_game(request.auth, entry_id))


@router.patch(
    "/manual/{id:entry_id}", response=ManualGameOut, summary="Change a game added by hand"
)
@_services
def manual_edit(request: ApiRequest, entry_id: int, payload: ManualGamePatch):
    """Only the fields sent change; send null to clear a rating or a date."""
    values = payload.model_dump(exclude_unset=True)
    for name in ("title", "platform", "store_id", "status", "playtime_minutes", "notes", "hidden"):
        if name in values and values[name] is None:
            raise HttpError(400, f"{name} cannot be null.")
    return asdict(edit_manual_game(require_write(request), entry_id, **values))


@router.delete("/manual/{id:entry_id}", response={204: None}, summary="Delete a game added by hand")
@_services
def manual_delete(request: ApiRequest, entry_id: int):
    delete_manual_game(require_write(request), entry_id)
    return Status(204, None)


@router.get("/{id:game_id}", response=GameDetailOut, summary="One game")
@_services
def detail(request: ApiRequest, game_id: int, library_id: StoredInt | None = None):
    """Metadata, every copy you own with its playtime, achievements progress. 404 when the game is
    not in your library."""
    return game_details(request.auth, game_id, library_id)
