"""Geometry for the analytics page's server-side SVG charts (no JavaScript, no chart library).

Each function turns figures into shapes the templates draw. Positions along the x axis are
percentages, so a chart stretches to any width while its text keeps its size (phone or desktop).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

CHART_HEIGHT = 180  # plot height in px for column and area charts
BAR_ROW_HEIGHT = 40  # px per horizontal bar: its label above, the bar below
LABEL_CHARS = 28


def _short(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "\u2026"


@dataclass(frozen=True)
class Bar:
    label: str
    title: str  # the full label, for the tooltip
    display: str
    percent: float  # bar length, 0 to 100, relative to the largest value
    y: int
    url: str = ""


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    height: int


def bar_chart(rows: Sequence[tuple[str, float, str, str]], limit: int = 10) -> BarChart:
    """Horizontal bars: (label, value, display text, link) per row, largest first as given."""
    rows = list(rows)[:limit]
    top = max((value for _, value, _, _ in rows), default=0) or 1
    bars = [
        Bar(
            label=_short(label),
            title=label,
            display=display,
            percent=round(max(value, 0) * 100 / top, 2),
            y=index * BAR_ROW_HEIGHT,
            url=url,
        )
        for index, (label, value, display, url) in enumerate(rows)
    ]
    return BarChart(bars=bars, height=len(bars) * BAR_ROW_HEIGHT)


@dataclass(frozen=True)
class Column:
    label: str
    display: str
    x: float  # percent
    width: float  # percent
    y: float  # px from the top of the plot
    height: float  # px
    show_label: bool


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class ColumnChart:
    columns: list[Column]
    ticks: list[Tick]
    height: int = CHART_HEIGHT


def _nice_max(value: float) -> float:
    """The smallest 1, 2 or 5 times 10^n at or above VALUE, so grid lines fall on round numbers."""
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def column_chart(
    points: Sequence[tuple[str, float, str]], unit: str = "", max_labels: int = 8
) -> ColumnChart:
    """Vertical columns: (label, value, display text) per point, in order along the x axis."""
    points = list(points)
    if not points:
        return ColumnChart(columns=[], ticks=[])
    top = _nice_max(max(value for _, value, _ in points))
    slot = 100 / len(points)
    gap = min(slot * 0.25, 1.2)
    every = max(1, math.ceil(len(points) / max_labels))
    columns = []
    for index, (label, value, display) in enumerate(points):
        height = round(max(value, 0) / top * CHART_HEIGHT, 2)
        columns.append(
            Column(
                label=label,
                display=display,
                x=round(index * slot + gap / 2, 3),
                width=round(slot - gap, 3),
                y=round(CHART_HEIGHT - height, 2),
                height=height,
                show_label=index % every == 0,
            )
        )
    ticks = [
        Tick(
            y=round(CHART_HEIGHT - CHART_HEIGHT * step / 4, 2), label=f"{top * step / 4:,.0f}{unit}"
        )
        for step in range(1, 5)
    ]
    return ColumnChart(columns=columns, ticks=ticks)


@dataclass(frozen=True)
class Segment:
    label: str
    value: int
    percent: float
    color: str
    dasharray: str
    dashoffset: float


DONUT_RADIUS = 15.915  # circumference of 100: dash lengths are percentages
DONUT_COLORS = ["#7c6cff", "#36c5f0", "#22b573", "#f2a93b", "#ef5b75", "#9aa1b5"]


def donut(parts: Sequence[tuple[str, int]]) -> list[Segment]:
    """Ring segments for (label, count) parts; zero parts keep their legend entry."""
    total = sum(value for _, value in parts) or 1
    segments, start = [], 0.0
    for index, (label, value) in enumerate(parts):
        percent = value * 100 / total
        segments.append(
            Segment(
                label=label,
                value=value,
                percent=round(percent, 1),
                color=DONUT_COLORS[index % len(DONUT_COLORS)],
                dasharray=f"{percent:.3f} {100 - percent:.3f}",
                dashoffset=round(25 - start, 3),  # start at 12 o'clock
            )
        )
        start += percent
    return segments


@dataclass(frozen=True)
class AxisLabel:
    x: float  # percent
    label: str


@dataclass(frozen=True)
class AreaChart:
    line: str  # SVG path in a 1000 by CHART_HEIGHT box, stretched to the chart's width
    area: str
    labels: list[AxisLabel]
    ticks: list[Tick]
    peak: str
    height: int = CHART_HEIGHT


def area_chart(
    points: Sequence[tuple[str, float]], unit: str = "", max_labels: int = 6
) -> AreaChart | None:
    """A filled line over time: (label, value) per point. None when there is nothing to draw."""
    points = list(points)
    if len(points) < 2 or not any(value for _, value in points):
        return None
    top = _nice_max(max(value for _, value in points))
    step = 1000 / (len(points) - 1)
    coords = [
        (round(index * step, 2), round(CHART_HEIGHT - value / top * CHART_HEIGHT, 2))
        for index, (_, value) in enumerate(points)
    ]
    line = "M" + " L".join(f"{x},{y}" for x, y in coords)
    area = f"{line} L1000,{CHART_HEIGHT} L0,{CHART_HEIGHT} Z"
    every = max(1, math.ceil(len(points) / max_labels))
    labels = [
        AxisLabel(x=round(index * 100 / (len(points) - 1), 3), label=label)
        for index, (label, _) in enumerate(points)
        if index % every == 0
    ]
    ticks = [
        Tick(y=round(CHART_HEIGHT - CHART_HEIGHT * s / 4, 2), label=f"{top * s / 4:,.0f}{unit}")
        for s in range(1, 5)
    ]
    peak_value = max(value for _, value in points)
    return AreaChart(
        line=line, area=area, labels=labels, ticks=ticks, peak=f"{peak_value:,.0f}{unit}"
    )


@dataclass(frozen=True)
class AnalyticsCharts:
    genres: BarChart
    platforms: BarChart
    top: BarChart
    years: ColumnChart
    statuses: list[Segment]
    activity: AreaChart | None


def _hours(minutes: int) -> str:
    return f"{minutes / 60:,.0f} h" if minutes >= 600 else f"{minutes / 60:,.1f} h"


def analytics_charts(patterns, game_url, genre_url) -> AnalyticsCharts:
    """Every chart of the analytics page from games.services.analytics' GamingPatterns.

    GAME_URL(game_id) and GENRE_URL(name) make the bars links into the library.
    """
    years = [bucket for bucket in patterns.by_release_year if bucket.year is not None]
    year_points = []
    if years:
        # Every year in the span, so gaps show as gaps instead of being squeezed out.
        by_year = {bucket.year: bucket for bucket in years}
        for year in range(years[0].year, years[-1].year + 1):
            bucket = by_year.get(year)
            minutes, games = (bucket.minutes, bucket.games) if bucket else (0, 0)
            year_points.append((str(year), minutes / 60, f"{_hours(minutes)} · {games} games"))
    activity_days = patterns.period.name in ("week", "month")
    return AnalyticsCharts(
        genres=bar_chart(
            [
                (s.name, s.minutes, _hours(s.minutes), genre_url(s.name))
                for s in patterns.playtime_by_genre
                if s.minutes
            ]
        ),
        platforms=bar_chart(
            [
                (s.name, s.minutes, f"{_hours(s.minutes)} · {s.games} games", "")
                for s in patterns.playtime_by_platform
            ]
        ),
        top=bar_chart(
            [
                (g.title, g.minutes, _hours(g.minutes), game_url(g.game_id))
                for g in patterns.most_played
            ]
        ),
        years=column_chart(year_points, unit=" h"),
        statuses=donut(
            [
                ("Backlog", patterns.backlog),
                ("Playing", patterns.playing),
                ("Completed", patterns.completed),
                ("Abandoned", patterns.abandoned),
            ]
        ),
        activity=area_chart(
            [
                (point.start.strftime("%b %-d" if activity_days else "%b %Y"), point.minutes / 60)
                for point in patterns.activity
            ],
            unit=" h",
        ),
    )
