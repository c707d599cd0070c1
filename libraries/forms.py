"""Forms of the Platforms & libraries pages. Validation against the platform itself (does the key
work, does the account exist, is it public) happens in libraries.services, not here."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings

from platforms.models import Platform

INTERVAL_CHOICES = [
    (1, "Every hour"),
    (3, "Every 3 hours"),
    (6, "Every 6 hours"),
    (12, "Every 12 hours"),
    (24, "Every day"),
    (48, "Every 2 days"),
    (168, "Every week"),
]


class AddLibraryForm(forms.Form):
    platform = forms.ModelChoiceField(
        queryset=Platform.objects.filter(api_available=True),
        to_field_name="code",
        empty_label=None,
    )
    account = forms.CharField(
        max_length=200,
        label="Steam account",
        help_text="Your SteamID64 (17 digits), custom URL name, or profile URL.",
        widget=forms.TextInput(
            attrs={
                "placeholder": "76561197960287930 or steamcommunity.com/id/yourname",
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )
    api_key = forms.CharField(
        max_length=64,
        required=False,
        label="Steam Web API key",
        help_text="From steamcommunity.com/dev/apikey. Stored encrypted and never shown again.",
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    display_name = forms.CharField(
        max_length=128,
        required=False,
        label="Name (optional)",
        help_text="Defaults to the Steam profile's name.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if settings.STEAM_API_KEY:
            self.fields["api_key"].help_text = (
                "Optional: leave empty to use the server's key (STEAM_API_KEY). "
                "Stored encrypted and never shown again."
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        if not self.cleaned_data.get("api_key") and not settings.STEAM_API_KEY:
            self.add_error(
                "api_key", "Enter your Steam Web API key: this server has no STEAM_API_KEY."
            )
        return self.cleaned_data


class LibrarySettingsForm(forms.Form):
    display_name = forms.CharField(max_length=128, label="Name")
    sync_enabled = forms.BooleanField(required=False, label="Sync automatically")
    sync_interval_hours = forms.TypedChoiceField(
        choices=INTERVAL_CHOICES, coerce=int, label="How often"
    )
    api_key = forms.CharField(
        max_length=64,
        required=False,
        label="Replace the API key",
        help_text="Leave empty to keep the current key.",
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, interval: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = dict(INTERVAL_CHOICES)
        if interval and interval not in choices:
            # A schedule set elsewhere (API, admin) stays selectable.
            choices[interval] = f"Every {interval} hours"
            interval_field = cast(forms.TypedChoiceField, self.fields["sync_interval_hours"])
            interval_field.choices = sorted(choices.items())
