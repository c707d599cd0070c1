"""A player's own data about a game they own: status, rating, hidden."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from games.models import Game
from games.queries import visible_entries
from games.services.rollups import refresh_game_rollups
from libraries.models import LibraryGame


def update_ownership(
    user, game_id: int, *, status: str, user_rating: int | None, hidden: bool
) -> int:
    """Set status, rating and the hidden flag on every copy of GAME_ID the user owns and may see.

    Returns the number of copies updated. Raises Game.DoesNotExist when the user owns no visible
    copy (not theirs, or above their content-rating cap), so no one can edit what they cannot see.
    """
    if status not in LibraryGame.Status.values:
        raise ValueError(f"status must be one of: {', '.join(LibraryGame.Status.values)}.")
    if user_rating is not None and not 1 <= user_rating <= 10:
        raise ValueError("user_rating must be between 1 and 10.")
    entries = list(visible_entries(user).filter(release__game_id=game_id))
    if not entries:
        raise Game.DoesNotExist(f"No game {game_id} in your library.")
    with transaction.atomic():
        for entry in entries:
            edit_entry(entry, status=status, user_rating=user_rating, hidden=hidden)
        # Hiding decides which copy stands for the game (shown ones first).
        refresh_game_rollups(game_ids=[game_id], owner_ids=[user.pk])
    return len(entries)


def edit_entry(entry: LibraryGame, **values: Any) -> list[str]:
    """Set the player's own fields on ENTRY and remember which ones the user changed, so that a
    later import of another manager's file never undoes them. Returns the changed fields."""
    changed = [name for name, value in values.items() if getattr(entry, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(entry, name, values[name])
    entry.user_edited_fields = sorted(set(entry.user_edited_fields or ()) | set(changed))
    entry.updated_at = timezone.now()
    entry.save(update_fields=[*changed, "user_edited_fields", "updated_at"])
    return changed
