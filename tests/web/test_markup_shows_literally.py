"""Text from stores and users is data: a title that looks like markup shows literally everywhere."""

from __future__ import annotations

import pytest

from tests.factories import SyncRunFactory
from tests.web.conftest import own

EVIL = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def evil(alice_library):
    alice_library.display_name = f"{EVIL} library"
    alice_library.save()
    SyncRunFactory(
        library=alice_library, status="failed", phase="owned", error_message=f"bad {EVIL}"
    )
    return own(
        alice_library,
        EVIL,
        playtime_minutes=30,
        description=f"<p>{EVIL}</p>",
        developers=[EVIL],
        genres=("<img src=x onerror=alert(2)>",),
    )


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/library/",
        "/library/?view=list",
        "/library/?q=script",
        "/search/suggest/?q=script",
        "/analytics/?period=all",
        "/libraries/",
        "GAME",
        "LIBRARY",
    ],
)
def test_it_escapes_markup_in_titles_names_and_messages(alice_client, alice_library, evil, url):
    url = {
        "GAME": f"/games/{evil.release.game_id}/",
        "LIBRARY": f"/libraries/{alice_library.pk}/",
    }.get(url, url)
    html = alice_client.get(url).content.decode()
    assert EVIL not in html
    assert "<img src=x" not in html
    assert ESCAPED in html or "&lt;script&gt;" in html
