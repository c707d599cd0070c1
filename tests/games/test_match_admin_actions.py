"""The Django admin's actions on matches call the curation service: accept, reject, undo."""

from __future__ import annotations

from games.models import Match, Release
from tests.games.review_support import suggested_pair


def act(client, action: str, match: Match):
    return client.post(
        "/admin/games/match/",
        {"action": action, "_selected_action": [match.pk]},
        follow=True,
    )


def test_it_accepts_and_undoes_from_the_admin(admin_client, alice):
    steam, gog, match = suggested_pair(alice)
    act(admin_client, "accept_selected", match)
    assert (
        Release.objects.get(pk=steam.release_id).game_id
        == Release.objects.get(pk=gog.release_id).game_id
    )
    act(admin_client, "undo_selected", match)
    assert Match.objects.get().status == "undone"
    assert (
        Release.objects.get(pk=steam.release_id).game_id
        != Release.objects.get(pk=gog.release_id).game_id
    )


def test_it_rejects_and_says_what_it_could_not_do(admin_client, alice):
    _, _, match = suggested_pair(alice)
    act(admin_client, "reject_selected", match)
    assert Match.objects.get().status == "rejected"
    html = act(admin_client, "reject_selected", match).content.decode()
    assert "not a suggestion to reject" in html
