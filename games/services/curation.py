"""Curation: merging two games that are really one, and splitting a release off again.

Every merge records a Match per moved release (method "manual", verified) so it can be explained
and undone; a split removes those matches and gives the release a game of its own.
"""

from __future__ import annotations

from django.db import transaction

from games.models import Game, Match, Release


class CurationError(ValueError):
    pass


@transaction.atomic
def merge_games(target: Game, others: list[Game], *, user=None) -> Game:
    """Move every release of OTHERS onto TARGET, record why, and delete the emptied games."""
    others = [game for game in others if game.pk != target.pk]
    if not others:
        raise CurationError("Choose at least two different games to merge.")
    anchor = target.releases.order_by("pk").first()
    moved = list(Release.objects.filter(game__in=others).order_by("pk"))
    if anchor is None:
        anchor = moved[0]
    Release.objects.filter(pk__in=[release.pk for release in moved]).update(game=target)
    Match.objects.bulk_create(
        [
            Match(
                release=release,
                matched_release=anchor,
                method=Match.Method.MANUAL,
                confidence=1.0,
                verified=True,
                created_by=user,
            )
            for release in moved
            if release.pk != anchor.pk
        ],
        ignore_conflicts=True,
    )
    Game.objects.filter(parent__in=others).update(parent=target)
    for genre_owner in others:
        target.genres.add(*genre_owner.genres.all())
        target.categories.add(*genre_owner.categories.all())
    Game.objects.filter(pk__in=[game.pk for game in others]).delete()
    return target


@transaction.atomic
def split_release(release: Release) -> Game:
    """Give RELEASE a game of its own again, undoing the matches that tied it to its current game."""
    release = Release.objects.select_related("game", "platform").get(pk=release.pk)
    if release.game.releases.count() < 2:
        raise CurationError(
            f"{release} is the only release of {release.game}; there is nothing to split."
        )
    source = release.game
    new_game = Game.objects.create(
        title=release.store_name or source.title,
        game_type=source.game_type,
        metadata_status=Game.MetadataStatus.PENDING,
    )
    release.game = new_game
    release.save(update_fields=["game"])
    Match.objects.filter(release=release).delete()
    Match.objects.filter(matched_release=release).delete()
    return new_game
