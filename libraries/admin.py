from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from games.forms import ManualGameForm
from games.services import ServiceError
from games.services.manual import add_manual_game
from games.services.rollups import refresh_for_releases, refresh_game_rollups
from libraries.models import Library, LibraryGame, PlaytimeSnapshot, SyncRun
from libraries.services.sync import SyncAlreadyRunning, request_sync


@admin.register(Library)
class LibraryAdmin(admin.ModelAdmin):
    list_display = [
        "display_name",
        "owner",
        "platform",
        "user_identifier",
        "sync_enabled",
        "sync_interval_hours",
        "last_synced_at",
        "next_sync_due_at",
    ]
    list_editable = ["sync_enabled", "sync_interval_hours"]
    list_filter = ["platform", "sync_enabled"]
    list_select_related = ["owner", "platform"]
    search_fields = ["display_name", "user_identifier", "owner__username"]
    # Credentials never reach a form: keys are set through the app, the API or the CLI, which
    # check them against the platform first.
    fields = [
        "owner",
        "platform",
        "user_identifier",
        "display_name",
        "api_key",
        "sync_enabled",
        "sync_interval_hours",
        "last_synced_at",
        "created_at",
    ]
    readonly_fields = [
        "owner",
        "platform",
        "user_identifier",
        "api_key",
        "last_synced_at",
        "created_at",
    ]
    actions = ["sync_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # adding validates against the platform: use the app, API or addlibrary

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "add-manual-game/",
                self.admin_site.admin_view(self.add_manual_game_view),
                name="libraries_library_add_manual_game",
            ),
            *super().get_urls(),
        ]

    def add_manual_game_view(self, request: HttpRequest) -> HttpResponse:
        """A game added by hand for any user, through the same service as the app and the API."""
        if not self.has_change_permission(request):
            return redirect("admin:index")
        form = AdminManualGameForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            values = form.service_values()
            owner = values.pop("owner")
            try:
                added = add_manual_game(owner, **values)
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(
                    request, f"Added {added.title} to {owner}'s manual entries.", messages.SUCCESS
                )
                return redirect(reverse("admin:libraries_library_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Add a manual game",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/libraries/add_manual_game.html", context)

    @admin.display(description="API key")
    def api_key(self, library: Library) -> str:
        return library.masked_api_key or "(server's STEAM_API_KEY)"

    @admin.display(description="Next sync due")
    def next_sync_due_at(self, library: Library):
        return library.next_sync_due_at

    @admin.action(description="Sync now")
    def sync_now(self, request: HttpRequest, queryset: QuerySet[Library]) -> None:
        started = 0
        for library in queryset.select_related("platform"):
            try:
                request_sync(library, trigger=SyncRun.Trigger.MANUAL)
                started += 1
            except SyncAlreadyRunning as exc:
                self.message_user(request, f"{library}: {exc.message}", messages.WARNING)
        if started:
            self.message_user(request, f"Started {started} sync(s).", messages.SUCCESS)


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "library",
        "status",
        "phase",
        "trigger",
        "progress",
        "games_added",
        "games_updated",
        "games_removed",
        "errors",
        "error_code",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", "phase", "trigger", "created_at"]
    list_select_related = ["library__platform"]
    search_fields = ["library__display_name", "library__owner__username", "error_message"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SyncRun | None = None) -> bool:
        return False  # the sync service is the only writer; old runs may still be deleted

    @admin.display(description="Progress")
    def progress(self, run: SyncRun) -> str:
        return f"{run.done}/{run.total} ({run.percent}%)" if run.total else "-"


@admin.register(LibraryGame)
class LibraryGameAdmin(admin.ModelAdmin):
    list_display = [
        "game_title",
        "library",
        "playtime_minutes",
        "last_played_at",
        "status",
        "user_rating",
        "hidden",
        "removed_at",
    ]
    list_filter = ["status", "hidden", ("removed_at", admin.EmptyFieldListFilter), "library"]
    list_select_related = ["release__game", "release__platform", "library__platform"]
    search_fields = ["release__game__title", "release__external_id", "library__display_name"]
    raw_id_fields = ["library", "release"]
    readonly_fields = [
        "added_at",
        "updated_at",
        "removed_at",
        # Kept by games.services.rollups; the hooks below refresh them after an edit.
        "represents_game",
        "game_playtime_minutes",
        "game_last_played_at",
        "game_store_count",
    ]

    def save_model(self, request, obj, form, change) -> None:
        before = form.initial.get("release")
        super().save_model(request, obj, form, change)
        self._refresh(obj, [before] if before else [])

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        self._refresh(obj)

    def delete_queryset(self, request, queryset) -> None:
        owners = set(queryset.values_list("library__owner_id", flat=True))
        super().delete_queryset(request, queryset)
        refresh_game_rollups(owner_ids=owners)

    @staticmethod
    def _refresh(entry: LibraryGame, other_releases: Sequence[int] = ()) -> None:
        refresh_for_releases(
            [entry.release_id, *other_releases], owner_ids=[entry.library.owner_id]
        )

    @admin.display(description="Game", ordering="release__game__sort_title")
    def game_title(self, entry: LibraryGame) -> str:
        return entry.release.game.title


@admin.register(PlaytimeSnapshot)
class PlaytimeSnapshotAdmin(admin.ModelAdmin):
    list_display = ["entry", "taken_on", "playtime_minutes"]
    list_select_related = ["entry__release__platform", "entry__library__platform"]
    search_fields = ["entry__release__game__title", "entry__library__display_name"]
    date_hierarchy = "taken_on"
    raw_id_fields = ["entry"]


class AdminManualGameForm(ManualGameForm):
    owner = forms.ModelChoiceField(queryset=get_user_model().objects.order_by("username"))

    field_order = ["owner"]
