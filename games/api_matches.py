"""REST endpoints for reviewing matches (/api/matches/): the suggestions waiting for a decision,
accept, reject, merge two games, split a release off, and undo. The same review service as the
matches page and the MCP tools; a read-only API key can list but not decide."""

# No "from __future__ import annotations": the endpoints are wrapped by games.api._services, so
# string annotations would be resolved in that module's namespace.
from typing import Literal

from ninja import Field, Query, Router, Schema

from gamedjinn.api_auth import require_write
from gamedjinn.api_schemas import JsonObjectBody
from gamedjinn.request_types import ApiRequest
from games.api import _services
from games.queries import MAX_PAGE_SIZE, PAGE_SIZE
from games.schemas import ChangeList, ReviewResult, StoredInt, SuggestionList
from games.services import review

router = Router(tags=["matches"])


class SuggestionPaging(Schema):
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=1_000_000)


class MergeIn(JsonObjectBody):
    game_id: StoredInt = Field(..., description="The game to keep.")
    other_game_id: StoredInt = Field(..., description="The game folded into it.")


class UndoIn(JsonObjectBody):
    kind: Literal["merge", "split", "reject"]
    change_id: StoredInt


@router.get("/", response=SuggestionList, summary="Suggested matches")
@_services
def suggestions(request: ApiRequest, paging: Query[SuggestionPaging]):
    return review.list_suggestions(request.auth, limit=paging.limit, offset=paging.offset)


@router.get("/changes", response=ChangeList, summary="Recent decisions that can be undone")
@_services
def changes(request: ApiRequest):
    return review.recent_changes(request.auth)


@router.post("/{id:match_id}/accept", response=ReviewResult, summary="Accept a suggestion")
@_services
def accept(request: ApiRequest, match_id: int):
    return review.accept(require_write(request), match_id)


@router.post("/{id:match_id}/reject", response=ReviewResult, summary="Reject a suggestion")
@_services
def reject(request: ApiRequest, match_id: int):
    return review.reject(require_write(request), match_id)


@router.post("/merge", response=ReviewResult, summary="Merge two games")
@_services
def merge(request: ApiRequest, payload: MergeIn):
    return review.merge(require_write(request), payload.game_id, payload.other_game_id)


@router.post("/split/{id:release_id}", response=ReviewResult, summary="Split a release off")
@_services
def split(request: ApiRequest, release_id: int):
    return review.split(require_write(request), release_id)


@router.post("/undo", response=ReviewResult, summary="Undo a merge, split or rejection")
@_services
def undo(request: ApiRequest, payload: UndoIn):
    return review.undo_change(require_write(request), payload.kind, payload.change_id)
