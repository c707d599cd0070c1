"""The sidebar's count of open suggestions stops at "99+": every page shows it, and a big
household's first match can leave thousands; the matches page still counts them all."""

from __future__ import annotations

from games.models import Match
from games.services.review import list_suggestions, open_suggestion_badge
from tests.games.review_support import owned
from tests.web.test_matches_page import sidebar_count


def _suggest(user, pairs: int) -> None:
    Match.objects.bulk_create(
        Match(
            release_id=owned(user, "steam", f"Voyage {n}").release_id,
            matched_release_id=owned(user, "gog", f"Voyage {n}: Director's Cut").release_id,
            method=Match.Method.FUZZY_TITLE,
            confidence=0.9,
            status=Match.Status.SUGGESTED,
            evidence="titles alike",
        )
        for n in range(pairs)
    )


def test_it_counts_up_to_99(alice, client):
    _suggest(alice, 99)
    assert open_suggestion_badge(alice) == "99"
    client.force_login(alice)
    assert sidebar_count(client.get("/library/").content.decode()) == "99"


def test_it_shows_99_plus_past_that_while_the_matches_page_counts_them_all(alice, client):
    _suggest(alice, 100)
    assert open_suggestion_badge(alice) == "99+"
    assert list_suggestions(alice).total == 100
    client.force_login(alice)
    assert ">99+<" in client.get("/library/").content.decode()


def test_it_shows_nothing_without_suggestions(alice, bob):
    _suggest(bob, 1)
    assert open_suggestion_badge(alice) == ""
