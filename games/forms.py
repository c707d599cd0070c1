"""Forms of the game pages: the library's filters (read from the URL) and a game's own data."""

from __future__ import annotations

from django import forms

from games.queries import LibraryFilters
from games.ratings import ESRB_CHOICES, ESRB_ORDER
from games.schemas import TimePeriod
from libraries.models import LibraryGame

SORT_CHOICES = [
    ("title", "Title (A\u2013Z)"),
    ("playtime", "Most played"),
    ("last_played", "Recently played"),
    ("metacritic", "Metacritic score"),
    ("release_date", "Release date"),
    ("added", "Recently added"),
]

VIEW_CHOICES = [("grid", "Grid"), ("list", "List")]
PLAYED_CHOICES = [("", "Played or not"), ("yes", "Played"), ("no", "Never played")]
ESRB_LABELS = dict(ESRB_CHOICES)


class LibraryFilterForm(forms.Form):
    """The library page's state, all of it in the query string so a URL can be shared and the back
    button works. Fields are deliberately free of database-backed choices: the page renders the
    options, but a fragment request (search as you type) must not pay for loading them. Values the
    user cannot see simply match nothing (the query path scopes everything to the user)."""

    q = forms.CharField(required=False, max_length=200, strip=True)
    platform = forms.SlugField(required=False, max_length=32)
    library = forms.IntegerField(required=False, min_value=1)
    genre = forms.CharField(required=False, max_length=64)
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *LibraryGame.Status.choices]
    )
    esrb = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Any rating"),
            *[(code, f"{ESRB_LABELS[code]} or milder") for code in ESRB_ORDER],
        ],
        label="ESRB rating",
    )
    mc_min = forms.IntegerField(required=False, min_value=0, max_value=100, label="Metacritic from")
    mc_max = forms.IntegerField(required=False, min_value=0, max_value=100, label="Metacritic to")
    hours_min = forms.IntegerField(
        required=False, min_value=0, max_value=100_000, label="Hours from"
    )
    hours_max = forms.IntegerField(required=False, min_value=0, max_value=100_000, label="Hours to")
    played = forms.ChoiceField(required=False, choices=PLAYED_CHOICES)
    hidden = forms.BooleanField(required=False, label="Show hidden games")
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES)
    view = forms.ChoiceField(required=False, choices=VIEW_CHOICES)

    FILTER_FIELDS = (
        "q", "platform", "library", "genre", "status", "esrb", "mc_min", "mc_max",
        "hours_min", "hours_max", "played", "hidden",
    )  # fmt: skip

    def __init__(self, data=None, **kwargs) -> None:
        super().__init__(data if data is not None else {}, **kwargs)
        self.is_valid()  # populate cleaned_data; invalid fields are reported and ignored

    def value(self, name: str):
        return self.cleaned_data.get(name) if name in self.cleaned_data else None

    @property
    def layout(self) -> str:
        return self.value("view") or "grid"

    @property
    def active_filters(self) -> list[str]:
        """Names of the filters in use (the search box and sort order aside)."""
        return [
            name for name in self.FILTER_FIELDS[1:] if self.value(name) not in (None, "", False)
        ]

    def filters(self) -> LibraryFilters:
        value = self.value
        played = {"yes": True, "no": False}.get(value("played") or "")
        return LibraryFilters(
            q=value("q") or "",
            platform=value("platform") or "",
            library_id=value("library"),
            genre=value("genre") or "",
            status=value("status") or "",
            esrb_max=value("esrb") or "",
            metacritic_min=value("mc_min"),
            metacritic_max=value("mc_max"),
            playtime_min=_minutes(value("hours_min")),
            playtime_max=_minutes(value("hours_max")),
            played=played,
            include_hidden=bool(value("hidden")),
            sort=value("sort") or "title",
        )


def _minutes(hours: int | None) -> int | None:
    return None if hours is None else hours * 60


class OwnershipForm(forms.Form):
    """What a player says about a game they own: applies to every copy they own of it."""

    status = forms.ChoiceField(choices=LibraryGame.Status.choices)
    user_rating = forms.TypedChoiceField(
        required=False,
        choices=[("", "Not rated"), *[(str(n), f"{n} / 10") for n in range(10, 0, -1)]],
        coerce=int,
        empty_value=None,
        label="Your rating",
    )
    hidden = forms.BooleanField(required=False, label="Hide from the library and the dashboard")


PERIOD_CHOICES = [
    ("week", "Last 7 days"),
    ("month", "Last 30 days"),
    ("quarter", "Last 3 months"),
    ("year", "Last 12 months"),
    ("all", "All time"),
]


class AnalyticsForm(forms.Form):
    period = forms.ChoiceField(required=False, choices=PERIOD_CHOICES)
    library = forms.IntegerField(required=False, min_value=1)

    def __init__(self, data=None, **kwargs) -> None:
        super().__init__(data if data is not None else {}, **kwargs)
        self.is_valid()

    @property
    def time_period(self) -> TimePeriod:
        return self.cleaned_data.get("period") or "month"

    @property
    def library_id(self) -> int | None:
        return self.cleaned_data.get("library")
