"""The REST API under /api/matches/: the review service's doors, writes refused to read-only
keys, another user's suggestion a 404."""

from __future__ import annotations

from games.models import Match, Release
from mcp_bridge.keys import create_key
from tests.games.review_support import suggested_pair


def key_headers(user, scope="read") -> dict[str, str]:
    _, plaintext = create_key(user, "tests", scope)
    return {"Authorization": f"Bearer {plaintext}"}


def test_it_lists_and_accepts_then_undoes_with_a_write_key(client, alice):
    steam, gog, match = suggested_pair(alice)
    write = key_headers(alice, "write")
    listed = client.get("/api/matches/", headers=write).json()
    assert listed["total"] == 1 and listed["items"][0]["match_id"] == match.pk
    accepted = client.post(f"/api/matches/{match.pk}/accept", headers=write).json()
    assert accepted["open_suggestions"] == 0
    change = client.get("/api/matches/changes", headers=write).json()["items"][0]
    undone = client.post(
        "/api/matches/undo",
        {"kind": change["kind"], "change_id": change["change_id"]},
        content_type="application/json",
        headers=write,
    )
    assert undone.status_code == 200
    assert (
        Release.objects.get(pk=steam.release_id).game_id
        != Release.objects.get(pk=gog.release_id).game_id
    )


def test_a_read_only_key_can_list_but_not_decide(client, alice):
    _, _, match = suggested_pair(alice)
    read = key_headers(alice, "read")
    assert client.get("/api/matches/", headers=read).json()["total"] == 1
    assert client.post(f"/api/matches/{match.pk}/reject", headers=read).status_code == 403
    assert Match.objects.get().status == "suggested"


def test_another_users_suggestion_is_a_404(client, alice, bob):
    _, _, match = suggested_pair(alice)
    response = client.post(f"/api/matches/{match.pk}/accept", headers=key_headers(bob, "write"))
    assert response.status_code == 404


def test_it_merges_and_splits(client, alice):
    steam, gog, _ = suggested_pair(alice)
    write = key_headers(alice, "write")
    merged = client.post(
        "/api/matches/merge",
        {"game_id": steam.release.game_id, "other_game_id": gog.release.game_id},
        content_type="application/json",
        headers=write,
    ).json()
    assert merged["game_id"] == steam.release.game_id
    split = client.post(f"/api/matches/split/{gog.release_id}", headers=write)
    assert split.status_code == 200 and split.json()["game_id"] != steam.release.game_id
