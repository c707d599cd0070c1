from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from games.ratings import ESRB_CHOICES, PEGI_CHOICES
from games.titles import normalize_title, sort_title


class Genre(models.Model):
    name = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """A store feature tag: Single-player, Online Co-op, Steam Achievements, …"""

    name = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Game(models.Model):
    """One real-world title, whatever store it was bought on."""

    class Type(models.TextChoices):
        GAME = "game"
        DLC = "dlc"
        DEMO = "demo"
        MOD = "mod"
        OTHER = "other"

    class MetadataStatus(models.TextChoices):
        PENDING = "pending", "Not fetched yet"
        FETCHED = "fetched", "From the store"
        UNAVAILABLE = "unavailable", "No store data"

    title = models.CharField(max_length=300)
    # No index of their own: nothing looks a game up by its normalised title (the matcher keys
    # titles in memory), and the keyset index (sort_title, id) serves every sort by title.
    # Each index is paid on every insert of a first sync.
    normalized_title = models.CharField(max_length=300, editable=False)
    sort_title = models.CharField(max_length=300, editable=False)
    game_type = models.CharField(max_length=8, choices=Type.choices, default=Type.GAME)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dlcs",
        help_text="The base game of a DLC.",
    )
    description = models.TextField(blank=True)
    genres = models.ManyToManyField(Genre, blank=True, related_name="games")
    categories = models.ManyToManyField(Category, blank=True, related_name="games")
    developers = models.JSONField(default=list, blank=True)
    publishers = models.JSONField(default=list, blank=True)
    release_date = models.DateField(null=True, blank=True)
    release_date_text = models.CharField(max_length=64, blank=True)
    esrb_rating = models.CharField(max_length=4, choices=ESRB_CHOICES, blank=True, db_index=True)
    esrb_descriptors = models.JSONField(default=list, blank=True)
    pegi_rating = models.CharField(max_length=2, choices=PEGI_CHOICES, blank=True)
    required_age = models.PositiveSmallIntegerField(default=0)
    content_descriptor_ids = models.JSONField(default=list, blank=True)
    content_descriptor_notes = models.TextField(blank=True)
    metacritic_score = models.PositiveSmallIntegerField(null=True, blank=True)
    metacritic_url = models.URLField(max_length=500, blank=True)
    cover_url = models.URLField(max_length=500, blank=True)
    header_url = models.URLField(max_length=500, blank=True)
    capsule_url = models.URLField(max_length=500, blank=True)
    background_url = models.URLField(max_length=500, blank=True)
    screenshots = models.JSONField(default=list, blank=True)
    os_platforms = models.JSONField(default=list, blank=True)
    is_free = models.BooleanField(default=False)
    website = models.URLField(max_length=500, blank=True)
    # Hours to finish, as minutes (HowLongToBeat, else IGDB): the main story, main story with
    # extras, everything. Null when no source knows.
    time_to_beat_main = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    time_to_beat_extras = models.PositiveIntegerField(null=True, blank=True)
    time_to_beat_completionist = models.PositiveIntegerField(null=True, blank=True)
    metadata_status = models.CharField(
        max_length=12, choices=MetadataStatus.choices, default=MetadataStatus.PENDING, db_index=True
    )
    metadata_updated_at = models.DateTimeField(null=True, blank=True)
    user_edited_fields = models.JSONField(
        default=list,
        blank=True,
        help_text="Metadata fields the user set by hand; no store's metadata replaces them.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_title", "id"]
        indexes = [models.Index(fields=["sort_title", "id"], name="game_sort_keyset")]
        constraints = [
            models.CheckConstraint(
                condition=Q(metacritic_score__isnull=True) | Q(metacritic_score__lte=100),
                name="metacritic_0_to_100",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.normalized_title = normalize_title(self.title)
        self.sort_title = sort_title(self.title)
        super().save(*args, **kwargs)


class Release(models.Model):
    """A game's identity on one store (Steam appid 620 → Portal 2), with the store's raw payload."""

    platform = models.ForeignKey(
        "platforms.Platform", on_delete=models.PROTECT, related_name="releases"
    )
    external_id = models.CharField(max_length=64)
    game = models.ForeignKey(Game, on_delete=models.CASCADE, related_name="releases")
    store_name = models.CharField(max_length=300, blank=True, help_text="The name the store uses.")
    icon_url = models.URLField(max_length=500, blank=True)
    has_stats = models.BooleanField(
        default=False, help_text="The store reports achievements or stats."
    )
    achievement_schema_pending = models.BooleanField(
        default=False,
        help_text="Its achievements were named from a player's answer; the schema (icons, "
        "hidden flags) is read by a later sync.",
    )
    raw = models.JSONField(
        default=dict, blank=True, help_text="The store's metadata payload as received."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "external_id"], name="one_release_per_store_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.store_name or self.external_id} on {self.platform_id}"

    @property
    def store_url(self) -> str:
        return self.store_url_for(self.platform.code, self.external_id)

    @staticmethod
    def store_url_for(platform_code: str, external_id: str) -> str:
        from platforms.registry import store_url

        return store_url(platform_code, external_id)


class SourceMetadata(models.Model):
    """What one source says about one release (Steam's store page, GOG's catalogue, …).

    Kept per source so no store overwrites another; the game's own columns are resolved from
    these by settings.METADATA_SOURCE_PRIORITY (games.services.catalogue.resolve_metadata),
    and fields the user edited are never replaced.
    """

    class Status(models.TextChoices):
        FETCHED = "fetched", "Fetched"
        UNAVAILABLE = "unavailable", "The source no longer lists it"

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="metadata")
    source = models.SlugField(max_length=32)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.FETCHED)
    data = models.JSONField(default=dict, blank=True)
    fetched_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "source metadata"
        constraints = [
            models.UniqueConstraint(
                fields=["release", "source"], name="one_metadata_per_release_and_source"
            )
        ]
        indexes = [models.Index(fields=["source", "fetched_at"])]

    def __str__(self) -> str:
        return f"{self.source} metadata of release {self.release_id}"


class Achievement(models.Model):
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="achievements")
    api_name = models.CharField(max_length=200)
    display_name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    hidden = models.BooleanField(default=False)
    icon_url = models.URLField(max_length=500, blank=True)
    icon_gray_url = models.URLField(max_length=500, blank=True)
    global_percent = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["release", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "api_name"], name="one_achievement_per_api_name"
            )
        ]

    def __str__(self) -> str:
        return self.display_name


class UnlockedAchievement(models.Model):
    library = models.ForeignKey(
        "libraries.Library", on_delete=models.CASCADE, related_name="unlocks"
    )
    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="unlocks")
    unlocked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["library", "achievement"], name="one_unlock_per_library"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.achievement} unlocked in {self.library_id}"


class Match(models.Model):
    """Why two releases are (or might be) the same game: a join the matcher or a curator made,
    or a suggestion waiting for a decision. Rejected and undone pairs are never joined or
    suggested again; every accepted match belongs to a recorded, undoable merge."""

    class Method(models.TextChoices):
        MANUAL = "manual"
        EXACT_TITLE = "exact_title"
        NORMALIZED_TITLE = "normalized_title"
        FUZZY_TITLE = "fuzzy_title"
        STORE_LINK = "store_link"
        EXTERNAL_ID = "external_id"

    class Status(models.TextChoices):
        SUGGESTED = "suggested"
        ACCEPTED = "accepted"
        REJECTED = "rejected"
        UNDONE = "undone"

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="matches")
    matched_release = models.ForeignKey(
        Release, on_delete=models.CASCADE, related_name="matched_by"
    )
    method = models.CharField(max_length=20, choices=Method.choices)
    confidence = models.FloatField(default=1.0, help_text="The score, 0 to 1.")
    verified = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ACCEPTED, db_index=True
    )
    evidence = models.TextField(blank=True, help_text="Why, in words.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="Empty when the matcher made it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    curation = models.ForeignKey(
        "Curation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="matches",
        help_text="The merge that applied it.",
    )

    class Meta:
        verbose_name_plural = "matches"
        constraints = [
            models.UniqueConstraint(
                fields=["release", "matched_release"], name="one_match_per_pair"
            ),
            models.CheckConstraint(
                condition=~Q(release=models.F("matched_release")), name="match_not_self"
            ),
            models.CheckConstraint(
                condition=Q(confidence__gte=0, confidence__lte=1), name="confidence_0_to_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.release} = {self.matched_release} ({self.method}, {self.status})"

    @property
    def score(self) -> int:
        return round(self.confidence * 100)


class Curation(models.Model):
    """One merge or split, with what is needed to undo it (the games a merge removed, where
    each release was before, the matches a split took away)."""

    class Kind(models.TextChoices):
        MERGE = "merge"
        SPLIT = "split"

    kind = models.CharField(max_length=5, choices=Kind.choices)
    game = models.ForeignKey(
        Game,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The game merged into, or the new game of a split.",
    )
    summary = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.summary or f"{self.kind} {self.pk}"


class ReleaseExternalId(models.Model):
    """What a metadata source says a release is elsewhere: Galaxy's release group
    (``galaxy_group`` → "steam:292030", another store's id of the same game) or a source's own
    id shared by every store's release of one game (``igdb`` → "1942")."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="external_ids")
    source = models.SlugField(max_length=32)
    value = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["release", "source", "value"], name="one_external_id_per_release"
            )
        ]
        indexes = [models.Index(fields=["source", "value"])]

    def __str__(self) -> str:
        return f"{self.source} {self.value} of release {self.release_id}"


class Collection(models.Model):
    """A smart collection: stored rules, re-evaluated whenever it is read."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collections"
    )
    name = models.CharField(max_length=100)
    rules = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"], name="unique_collection_name_per_owner"
            )
        ]

    def __str__(self) -> str:
        return self.name
