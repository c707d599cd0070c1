from __future__ import annotations

from django.db import models


class Platform(models.Model):
    """A store releases belong to, or a source libraries come from (an account, an uploaded
    file). Kept in step with platforms.registry after every migrate; see platforms.sync_rows."""

    class Kind(models.TextChoices):
        ACCOUNT = "account", "Account"
        FILE = "file", "File import"
        STORE = "store", "Store without an integration"

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=64)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.STORE)
    api_available = models.BooleanField(
        default=False, help_text="True when Game Djinn has an integration that can sync it."
    )
    capabilities = models.JSONField(
        default=list,
        blank=True,
        help_text="What a sync brings: owned, playtime, last_played, metadata, achievements.",
    )
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name
