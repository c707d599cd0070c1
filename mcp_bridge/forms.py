"""Forms of the settings page."""

from __future__ import annotations

from django import forms

from gamedjinn.models import Profile
from mcp_bridge.models import ApiKey


class ThemeForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["theme"]
        widgets = {"theme": forms.RadioSelect}


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="Name",
        help_text="Where you will use it, e.g. “Claude Desktop”.",
        widget=forms.TextInput(attrs={"placeholder": "Claude Desktop", "autocomplete": "off"}),
    )
    scope = forms.ChoiceField(
        choices=ApiKey.Scope.choices,
        initial=ApiKey.Scope.READ,
        label="Access",
        help_text="Read and write can also add libraries, start syncs and create collections.",
    )
