from __future__ import annotations

from django.conf import settings
from django.db import models

from games.ratings import ESRB_CHOICES


class Profile(models.Model):
    """Per-user preferences, including the content-rating cap of a child's account."""

    class Theme(models.TextChoices):
        AUTO = "auto"
        LIGHT = "light"
        DARK = "dark"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    esrb_cap = models.CharField(
        max_length=4,
        choices=[c for c in ESRB_CHOICES if c[0] != "RP"],
        blank=True,
        help_text="When set, this user never sees a game rated above it, nor an unrated game.",
    )
    theme = models.CharField(max_length=8, choices=Theme.choices, default=Theme.AUTO)

    def __str__(self) -> str:
        return f"Profile of {self.user}"


def profile_for(user) -> Profile:
    """The user's profile, created on first use; cached on the user object like any one-to-one."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        profile, _ = Profile.objects.get_or_create(user=user)
        user.profile = profile
        return profile
