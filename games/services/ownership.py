"""A player's own data about a game they own: status, rating, hidden."""

from __future__ import annotations

from games.models import Game
from games.queries import visible_entries
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
    updated = (
        visible_entries(user)
        .filter(release__game_id=game_id)
        .update(status=status, user_rating=user_rating, hidden=hidden)
    )
    if not updated:
        raise Game.DoesNotExist(f"No game {game_id} in your library.")
    return updated
