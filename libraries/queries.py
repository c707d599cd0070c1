"""Read-side queries over a user's libraries and their sync runs, for the pages.

Each returns everything a page needs in a fixed number of queries, however many libraries or runs
there are (no query per library in a template loop).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from games.queries import visible_entries
from libraries.models import Library, SyncRun
from libraries.schemas import LibraryOut, SyncRunOut, library_out, run_out

HISTORY_SIZE = 20


class _GameCount(TypedDict):
    game_count: int


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    CountedLibrary = WithAnnotations[Library, _GameCount]


@dataclass
class LibraryState:
    """A library as every door shows it, with its latest sync run (None before the first)."""

    library: LibraryOut
    run: SyncRunOut | None


def counted_libraries(user) -> QuerySet[CountedLibrary]:
    """The user's libraries with their platform and `game_count`: the games in each that the user
    sees (visible_entries, so within their rating cap, and not hidden). One query however many
    libraries; every door that shows a library's size reads it from here."""
    visible = (
        visible_entries(user)
        .filter(hidden=False, library=OuterRef("pk"))
        .order_by()
        .values("library")
        .annotate(games=Count("pk"))
        .values("games")
    )
    return (
        Library.objects.filter(owner=user)
        .select_related("platform")
        .annotate(game_count=Coalesce(Subquery(visible), 0))
    )


def library_states(user) -> list[LibraryState]:
    """The user's libraries, each with its latest run and visible game count (two queries)."""
    latest = SyncRun.objects.filter(library=OuterRef("pk")).order_by("-created_at", "-id")
    libraries = list(
        counted_libraries(user).annotate(latest_run_id=Subquery(latest.values("pk")[:1]))
    )
    if not libraries:
        return []
    runs = SyncRun.objects.in_bulk([lib.latest_run_id for lib in libraries if lib.latest_run_id])
    return [_state(lib, runs.get(lib.latest_run_id)) for lib in libraries]


def _state(library: CountedLibrary, run: SyncRun | None) -> LibraryState:
    return LibraryState(library=library_out(library), run=run_out(run) if run else None)


def libraries_of(user) -> list[Library]:
    """The user's libraries with their platforms, for pickers (one query)."""
    return list(Library.objects.filter(owner=user).select_related("platform"))


def library_for(user, library_id: int) -> CountedLibrary:
    """One of the user's libraries, with its game_count: the one "is this library yours" check of
    every door. Raises Library.DoesNotExist for anyone else's, which each door answers exactly as
    for a library that does not exist, so ids do not leak."""
    return counted_libraries(user).get(pk=library_id)


def library_state(library: CountedLibrary) -> LibraryState:
    """One of the user's libraries, as library_for returns it, with its latest run."""
    return _state(library, latest_run(library))


def run_for(user, run_id: int) -> SyncRun:
    """One sync run of the user's libraries; raises SyncRun.DoesNotExist for anyone else's (each
    door answers as for a run that does not exist, as library_for does for libraries)."""
    return SyncRun.objects.get(pk=run_id, library__owner=user)


def latest_run(library: Library) -> SyncRun | None:
    return library.sync_runs.order_by("-created_at", "-id").first()


def sync_history(library: Library, limit: int = HISTORY_SIZE) -> list[SyncRun]:
    return list(library.sync_runs.order_by("-created_at", "-id")[:limit])
