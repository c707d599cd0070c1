"""Forms of the Platforms & libraries pages. Validation against the platform itself (does the key
work, does the account exist, is it public) happens in libraries.services, not here."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings

from platforms.contract import FormField, IntegrationSpec, Kind

INTERVAL_CHOICES = [
    (1, "Every hour"),
    (3, "Every 3 hours"),
    (6, "Every 6 hours"),
    (12, "Every 12 hours"),
    (24, "Every day"),
    (48, "Every 2 days"),
    (168, "Every week"),
]


class StoreForm(forms.Form):
    """The add form of one store, built from its spec's fields (platforms.contract.FormField):
    for an account, what the store needs to sign in; for a file source, the file itself."""

    def __init__(
        self,
        spec: IntegrationSpec,
        *args: Any,
        reconnecting: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.spec = spec
        if spec.kind is Kind.FILE:
            self.fields["file"] = forms.FileField(
                label=spec.fields[0].label if spec.fields else "File",
                help_text=spec.fields[0].help_text if spec.fields else "",
                widget=forms.ClearableFileInput(attrs={"accept": ",".join(spec.accepts)}),
            )
        else:
            for declared in spec.fields:
                if reconnecting and declared.name == spec.account_field:
                    continue  # the library's own account
                widget: forms.Widget = (
                    forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"})
                    if declared.secret
                    else forms.TextInput(
                        attrs={
                            "placeholder": declared.placeholder,
                            "autocomplete": "off",
                            "spellcheck": "false",
                        }
                    )
                )
                self.fields[declared.name] = forms.CharField(
                    label=declared.label,
                    help_text=self._help(declared),
                    required=declared.required,
                    max_length=declared.max_length,
                    widget=widget,
                )
        if not reconnecting:
            self.fields["display_name"] = forms.CharField(
                max_length=128,
                required=False,
                label="Name (optional)",
                help_text=f"Defaults to the {spec.name} account's name.",
            )

    def _help(self, declared: FormField) -> str:
        # A server-wide value makes a secret optional; say so instead of asking for it.
        server_value = next(
            (
                getattr(settings, setting.name, "")
                for setting in self.spec.settings
                if setting.kind == "secret"
            ),
            "",
        )
        if declared.secret and not declared.required and server_value:
            return "Optional: leave empty to use the server's own. Stored encrypted, never shown."
        return declared.help_text

    def store_values(self) -> dict[str, str]:
        """The cleaned values of the store's own fields (not the name)."""
        names = {declared.name for declared in self.spec.fields}
        return {name: value for name, value in self.cleaned_data.items() if name in names}


class LibrarySettingsForm(forms.Form):
    display_name = forms.CharField(max_length=128, label="Name")
    sync_enabled = forms.BooleanField(required=False, label="Sync automatically")
    sync_interval_hours = forms.TypedChoiceField(
        choices=INTERVAL_CHOICES, coerce=int, label="How often"
    )

    def __init__(self, *args, interval: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = dict(INTERVAL_CHOICES)
        if interval and interval not in choices:
            # A schedule set elsewhere (API, admin) stays selectable.
            choices[interval] = f"Every {interval} hours"
            interval_field = cast(forms.TypedChoiceField, self.fields["sync_interval_hours"])
            interval_field.choices = sorted(choices.items())
