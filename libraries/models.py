from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from gamedjinn.fields import EncryptedJSONField


class Library(models.Model):
    """One account on a store (Alice's Steam account) or one imported file (her GOG Galaxy
    database); its entries are releases on any store."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="libraries"
    )
    platform = models.ForeignKey(
        "platforms.Platform", on_delete=models.PROTECT, related_name="libraries"
    )
    user_identifier = models.CharField(
        max_length=128, help_text="The account id on the platform, e.g. a SteamID64."
    )
    display_name = models.CharField(max_length=128)
    avatar_url = models.URLField(max_length=500, blank=True)
    profile_url = models.URLField(max_length=500, blank=True)
    credentials = EncryptedJSONField(
        blank=True, default=dict, help_text="Encrypted at rest; never shown."
    )
    reconnect_reason = models.CharField(
        max_length=500,
        blank=True,
        help_text="Why the store signed this library out; empty while it is connected.",
    )
    reconnect_since = models.DateTimeField(null=True, blank=True)
    sync_enabled = models.BooleanField(default=True)
    sync_interval_hours = models.PositiveIntegerField(default=24)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "libraries"
        ordering = ["platform__sort_order", "display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "platform", "user_identifier"],
                name="one_library_per_account_and_owner",
            ),
            models.CheckConstraint(
                condition=Q(sync_interval_hours__gte=1), name="sync_interval_at_least_an_hour"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.platform.name})"

    @property
    def next_sync_due_at(self):
        if not self.sync_enabled:
            return None
        if self.last_synced_at is None:
            return timezone.now()
        return self.last_synced_at + timedelta(hours=self.sync_interval_hours)

    @property
    def needs_reconnect(self) -> bool:
        return self.reconnect_since is not None

    @property
    def sign_in_ends_at(self) -> datetime | None:
        """When a store said this library's sign-in will end (a client saves it in the
        credentials as ``expires_soon_at`` once the end is near), so the owner can renew it."""
        value = (self.credentials or {}).get("expires_soon_at")
        try:
            return datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            return None

    @property
    def masked_api_key(self) -> str:
        key = (self.credentials or {}).get("api_key", "")
        return f"••••{key[-4:]}" if key else ""


class SyncRun(models.Model):
    """One sync of one library: the source of truth for progress (WebSocket messages are hints)."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        RATE_LIMITED = "rate_limited"
        SUCCEEDED = "succeeded"
        FAILED = "failed"
        CANCELLED = "cancelled"

    class Phase(models.TextChoices):
        OWNED = "owned", "Owned games"
        DETAILS = "details", "Store metadata"
        ACHIEVEMENTS = "achievements", "Achievements"
        DONE = "done", "Done"

    class Trigger(models.TextChoices):
        MANUAL = "manual"
        SCHEDULE = "schedule"
        API = "api"
        MCP = "mcp"
        CLI = "cli"
        UPLOAD = "upload"

    ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING, Status.RATE_LIMITED)

    library = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="sync_runs")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    phase = models.CharField(max_length=16, choices=Phase.choices, default=Phase.OWNED)
    phases = models.JSONField(default=list, help_text="The phases this run does, in order.")
    trigger = models.CharField(max_length=16, choices=Trigger.choices, default=Trigger.MANUAL)
    force = models.BooleanField(default=False, help_text="Refetch metadata even when fresh.")
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    position = models.JSONField(
        default=dict, blank=True, help_text="Saved position to resume from."
    )
    games_added = models.PositiveIntegerField(default=0)
    games_updated = models.PositiveIntegerField(default=0)
    games_unchanged = models.PositiveIntegerField(default=0)
    games_removed = models.PositiveIntegerField(default=0)
    details_fetched = models.PositiveIntegerField(default=0)
    achievements_synced = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    error_code = models.CharField(max_length=32, blank=True)
    error_message = models.TextField(blank=True)
    retry_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    phase_started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Written every few seconds by the holder's heartbeat thread (libraries.progress), whatever the
    # sync is waiting for; heartbeat_at moves only at checkpoints and fences the holder's writes.
    alive_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["library", "-created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["library"],
                condition=Q(status__in=["queued", "running", "rate_limited"]),
                name="one_active_sync_per_library",
            ),
            models.CheckConstraint(
                condition=Q(done__lte=models.F("total")) | Q(total=0), name="done_within_total"
            ),
        ]

    def __str__(self) -> str:
        return f"Sync #{self.pk} of {self.library_id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == "succeeded" else 0
        # Items can join a phase while it runs, so done may pass total between checkpoints.
        return min(int(self.done * 100 / self.total), 100)

    @property
    def eta_seconds(self) -> int | None:
        """Remaining time of the current phase, extrapolated from its rate so far."""
        if not self.phase_started_at or not self.done or not self.total or self.done >= self.total:
            return None
        elapsed = (timezone.now() - self.phase_started_at).total_seconds()
        return int(elapsed / self.done * (self.total - self.done))


class LibraryGame(models.Model):
    """Ownership: one release in one library, with the player's own data."""

    class Status(models.TextChoices):
        BACKLOG = "backlog"
        PLAYING = "playing"
        COMPLETED = "completed"
        ABANDONED = "abandoned"
        WISHLIST = "wishlist"

    library = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="entries")
    release = models.ForeignKey(
        "games.Release", on_delete=models.CASCADE, related_name="ownerships"
    )
    playtime_minutes = models.PositiveIntegerField(default=0)
    playtime_2weeks_minutes = models.PositiveIntegerField(null=True, blank=True)
    last_played_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.BACKLOG)
    user_rating = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1 to 10")
    hidden = models.BooleanField(default=False)
    removed_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the game left the platform's owned list."
    )
    added_at = models.DateTimeField(default=timezone.now)
    acquired_at = models.DateTimeField(
        null=True, blank=True, help_text="When the store says it was bought or added."
    )
    updated_at = models.DateTimeField(default=timezone.now)
    achievements_pending = models.BooleanField(
        default=False,
        help_text="Reading its achievements failed in the last pass; the next pass tries again.",
    )
    notes = models.TextField(blank=True)
    started_on = models.DateField(null=True, blank=True)
    finished_on = models.DateField(null=True, blank=True)
    external_ids = models.JSONField(
        default=dict, blank=True, help_text='Ids of the game elsewhere, e.g. {"igdb": "1942"}.'
    )
    user_edited_fields = models.JSONField(
        default=list,
        blank=True,
        help_text="Fields the user changed in Game Djinn; a re-import never replaces them.",
    )
    # Roll-ups over the owner's present copies of the same game (games.services.rollups keeps
    # them; every write to playtime, ownership, removal, hiding or a release's game calls it).
    # Stored rather than grouped at read time: grouping made search as you type 4x slower.
    represents_game = models.BooleanField(
        default=True,
        help_text="The one copy that stands for the game in lists: the owner's most played "
        "present copy, shown copies before hidden ones, ties to the lowest id.",
    )
    game_playtime_minutes = models.PositiveIntegerField(
        default=0, help_text="Playtime of all the owner's present copies of this game, summed."
    )
    game_last_played_at = models.DateTimeField(
        null=True, blank=True, help_text="Latest play of any present copy of this game."
    )
    game_store_count = models.PositiveSmallIntegerField(
        default=1, help_text="How many stores the owner has a present copy of this game on."
    )

    # Set on the copies games.queries.game_detail returns, for the owned-on list; not columns.
    achievements_total: int
    achievements_unlocked: int

    # The player's own fields an import may bring (see libraries.services.phases.owned).
    USER_FIELDS = ("status", "user_rating", "notes", "started_on", "finished_on", "hidden")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["library", "release"], name="one_entry_per_release_and_library"
            ),
            models.CheckConstraint(
                condition=Q(user_rating__isnull=True) | Q(user_rating__gte=1, user_rating__lte=10),
                name="user_rating_1_to_10",
            ),
        ]
        indexes = [
            models.Index(fields=["library", "-playtime_minutes"]),
            models.Index(fields=["library", "-last_played_at"]),
            # The library lists read only the copies that stand for their game.
            models.Index(
                fields=["library", "-game_playtime_minutes"],
                condition=Q(represents_game=True),
                name="entry_game_playtime",
            ),
            models.Index(
                fields=["library", "-game_last_played_at"],
                condition=Q(represents_game=True),
                name="entry_game_last_played",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.release} in {self.library}"


class PlaytimeSnapshot(models.Model):
    """Total playtime of an entry as seen by a sync; written only when it changed."""

    entry = models.ForeignKey(LibraryGame, on_delete=models.CASCADE, related_name="snapshots")
    taken_on = models.DateField()
    playtime_minutes = models.PositiveIntegerField()

    class Meta:
        ordering = ["entry", "taken_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "taken_on"], name="one_snapshot_per_entry_and_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.playtime_minutes} min on {self.taken_on}"
