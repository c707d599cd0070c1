"""The matches page: suggestions with both sides and the evidence, accept / reject / undo as plain
forms, the live count in the sidebar, and nobody else's suggestion."""

from __future__ import annotations

import re

from games.models import Match, Release
from tests.games.review_support import suggested_pair


def sidebar_count(html: str) -> str | None:
    found = re.search(r'id="open-suggestions"[^>]*>(\d+)<', html)
    return found.group(1) if found else None


def test_it_shows_a_suggestion_with_both_sides_and_the_count_in_the_sidebar(alice, client):
    suggested_pair(alice)
    client.force_login(alice)
    html = client.get("/matches/").content.decode()
    assert "Fallout 3: Game of the Year Edition" in html and ">Steam<" in html and ">GOG<" in html
    assert "10 h" in html and "1 h 30 min" in html  # each side's playtime
    assert Match.objects.get().evidence in html
    assert sidebar_count(html) == "1"
    assert sidebar_count(client.get("/library/").content.decode()) == "1"
    assert 'src="/static/gamedjinn/review.js"' in html


def test_accepting_joins_the_games_and_the_count_drops(alice, client):
    steam, gog, match = suggested_pair(alice)
    client.force_login(alice)
    response = client.post(f"/matches/{match.pk}/accept/", follow=True)
    html = response.content.decode()
    assert (
        Release.objects.get(pk=steam.release_id).game_id
        == Release.objects.get(pk=gog.release_id).game_id
    )
    assert sidebar_count(html) is None and "Joined into" in html
    assert "Nothing to review" in html


def test_rejecting_then_undoing_reopens_the_suggestion(alice, client):
    _, _, match = suggested_pair(alice)
    client.force_login(alice)
    html = client.post(f"/matches/{match.pk}/reject/", follow=True).content.decode()
    assert Match.objects.get().status == "rejected" and sidebar_count(html) is None
    assert f'action="/matches/changes/reject/{match.pk}/undo/"' in html
    html = client.post(f"/matches/changes/reject/{match.pk}/undo/", follow=True).content.decode()
    assert Match.objects.get().status == "suggested" and sidebar_count(html) == "1"


def test_another_users_suggestion_is_not_found(alice, bob, client):
    _, _, match = suggested_pair(alice)
    client.force_login(bob)
    assert "Fallout" not in client.get("/matches/").content.decode()
    assert client.post(f"/matches/{match.pk}/accept/").status_code == 404
    assert client.post(f"/matches/{match.pk}/reject/").status_code == 404
    assert Match.objects.get().status == "suggested"


def test_it_merges_two_games_picked_by_search_without_javascript(alice, client):
    steam, gog, _ = suggested_pair(alice)
    client.force_login(alice)
    html = client.get("/matches/?q_game=fallout&q_other=year").content.decode()
    assert f'name="game" value="{steam.release.game_id}"' in html
    assert f'name="other" value="{gog.release.game_id}"' in html
    client.post("/matches/merge/", {"game": steam.release.game_id, "other": gog.release.game_id})
    assert Release.objects.get(pk=gog.release_id).game_id == steam.release.game_id
