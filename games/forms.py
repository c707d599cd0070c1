"""Forms of the game pages: the library's filters (read from the URL) and a game's own data."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms

from games.queries import LibraryFilters
from games.ratings import ESRB_CHOICES, ESRB_ORDER
from games.schemas import TimePeriod
from libraries.models import LibraryGame
from platforms.registry import platform_name

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
STATUS_LABELS = dict(LibraryGame.Status.choices)


class RuleFields(forms.Form):
    """The library filters a smart collection can keep, under their URL names. The library page
    and the collection form share them, so the library's query string is the rule language:
    `rules()` turns them into a collection's rules and `rule_query()` turns rules back into them.

    Fields are deliberately free of database-backed choices: the page renders the options, but a
    fragment request (search as you type) must not pay for loading them. Values the user cannot
    see simply match nothing (the query path scopes everything to the user)."""

    platform = forms.SlugField(required=False, max_length=32)
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
    # Hours with up to two decimals: a rule stored in minutes (say 90, from the API) shows as
    # 1.5 and saves back as the same minutes.
    hours_min = forms.DecimalField(
        required=False, min_value=0, max_value=100_000, decimal_places=2, label="Hours from"
    )
    hours_max = forms.DecimalField(
        required=False, min_value=0, max_value=100_000, decimal_places=2, label="Hours to"
    )
    beat_max = forms.IntegerField(
        required=False, min_value=1, max_value=10_000, label="Beaten in under (hours)"
    )
    played = forms.ChoiceField(required=False, choices=PLAYED_CHOICES)
    released_from = forms.DateField(required=False, label="Released from")
    released_to = forms.DateField(required=False, label="Released to")

    RULE_FIELDS = (
        "platform", "genre", "status", "esrb", "mc_min", "mc_max", "hours_min", "hours_max",
        "beat_max", "played", "released_from", "released_to",
    )  # fmt: skip

    def value(self, name: str):
        return self.cleaned_data.get(name) if name in self.cleaned_data else None

    def rules(self) -> dict[str, Any]:
        """The filters in use, as a smart collection's rules (games.schemas.CollectionRules)."""
        value = self.value
        rules = {
            "platform": value("platform") or None,
            "genre": value("genre") or None,
            "status": value("status") or None,
            "esrb_max": value("esrb") or None,
            "metacritic_min": value("mc_min"),
            "metacritic_max": value("mc_max"),
            "playtime_min": _minutes(value("hours_min")),
            "playtime_max": _minutes(value("hours_max")),
            "time_to_beat_max": value("beat_max"),
            "played": {"yes": True, "no": False}.get(value("played") or ""),
            "released_after": value("released_from"),
            "released_before": value("released_to"),
        }
        return {name: rule for name, rule in rules.items() if rule is not None}


def rule_query(rules: dict[str, Any]) -> dict[str, str]:
    """A collection's stored RULES as the library page's URL parameters."""
    played = rules.get("played")
    query = {
        "platform": rules.get("platform"),
        "genre": rules.get("genre"),
        "status": rules.get("status"),
        "esrb": rules.get("esrb_max"),
        "mc_min": rules.get("metacritic_min"),
        "mc_max": rules.get("metacritic_max"),
        "hours_min": _hours(rules.get("playtime_min")),
        "hours_max": _hours(rules.get("playtime_max")),
        "beat_max": rules.get("time_to_beat_max"),
        "played": None if played is None else "yes" if played else "no",
        "released_from": rules.get("released_after"),
        "released_to": rules.get("released_before"),
    }
    return {name: str(value) for name, value in query.items() if value not in (None, "")}


def describe_rules(rules: dict[str, Any]) -> list[str]:
    """RULES in words, one short phrase each, e.g. ["Genre: RPG", "Never played"]."""
    query = rule_query(rules)
    phrases = []
    if "platform" in query:
        phrases.append(f"Platform: {platform_name(query['platform'])}")
    if "genre" in query:
        phrases.append(f"Genre: {query['genre']}")
    if "status" in query:
        phrases.append(f"Status: {STATUS_LABELS.get(query['status'], query['status'])}")
    if "esrb" in query:
        phrases.append(f"ESRB {ESRB_LABELS.get(query['esrb'], query['esrb'])} or milder")
    for low, high, label, unit in (
        ("mc_min", "mc_max", "Metacritic", ""),
        ("hours_min", "hours_max", "Playtime", " h"),
        ("released_from", "released_to", "Released", ""),
    ):
        if low in query and high in query:
            phrases.append(f"{label} {query[low]}{unit} to {query[high]}{unit}")
        elif low in query:
            phrases.append(f"{label} from {query[low]}{unit}")
        elif high in query:
            phrases.append(f"{label} up to {query[high]}{unit}")
    if "beat_max" in query:
        phrases.append(f"Beaten in under {query['beat_max']} h")
    if "played" in query:
        phrases.append("Played" if query["played"] == "yes" else "Never played")
    return phrases


class LibraryFilterForm(RuleFields):
    """The library page's state, all of it in the query string so a URL can be shared and the back
    button works: the rule fields, plus what a collection does not keep (the title search, one
    library, hidden games) and how the page shows the results."""

    q = forms.CharField(required=False, max_length=200, strip=True)
    library = forms.IntegerField(required=False, min_value=1)
    hidden = forms.BooleanField(required=False, label="Show hidden games")
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES)
    view = forms.ChoiceField(required=False, choices=VIEW_CHOICES)

    FILTER_FIELDS = ("q", "library", *RuleFields.RULE_FIELDS, "hidden")
    NOT_RULES = {"q": "the title search", "library": "the library", "hidden": "hidden games"}

    def __init__(self, data=None, **kwargs) -> None:
        super().__init__(data if data is not None else {}, **kwargs)
        self.is_valid()  # populate cleaned_data; invalid fields are reported and ignored

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
            time_to_beat_max=value("beat_max"),
            played=played,
            released_after=value("released_from"),
            released_before=value("released_to"),
            include_hidden=bool(value("hidden")),
            sort=value("sort") or "title",
        )


class CollectionForm(RuleFields):
    """A smart collection: its name and the library filters it keeps."""

    name = forms.CharField(max_length=100, label="Name")

    field_order = ["name"]


def _minutes(hours: Decimal | int | None) -> int | None:
    return None if hours is None else int((Decimal(hours) * 60).to_integral_value(ROUND_HALF_UP))


def _hours(minutes: int | None) -> str | None:
    """MINUTES as hours for a form field: 90 is "1.5", 120 is "2", 100 is "1.67"."""
    if minutes is None:
        return None
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")


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


PLAYED_IN_PERIOD = {
    "week": "Played this week",
    "month": "Played this month",
    "quarter": "Played this quarter",
    "year": "Played this year",
    "all": "Played since Game Djinn began tracking",
}


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


CRITERIA_CHOICES = [
    ("balanced", "A bit of everything"),
    ("unplayed", "Never played"),
    ("highly_rated", "Highly rated"),
    ("favourite_genre", "My favourite genres"),
    ("unfinished", "Unfinished"),
]
LIMIT_CHOICES = [(5, "5"), (10, "10"), (20, "20"), (50, "50")]


class RecommendationsForm(forms.Form):
    """The options of games.services.recommendations.recommend_games, read from the URL."""

    criteria = forms.ChoiceField(required=False, choices=CRITERIA_CHOICES, label="Favour")
    genre = forms.CharField(required=False, max_length=64, label="Genre")
    limit = forms.TypedChoiceField(
        required=False, choices=LIMIT_CHOICES, coerce=int, empty_value=None, label="How many"
    )
    hours = forms.IntegerField(required=False, min_value=1, max_value=10_000, label="Fits in")

    def __init__(self, data=None, **kwargs) -> None:
        super().__init__(data if data is not None else {}, **kwargs)
        self.is_valid()  # invalid options are reported and fall back to their defaults

    @property
    def options(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "criteria": data.get("criteria") or "balanced",
            "limit": data.get("limit") or 10,
            "genre_preference": (data.get("genre") or "").strip() or None,
            "max_hours": data.get("hours"),
        }


class ManualGameForm(forms.Form):
    """A game added by hand (games.services.manual): the device or store, and the player's own
    data. The title offers the catalogue's titles as the user types."""

    title = forms.CharField(max_length=300, label="Title")
    platform = forms.ChoiceField(label="Platform", initial="physical")
    store_id = forms.CharField(
        max_length=64,
        required=False,
        label="Store id (optional)",
        help_text="On a store, its id for the game (a Steam app id) makes it that store's copy.",
    )
    status = forms.ChoiceField(choices=LibraryGame.Status.choices, initial="backlog")
    user_rating = forms.TypedChoiceField(
        choices=[("", "Not rated"), *((n, f"{n} / 10") for n in range(10, 0, -1))],
        coerce=int,
        empty_value=None,
        required=False,
        label="Your rating",
    )
    playtime_hours = forms.DecimalField(
        min_value=0, max_digits=7, decimal_places=1, required=False, label="Hours played"
    )
    started_on = forms.DateField(
        required=False, label="Started", widget=forms.DateInput(attrs={"type": "date"})
    )
    finished_on = forms.DateField(
        required=False, label="Finished", widget=forms.DateInput(attrs={"type": "date"})
    )
    notes = forms.CharField(
        required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from platforms.devices import DEVICES
        from platforms.models import Platform

        super().__init__(*args, **kwargs)
        stores = [
            (code, name)
            for code, name in Platform.objects.exclude(kind=Platform.Kind.FILE)
            .exclude(code="manual")
            .order_by("sort_order", "name")
            .values_list("code", "name")
        ]
        platform_field = self.fields["platform"]
        assert isinstance(platform_field, forms.ChoiceField)
        platform_field.choices = [
            ("Devices", [(slug, name) for slug, name in DEVICES.items()]),
            ("Stores", stores),
        ]
        self.fields["title"].widget.attrs.update(
            {"autocomplete": "off", "list": "title-suggestions"}
        )

    def service_values(self) -> dict[str, Any]:
        """The cleaned values as games.services.manual takes them."""
        data = dict(self.cleaned_data)
        hours = data.pop("playtime_hours")
        data["playtime_minutes"] = int(
            (hours * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP) if hours else 0
        )
        return data

    @classmethod
    def initial_for(cls, game: Any) -> dict[str, Any]:
        """The form's values for an existing manual game (a ManualGame)."""
        from platforms.devices import device_slug

        return {
            "title": game.title,
            "platform": game.store if game.store_id else device_slug(game.platform),
            "store_id": game.store_id,
            "status": game.status,
            "user_rating": game.user_rating,
            "playtime_hours": Decimal(game.playtime_minutes) / 60
            if game.playtime_minutes
            else None,
            "started_on": game.started_on,
            "finished_on": game.finished_on,
            "notes": game.notes,
        }
