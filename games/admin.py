from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin, messages
from django.db.models import Count

from games.models import (
    Achievement,
    Category,
    Collection,
    Game,
    Genre,
    Match,
    Release,
    UnlockedAchievement,
)
from games.services.catalogue import forget_user_edits, record_user_edits
from games.services.curation import (
    CurationError,
    accept_match,
    merge_games,
    reject_match,
    split_release,
    undo_decision,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    class _ReleaseCount(TypedDict):
        _release_count: int


class ReleaseInline(admin.TabularInline):
    model = Release
    extra = 0
    fields = ("platform", "external_id", "store_name", "has_stats")
    readonly_fields = ("platform", "external_id", "store_name", "has_stats")
    show_change_link = True
    can_delete = False


@admin.register(Game)
class GameAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "game_type",
        "release_date",
        "esrb_rating",
        "pegi_rating",
        "metacritic_score",
        "metadata_status",
        "release_count",
    )
    list_filter = (
        "game_type",
        "metadata_status",
        "esrb_rating",
        "pegi_rating",
        "is_free",
        "genres",
    )
    search_fields = ("title", "normalized_title", "developers", "publishers")
    autocomplete_fields = ("parent",)
    filter_horizontal = ("genres", "categories")
    readonly_fields = (
        "normalized_title",
        "sort_title",
        "metadata_updated_at",
        "user_edited_fields",
        "created_at",
        "updated_at",
    )
    inlines = [ReleaseInline]
    actions = ["merge_selected", "forget_edits"]

    def save_related(self, request, form, formsets, change):
        """What an admin changes by hand is the user's word: no store's metadata replaces it
        (games.services.catalogue resolves every other field from the stores)."""
        super().save_related(request, form, formsets, change)
        if change and form.changed_data:
            record_user_edits(form.instance, form.changed_data)

    @admin.action(description="Forget hand edits: let the stores' metadata fill these games again")
    def forget_edits(self, request, queryset):
        forget_user_edits(queryset.values_list("pk", flat=True))
        self.message_user(
            request, "The stores' metadata fills those games again.", messages.SUCCESS
        )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_release_count=Count("releases"))

    @admin.display(description="Releases", ordering="_release_count")
    def release_count(self, game: WithAnnotations[Game, _ReleaseCount]) -> int:
        return game._release_count

    @admin.action(description="Merge selected games into the first one (records a manual match)")
    def merge_selected(self, request, queryset):
        games = list(queryset.order_by("pk"))
        try:
            target = merge_games(games[0], games[1:], user=request.user)
        except CurationError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(
            request, f"Merged {len(games) - 1} game(s) into “{target}”.", messages.SUCCESS
        )


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ("store_name", "platform", "external_id", "game", "has_stats")
    list_filter = ("platform", "has_stats")
    search_fields = ("store_name", "external_id", "game__title")
    list_select_related = ("platform", "game")
    raw_id_fields = ("game",)
    actions = ["split_selected"]

    @admin.action(description="Split selected releases off into games of their own")
    def split_selected(self, request, queryset):
        for release in queryset.select_related("game"):
            try:
                game = split_release(release, user=request.user)
            except CurationError as exc:
                self.message_user(request, str(exc), messages.WARNING)
            else:
                self.message_user(request, f"{release} now belongs to “{game}”.", messages.SUCCESS)


@admin.register(Genre, Category)
class NameAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)


@admin.register(Achievement)
class AchievementAdmin(admin.ModelAdmin):
    list_display = ("display_name", "release", "hidden", "global_percent")
    list_filter = ("hidden",)
    search_fields = ("display_name", "api_name", "release__store_name")
    list_select_related = ("release",)
    raw_id_fields = ("release",)


@admin.register(UnlockedAchievement)
class UnlockedAchievementAdmin(admin.ModelAdmin):
    list_display = ("achievement", "library", "unlocked_at")
    list_select_related = ("achievement", "library__platform")
    raw_id_fields = ("achievement", "library")
    date_hierarchy = "unlocked_at"


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = (
        "release",
        "matched_release",
        "method",
        "confidence",
        "verified",
        "status",
        "created_by",
        "created_at",
    )
    list_filter = ("status", "method", "verified")
    list_select_related = ("release__platform", "matched_release__platform", "created_by")
    raw_id_fields = ("release", "matched_release")
    readonly_fields = ("curation", "decided_by", "decided_at")
    actions = ["accept_selected", "reject_selected", "undo_selected"]

    def _decide(self, request, queryset, decide, done: str) -> None:
        """Apply DECIDE (a curation service function, as the matches page uses) to each
        selected match; a match it cannot apply to is reported, the others still go ahead."""
        count = 0
        for match in queryset.order_by("pk"):
            try:
                decide(match, user=request.user)
            except CurationError as exc:
                self.message_user(request, f"{match}: {exc}", messages.WARNING)
            else:
                count += 1
        if count:
            self.message_user(request, f"{done} {count} match(es).", messages.SUCCESS)

    @admin.action(description="Accept the selected suggestions (merge their games)")
    def accept_selected(self, request, queryset):
        self._decide(request, queryset, accept_match, "Accepted")

    @admin.action(description="Reject the selected suggestions (never suggest them again)")
    def reject_selected(self, request, queryset):
        self._decide(request, queryset, reject_match, "Rejected")

    @admin.action(description="Undo the decision on the selected matches")
    def undo_selected(self, request, queryset):
        self._decide(request, queryset, undo_decision, "Undid")


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "created_at")
    search_fields = ("name",)
    list_select_related = ("owner",)
