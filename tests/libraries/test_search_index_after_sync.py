"""After a sync adds games, title search is fast at once: the trigram index has nothing pending."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.libraries.conftest import run_sync_now


def pending_pages() -> int:
    """Merges the index's pending list and says how many pages it held."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list('games_game_title_trgm'::regclass)")
        return cursor.fetchone()[0]


# The GIN pending list is PostgreSQL's; SQLite's FTS5 index has none.
@pytest.mark.postgres
def test_it_leaves_no_pending_entries_in_the_title_index(library, world):
    run = run_sync_now(library, phases=["owned"])

    assert run.games_added == 60
    assert pending_pages() == 0
