"""Games the user owns more than once, with playtime on each copy.

Two kinds count: a game owned on several platforms (Steam and GOG), and a duplicate purchase (the
same game twice on one platform, in two libraries, as one release or two releases a merge joined).
Both come from the same question, "more than one copy of this game", asked on visible entries only.
"""

from __future__ import annotations

from collections import Counter
from itertools import groupby

from django.db.models import Count, Q

from games.queries import visible_entries
from games.schemas import CrossPlatformGame, CrossPlatformGames, hours
from games.services.search import owned_copy


def cross_platform_games(user, *, limit: int = 50, offset: int = 0) -> CrossPlatformGames:
    entries = visible_entries(user).filter(hidden=False)
    shared = (
        entries.values("release__game_id")
        .annotate(
            platforms=Count("release__platform", distinct=True),
            copies=Count("id"),
        )
        .filter(Q(platforms__gt=1) | Q(copies__gt=1))
    )
    total = shared.count()
    game_ids = list(
        shared.order_by("release__game__sort_title", "release__game_id").values_list(
            "release__game_id", flat=True
        )[offset : offset + limit]
    )
    copies = (
        entries.filter(release__game_id__in=game_ids)
        .select_related("release__game", "release__platform", "library")
        .order_by(
            "release__game__sort_title",
            "release__game_id",
            "release__platform__sort_order",
            "library_id",
            "release_id",
        )
    )
    items = []
    for _game_id, grouped in groupby(copies, key=lambda entry: entry.release.game_id):
        group = list(grouped)
        game = group[0].release.game
        minutes = sum(entry.playtime_minutes for entry in group)
        top = max(group, key=lambda entry: entry.playtime_minutes)
        per_platform = Counter(entry.release.platform.name for entry in group)
        items.append(
            CrossPlatformGame(
                game_id=game.pk,
                title=game.title,
                copies=[owned_copy(entry) for entry in group],
                platform_count=len(per_platform),
                duplicate_on=[name for name, count in per_platform.items() if count > 1],
                total_playtime_minutes=minutes,
                total_playtime_hours=hours(minutes),
                most_played_on=top.release.platform.name if minutes else "",
            )
        )
    return CrossPlatformGames(items=items, total=total)
