"""A CSV upload shows its first rows and, for each of our fields, the column that feeds it
(guessed from the header); changing the mapping re-renders the preview, and Confirm imports with
the mapping the user chose."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from libraries.models import Library
from libraries.services.imports import imports_dir

SHEET = (
    "Game,System,Hours,My Rating,Where,Store Id,Progress\n"
    "Metroid Dread,Switch,12.5,9,,,Done\n"
    "Portal 2,,3,4,Steam,620,Playing\n"
    ",Switch,1,,,,\n"
)


@pytest.fixture(autouse=True)
def own_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


def _selected(html: str) -> dict[str, str]:
    chosen = {}
    for field, options in re.findall(
        r'<select [^>]*name="map_(\w+)"[^>]*>(.*?)</select>', html, re.S
    ):
        found = re.search(r'<option value="([^"]*)" selected>', options)
        chosen[field] = found.group(1) if found else ""
    return chosen


def _upload(client):
    upload = SimpleUploadedFile("games.csv", SHEET.encode())
    html = client.post("/libraries/add/csv/", {"file": upload, "display_name": ""}).content
    (token,) = (p.name for p in (imports_dir() / "staged").iterdir())
    return html.decode(), token


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_shows_the_first_rows_and_the_guessed_mapping(alice_client, alice):
    html, _ = _upload(alice_client)

    assert 'data-testid="first-rows"' in html
    assert "<td>Metroid Dread</td>" in html
    chosen = _selected(html)
    assert chosen["title"] == "Game"
    assert chosen["platform"] == "System"
    assert chosen["playtime_hours"] == "Hours"
    assert chosen["notes"] == ""
    assert 'data-count="new">2<' in html
    assert "line 4: the title is empty" in html
    assert not Library.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_changed_mapping_re_renders_the_preview(alice_client, alice):
    _, token = _upload(alice_client)
    url = f"/libraries/add/csv/preview/{token}/"

    partial = alice_client.get(
        url, {"mapped": "1", "map_platform": "System"}, HTTP_HX_REQUEST="true"
    ).content.decode()

    assert "<html" not in partial  # only the preview, for htmx to swap in
    assert "Choose the column that holds the games&#x27; titles." in partial
    assert 'value="confirm" disabled' in partial

    page = alice_client.get(
        url, {"mapped": "1", "map_title": "Game", "map_rating": "Hours"}
    ).content.decode()
    assert "<html" in page  # without JavaScript, the whole page
    assert _selected(page)["rating"] == "Hours"
    assert _selected(page)["platform"] == ""
    assert 'data-count="new">2<' in page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_confirm_imports_with_the_chosen_mapping(alice_client, alice):
    _, token = _upload(alice_client)
    mapping = {"title": "Game", "platform": "Where", "store_id": "Store Id"}

    response = alice_client.post(
        f"/libraries/add/csv/preview/{token}/",
        {"action": "confirm", "mapped": "1", **{f"map_{k}": v for k, v in mapping.items()}},
    )

    library = Library.objects.get(owner=alice)
    assert response["Location"] == f"/libraries/{library.pk}/"
    assert library.credentials["options"] == {"mapping": mapping}
