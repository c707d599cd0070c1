from __future__ import annotations

from django.db import models


class Platform(models.Model):
    """A store or service a library can live on. Seeded by a data migration; see platforms.registry."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=64)
    api_available = models.BooleanField(
        default=False, help_text="True when Game Djinn has an integration that can sync it."
    )
    capabilities = models.JSONField(
        default=list,
        blank=True,
        help_text="What a sync brings: owned, playtime, metadata, achievements.",
    )
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name
