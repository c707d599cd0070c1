"""Uploading Heroic's Epic library file in Chromium against a real server: a wrong file is
refused with its sentence, the right one becomes a library whose titles read exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from platforms.integrations.legendary.sample import SampleEpicGame, build_heroic_library

pytestmark = pytest.mark.browser

FULL_WIDTH = "\uff26\uff55\uff4c\uff4c \uff57\uff49\uff44\uff54\uff48 \u00c5ventyr\u2122"


def test_it_imports_an_uploaded_heroic_library_file(page: Page, tmp_path: Path) -> None:
    library_file = build_heroic_library(
        tmp_path / "legendary_library.json",
        [
            SampleEpicGame("Catnip", "Borderlands 2", installed=True),
            SampleEpicGame("CatnipDLC1", "Borderlands 2 \u2013 Tiny Tina", parent="Catnip"),
            SampleEpicGame("9d2d0eb64d5c44529cece33fe2a46482", FULL_WIDTH),
        ],
    )
    wrong_file = tmp_path / "user.json"
    wrong_file.write_text(
        json.dumps({"account_id": "abc", "access_token": "t", "refresh_token": "r"}),
        encoding="utf-8",
    )
    page.goto("/libraries/add/legendary/")
    upload = page.get_by_label("Legendary or Heroic library file")
    expect(upload).to_have_attribute("accept", ".json,.zip")

    upload.set_input_files(str(wrong_file))
    page.get_by_label("Name (optional)").fill("Heroic on the Deck")
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_test_id("add-library-error")).to_contain_text(
        "This is Legendary's sign-in file (user.json)"
    )

    page.get_by_label("Legendary or Heroic library file").set_input_files(str(library_file))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_test_id("preview-counts")).to_contain_text(" new")
    page.get_by_role("button", name="Confirm and import").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Heroic on the Deck")
    expect(page.locator(".sync .badge-success")).to_have_text("Up to date", timeout=60_000)
    page.get_by_role("link", name="Browse its games").click()
    titles = page.locator(".card-title")
    expect(titles.get_by_text(FULL_WIDTH, exact=True)).to_be_visible()
    expect(titles.get_by_text("Borderlands 2 \u2013 Tiny Tina", exact=True)).to_be_visible()
