"""Pages about games: the dashboard, the library, one game, analytics, smart collections,
recommendations and quick search.

Views parse, authorize, call games.queries (the one read path, which applies the user's
content-rating cap) or a service, and render. htmx requests get the fragment they asked for.
"""

from __future__ import annotations

from dataclasses import replace
from typing import cast

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from gamedjinn.request_types import PageRequest
from games.charts import analytics_charts
from games.forms import (
    PERIOD_CHOICES,
    PLAYED_IN_PERIOD,
    SORT_CHOICES,
    AnalyticsForm,
    CollectionForm,
    LibraryFilterForm,
    ManualGameForm,
    OwnershipForm,
    RecommendationsForm,
    describe_rules,
    rule_query,
)
from games.models import Game
from games.queries import (
    InvalidFilter,
    LibraryFilters,
    Page,
    catalogue_titles,
    genres_in_library,
    library_summary,
    most_played,
    platforms_in_library,
    recently_played,
)
from games.ratings import ESRB_CHOICES
from games.schemas import ExportFormat
from games.services import NotFound, ServiceError, review
from games.services.analytics import analyze_gaming_patterns
from games.services.collections import (
    CollectionError,
    collection_filters,
    collection_out,
    create_collection,
    delete_collection,
    get_collection,
    list_collections,
    update_collection,
)
from games.services.export import MEDIA_TYPES, export_library
from games.services.manual import (
    add_manual_game,
    delete_manual_game,
    edit_manual_game,
    get_manual_game,
    is_manual,
)
from games.services.ownership import update_ownership
from games.services.recommendations import recommend_games
from games.services.search import game_page, search_cards
from libraries.models import LibraryGame
from libraries.queries import libraries_of, library_states

SUGGESTIONS = 6


def _fragment_requested(request: PageRequest) -> bool:
    """An htmx swap wants a fragment; a history restore (back button, cache miss) wants the page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


@require_GET
def home(request: PageRequest) -> HttpResponse:
    user = request.user
    states = library_states(user)
    context = {
        "libraries": states,
        "summary": library_summary(user) if states else None,
        "recent": recently_played(user, limit=12) if states else [],
        "top": most_played(user, limit=8) if states else [],
    }
    return render(request, "games/home.html", context)


@require_GET
@vary_on_headers("HX-Request")
def library(request: PageRequest) -> HttpResponse:
    form = LibraryFilterForm(request.GET)
    cursor = request.GET.get("cursor", "")
    try:
        page = search_cards(request.user, form.filters(), cursor)
    except InvalidFilter as exc:
        form.add_error(None, str(exc))
        page, cursor = search_cards(request.user, LibraryFilters()), ""
    context = {
        "form": form,
        "page": page,
        "view": form.layout,
        "cursor": cursor,
        "export_query": _filter_query(request),
        "export_formats": MEDIA_TYPES,
        # "Save as collection" carries the whole filter state; the form says what it cannot keep.
        "save_query": _save_query(request) if form.rules() else "",
    }
    if _fragment_requested(request):
        template = "games/_entries.html" if cursor else "games/_results.html"
        return render(request, template, context)
    libraries = libraries_of(request.user)
    context |= {
        "libraries": libraries,
        "platforms": platforms_in_library(request.user),
        "sort_choices": SORT_CHOICES,
        "esrb_labels": dict(ESRB_CHOICES),
    }
    return render(request, "games/library.html", context)


def _filter_query(request: PageRequest) -> str:
    """The page's query string without what only concerns the page (scroll position, layout):
    exporting "this view" exports exactly what the filters select."""
    kept = {
        name: request.GET.getlist(name)
        for name in (*LibraryFilterForm.FILTER_FIELDS, "sort")
        if request.GET.get(name)
    }
    return urlencode(kept, doseq=True)


@require_GET
def library_export(request: PageRequest) -> HttpResponse:
    """The library, or the filtered view whose query string this carries, as a download: the
    same export service as REST and MCP, so the same columns, cap and CSV defusing."""
    form = LibraryFilterForm(request.GET)
    try:
        # The service checks the format itself and words the refusal.
        export_format = cast(ExportFormat, request.GET.get("format", "csv"))
        result = export_library(request.user, form.filters(), export_format)
    except (ServiceError, InvalidFilter) as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    response = HttpResponse(result.content, content_type=f"{result.media_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response


def _save_query(request: PageRequest) -> str:
    query = request.GET.copy()
    for key in ("cursor", "sort", "view", *[k for k, v in query.lists() if not any(v)]):
        query.pop(key, None)
    return query.urlencode()


@require_GET
def genre_options(request: PageRequest) -> HttpResponse:
    """The genre filter's options, fetched when the filters panel first opens: listing the genres
    of a 10,000-game library costs more than the rest of the page, and most visits never need it."""
    context = {"genres": genres_in_library(request.user), "selected": request.GET.get("genre", "")}
    return render(request, "games/_genre_options.html", context)


@require_GET
def suggest(request: PageRequest) -> HttpResponse:
    """Search as you type from the top bar: the best few matches, as links. With ``for=title``
    (the add-a-game form), the catalogue's titles as options of a datalist."""
    query = " ".join(request.GET.get("q", "").split())[:200]
    if request.GET.get("for") == "title":
        return render(
            request,
            "games/_title_options.html",
            {"titles": catalogue_titles(request.user, query, size=SUGGESTIONS) if query else []},
        )
    items = (
        search_cards(request.user, LibraryFilters(q=query), size=SUGGESTIONS).items if query else []
    )
    return render(request, "games/_suggestions.html", {"items": items, "q": query})


@require_GET
def game(request: PageRequest, game_id: int) -> HttpResponse:
    # The same service as GET /api/games/{id} and get_game_details, so every door shows one game
    # with the same copies, totals and achievement counts.
    try:
        page = game_page(request.user, game_id)
    except NotFound:
        raise Http404("No such game in your library.") from None
    detail = page.detail
    first = detail.entries[0]
    form = OwnershipForm(
        initial={"status": first.status, "user_rating": first.user_rating, "hidden": first.hidden}
    )
    manual = {entry.pk for entry in detail.entries if is_manual(entry)}
    return render(
        request,
        "games/game.html",
        {
            "detail": detail,
            "details": page.details,
            "copies": page.copies,
            "game": detail.game,
            "form": form,
            "manual_entries": manual,
        },
    )


@require_http_methods(["GET", "POST"])
def manual_add(request: PageRequest) -> HttpResponse:
    """Add a game by hand: a cartridge, a disc, a key no store reports."""
    form = ManualGameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = add_manual_game(request.user, **form.service_values())
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Added {added.title}.")
            return redirect("games:game", game_id=added.game_id)
    return render(request, "games/manual_form.html", {"form": form, "entry": None})


@require_http_methods(["GET", "POST"])
def manual_edit(request: PageRequest, entry_id: int) -> HttpResponse:
    try:
        current = get_manual_game(request.user, entry_id)
    except NotFound:
        raise Http404("No such manual game.") from None
    form = ManualGameForm(request.POST or None, initial=ManualGameForm.initial_for(current))
    if request.method == "POST" and form.is_valid():
        try:
            edited = edit_manual_game(request.user, entry_id, **form.service_values())
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Saved {edited.title}.")
            return redirect("games:game", game_id=edited.game_id)
    return render(request, "games/manual_form.html", {"form": form, "entry": current})


@require_http_methods(["GET", "POST"])
def manual_delete(request: PageRequest, entry_id: int) -> HttpResponse:
    try:
        current = get_manual_game(request.user, entry_id)
    except NotFound:
        raise Http404("No such manual game.") from None
    if request.method == "POST":
        delete_manual_game(request.user, entry_id)
        messages.success(request, f"Deleted {current.title} from your manual entries.")
        return redirect("games:library")
    return render(request, "games/manual_delete.html", {"entry": current})


@require_POST
def edit_ownership(request: PageRequest, game_id: int) -> HttpResponse:
    form = OwnershipForm(request.POST)
    saved = False
    if form.is_valid():
        try:
            update_ownership(request.user, game_id, **form.cleaned_data)
        except Game.DoesNotExist:
            raise Http404("No such game in your library.") from None
        saved = True
    if not request.htmx:
        if saved:
            messages.success(request, "Saved.")
        return redirect("games:game", game_id=game_id)
    response = render(
        request, "games/_ownership_form.html", {"form": form, "game_id": game_id, "saved": saved}
    )
    if saved:
        trigger_client_event(response, "gd:toast", {"kind": "success", "title": "Saved"})
    return response


@require_GET
def analytics(request: PageRequest) -> HttpResponse:
    form = AnalyticsForm(request.GET)
    try:
        patterns = analyze_gaming_patterns(
            request.user, library_id=form.library_id, time_period=form.time_period
        )
    except NotFound:
        raise Http404("No such library.") from None
    library_url = reverse("games:library")
    charts = analytics_charts(
        patterns,
        game_url=lambda game_id: reverse("games:game", args=[game_id]),
        genre_url=lambda name: f"{library_url}?{urlencode({'genre': name, 'sort': 'playtime'})}",
    )
    context = {
        "form": form,
        "patterns": patterns,
        "charts": charts,
        "libraries": libraries_of(request.user),
        "periods": PERIOD_CHOICES,
        "played_heading": PLAYED_IN_PERIOD[patterns.period.name],
    }
    return render(request, "games/analytics.html", context)


# --- smart collections ------------------------------------------------------------------------------


def _own_collection(request: PageRequest, collection_id: int):
    """The signed-in user's collection, or 404: another user's collection does not exist here."""
    try:
        return get_collection(request.user, collection_id)
    except NotFound:
        raise Http404("No such collection.") from None


@require_GET
def collections(request: PageRequest) -> HttpResponse:
    error = ""
    try:
        items = list_collections(request.user)
    except CollectionError as exc:
        items, error = [], str(exc)
    rows = [{"collection": c, "rules": describe_rules(c.rules)} for c in items]
    return render(request, "games/collections.html", {"rows": rows, "error": error})


@require_GET
@vary_on_headers("HX-Request")
def collection(request: PageRequest, collection_id: int) -> HttpResponse:
    """A collection opened as a library view: its rules applied, with search, sort and layout."""
    found = _own_collection(request, collection_id)
    form = LibraryFilterForm(request.GET)
    cursor = request.GET.get("cursor", "")
    error = ""
    try:
        rules = collection_filters(found)
        page = search_cards(
            request.user,
            replace(rules, q=form.value("q") or "", sort=form.value("sort") or "title"),
            cursor,
        )
    except (CollectionError, InvalidFilter) as exc:
        error, page, cursor = str(exc), Page(items=[]), ""
    context = {
        "form": form,
        "page": page,
        "view": form.layout,
        "cursor": cursor,
        "collection": found,
        "error": error,
    }
    if _fragment_requested(request):
        template = "games/_entries.html" if cursor else "games/_results.html"
        return render(request, template, context)
    context |= {
        "sort_choices": SORT_CHOICES,
        "rules": describe_rules(found.rules),
        "count": None if error else collection_out(request.user, found).game_count,
    }
    return render(request, "games/library.html", context)


@require_http_methods(["GET", "POST"])
def collection_new(request: PageRequest) -> HttpResponse:
    """Save filters as a collection. GET takes the library page's query string ("Save as
    collection" links here with the current filters); POST creates it and opens it."""
    if request.method == "POST":
        form = CollectionForm(request.POST)
        created = _save_collection(request, form, None)
        if created is not None:
            messages.success(request, f"Saved the collection “{created.name}”.")
            return redirect("games:collection", collection_id=created.id)
        dropped: list[str] = []
    else:
        form = CollectionForm(initial=request.GET.dict())
        dropped = [
            label for name, label in LibraryFilterForm.NOT_RULES.items() if request.GET.get(name)
        ]
    return _collection_form(request, form, None, dropped)


@require_http_methods(["GET", "POST"])
def collection_edit(request: PageRequest, collection_id: int) -> HttpResponse:
    found = _own_collection(request, collection_id)
    if request.method == "POST":
        form = CollectionForm(request.POST)
        saved = _save_collection(request, form, found.pk)
        if saved is not None:
            messages.success(request, f"Saved the collection “{saved.name}”.")
            return redirect("games:collection", collection_id=saved.id)
    else:
        form = CollectionForm(initial={"name": found.name, **rule_query(found.rules)})
    return _collection_form(request, form, found, [])


def _save_collection(request: PageRequest, form: CollectionForm, collection_id: int | None):
    """Create or update through the collections service; its one-sentence errors land on the
    form. None when nothing was saved."""
    if not form.is_valid():
        return None
    rules = form.rules()
    if not rules:
        form.add_error(None, "Choose at least one filter: a collection is the games that match.")
        return None
    try:
        if collection_id is None:
            return create_collection(request.user, form.cleaned_data["name"], rules)
        return update_collection(
            request.user, collection_id, name=form.cleaned_data["name"], rules=rules
        )
    except CollectionError as exc:
        form.add_error(None, str(exc))
        return None


def _collection_form(request: PageRequest, form: CollectionForm, found, dropped: list[str]):
    context = {
        "form": form,
        "collection": found,
        "dropped": dropped,
        "platforms": platforms_in_library(request.user),
        "genres": genres_in_library(request.user),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "games/collection_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def collection_delete(request: PageRequest, collection_id: int) -> HttpResponse:
    found = _own_collection(request, collection_id)
    if request.method == "POST":
        delete_collection(request.user, found.pk)
        messages.success(request, f"Deleted the collection “{found.name}”.")
        return redirect("games:collections")
    return render(request, "games/collection_delete.html", {"collection": found})


# --- recommendations --------------------------------------------------------------------------------


@require_GET
def recommendations(request: PageRequest) -> HttpResponse:
    """ "What should I play?": recommend_games, the MCP tool's service, with its options as a form."""
    form = RecommendationsForm(request.GET)
    try:
        result = recommend_games(request.user, **form.options)
    except ServiceError as exc:
        form.add_error(None, str(exc))
        result = recommend_games(request.user, **(form.options | {"genre_preference": None}))
    context = {"form": form, "result": result, "genres": genres_in_library(request.user)}
    return render(request, "games/recommendations.html", context)


# --- reviewing matches ------------------------------------------------------------------------------

MERGE_CANDIDATES = 8


def _merge_candidates(request: PageRequest, name: str) -> tuple[str, list[LibraryGame]]:
    query = " ".join(request.GET.get(name, "").split())[:200]
    if not query:
        return "", []
    return query, search_cards(request.user, LibraryFilters(q=query), size=MERGE_CANDIDATES).items


@require_GET
def matches(request: PageRequest) -> HttpResponse:
    """Suggested matches to accept or reject, recent decisions to undo, and merging any two
    games picked by search. Every action is a plain form (keyboard shortcuts from review.js)."""
    q_game, games = _merge_candidates(request, "q_game")
    q_other, others = _merge_candidates(request, "q_other")
    context = {
        "suggestions": review.list_suggestions(request.user),
        "changes": review.recent_changes(request.user),
        "q_game": q_game,
        "q_other": q_other,
        "game_candidates": games,
        "other_candidates": others,
    }
    return render(request, "games/matches.html", context)


@require_GET
def merge_candidates(request: PageRequest) -> HttpResponse:
    """The games a merge picker's search finds, as radio buttons (fetched as you type)."""
    field = request.GET.get("field", "")
    if field not in ("game", "other"):
        return HttpResponseBadRequest("field must be game or other.")
    query, items = _merge_candidates(request, f"q_{field}")
    return render(
        request, "games/_merge_candidates.html", {"items": items, "q": query, "field": field}
    )


def _review_action(request: PageRequest, action, *args) -> HttpResponse:
    """Run a review service call for the signed-in user and go back where the form came from,
    with its one-sentence outcome as a message."""
    try:
        result = action(request.user, *args)
    except NotFound:
        raise Http404("No such match, game or change of yours.") from None
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, result.message)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("games:matches")
    return redirect(back or "games:matches")


@require_POST
def match_accept(request: PageRequest, match_id: int) -> HttpResponse:
    return _review_action(request, review.accept, match_id)


@require_POST
def match_reject(request: PageRequest, match_id: int) -> HttpResponse:
    return _review_action(request, review.reject, match_id)


@require_POST
def change_undo(request: PageRequest, kind: str, change_id: int) -> HttpResponse:
    return _review_action(request, review.undo_change, kind, change_id)


@require_POST
def games_merge(request: PageRequest) -> HttpResponse:
    try:
        game, other = int(request.POST["game"]), int(request.POST["other"])
    except (KeyError, ValueError):
        messages.error(request, "Pick one game in each list to merge.")
        return redirect("games:matches")
    return _review_action(request, review.merge, game, other)


@require_POST
def release_split(request: PageRequest, release_id: int) -> HttpResponse:
    return _review_action(request, review.split, release_id)
