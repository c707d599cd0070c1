"""The library page's Export menu: the whole library or the filtered view, as CSV or JSON, through
the same export service as REST and MCP."""

from __future__ import annotations

import csv
import io
import json

from games.services.export import COLUMNS
from tests.factories import LibraryFactory
from tests.web.conftest import own


def _rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_it_downloads_the_filtered_view_as_csv(alice_client, shelf):
    shelf(20)
    response = alice_client.get("/library/export/?format=csv&status=completed&genre=Puzzle")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="gamedjinn-library-')
    assert disposition.endswith('.csv"')
    rows = _rows(response)
    assert tuple(rows[0]) == COLUMNS
    assert [(r["title"], r["status"]) for r in rows] == [
        ("Game 000", "completed"),
        ("Game 010", "completed"),
    ]


def test_it_downloads_the_whole_library_as_json_hidden_games_included(alice_client, shelf):
    entries = shelf(6)
    entries[2].hidden = True
    entries[2].save()
    response = alice_client.get("/library/export/?format=json&hidden=1")
    assert response["Content-Disposition"].endswith('.json"')
    data = json.loads(response.content)
    assert data["count"] == 6
    assert sorted(game["title"] for game in data["games"]) == [f"Game {n:03d}" for n in range(6)]


def test_the_menu_links_carry_the_current_filters(alice_client, shelf):
    shelf(3)
    html = alice_client.get("/library/?status=completed&view=list&cursor=x").content.decode()
    assert 'href="/library/export/?format=csv&amp;status=completed"' in html
    assert 'href="/library/export/?format=json&amp;hidden=1"' in html
    fragment = alice_client.get("/library/?genre=Action", headers={"HX-Request": "true"})
    text = fragment.content.decode()
    assert 'id="export-menu"' in text and 'hx-swap-oob="true"' in text
    assert 'href="/library/export/?format=csv&amp;genre=Action"' in text


def test_a_capped_account_never_exports_a_game_above_its_cap(client, child):
    library = LibraryFactory(owner=child)
    own(library, "Kids Kart", esrb_rating="E")
    own(library, "Mature Shooter", esrb_rating="M")
    own(library, "Unrated Mystery")
    client.force_login(child)
    for query in ("format=csv&hidden=1", "format=csv&esrb=AO", "format=json&q=Mature"):
        content = client.get(f"/library/export/?{query}").content.decode()
        assert "Mature Shooter" not in content and "Unrated Mystery" not in content, query
    assert [r["title"] for r in _rows(client.get("/library/export/?format=csv"))] == ["Kids Kart"]


def test_it_refuses_an_unknown_format_in_one_sentence(alice_client):
    response = alice_client.get("/library/export/?format=xlsx")
    assert response.status_code == 400
    assert response.content.decode() == "format must be one of: json, csv."


def test_it_exports_only_the_signed_in_users_games(client, bob, alice_library):
    own(alice_library, "Alice Only")
    client.force_login(bob)
    assert _rows(client.get("/library/export/?format=csv")) == []
