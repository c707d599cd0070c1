"""A capped account's library counts only the games it may see, through every door: the REST
library list and detail, the MCP platform summary and the libraries page."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from mcp_bridge.server import build_server
from tests.factories import LibraryFactory
from tests.mcp.conftest import call


def test_the_rest_api_counts_only_what_a_capped_account_sees(charlie, client, game_world):
    # Charlie (capped at T) owns Kids Kart (E), Gore Fest (M) and Mystery Box (unrated).
    client.force_login(charlie)
    library_id = game_world.charlie_library.pk

    (listed,) = client.get("/api/libraries/").json()
    one = client.get(f"/api/libraries/{library_id}").json()

    assert (listed["game_count"], one["game_count"]) == (1, 1)


def test_the_mcp_summary_counts_only_what_a_capped_account_sees(charlie, game_world):
    result = call(build_server(user=charlie), "get_supported_platforms")

    libraries = [
        library
        for platform in result.structuredContent["platforms"]
        for library in platform["libraries"]
    ]
    assert [(library["library_id"], library["game_count"]) for library in libraries] == [
        (game_world.charlie_library.pk, 1)
    ]


def test_the_libraries_page_counts_only_what_a_capped_account_sees(charlie, client, game_world):
    client.force_login(charlie)

    response = client.get("/libraries/")

    assert response.status_code == 200
    (state,) = response.context["libraries"]
    assert state.library.game_count == 1


def test_it_counts_every_library_in_the_same_number_of_queries(charlie, client, game_world):
    client.force_login(charlie)
    client.get("/api/libraries/")  # session and profile lookups warmed alike for both runs
    with CaptureQueriesContext(connection) as one_library:
        client.get("/api/libraries/")
    for _ in range(4):
        LibraryFactory(owner=charlie)
    with CaptureQueriesContext(connection) as five_libraries:
        body = client.get("/api/libraries/").json()
    assert len(body) == 5
    assert len(five_libraries) == len(one_library)

    server = build_server(user=charlie)
    with CaptureQueriesContext(connection) as mcp_five:
        call(server, "get_supported_platforms")
    LibraryFactory(owner=charlie)
    with CaptureQueriesContext(connection) as mcp_six:
        call(server, "get_supported_platforms")
    assert len(mcp_six) == len(mcp_five)
