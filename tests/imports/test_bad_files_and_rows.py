"""A bad row is reported by its line number and the good rows still land; a bad file (wrong
format, wrong encoding, truncated, junk) gets one sentence and writes nothing."""

from __future__ import annotations

import os

import pytest

from libraries.models import Library
from libraries.services.imports import import_file, imports_dir
from libraries.services.libraries import LibraryError
from platforms.integrations.grouvee.sample import SampleEntry, build_grouvee_csv
from platforms.integrations.playnite.sample import SampleGame, build_playnite_csv
from tests.imports.helpers import entries, run_import

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_bad_row_is_reported_by_line_and_the_others_land(alice, tmp_path):
    path = build_playnite_csv(
        tmp_path / "p.csv",
        [
            SampleGame("Good", game_id="1"),
            SampleGame("Bad", game_id="2"),
            SampleGame("Also", game_id="3"),
        ],
    )
    text = path.read_text(encoding="utf-8").replace(",Bad,", ",Bad,").splitlines()
    text[2] = text[2].replace(",0,Steam,", ",lots,Steam,")  # time played that is no number
    path.write_text("\n".join(text) + "\n", encoding="utf-8")

    library, _, imported = run_import(alice, "playnite", path)

    assert imported.skipped == [("line 3", "time played 'lots' is not a number")]
    assert set(entries(library)) == {("steam", "1"), ("steam", "3")}


def test_a_short_row_is_reported_and_a_quoted_newline_keeps_line_numbers(alice, tmp_path):
    path = build_grouvee_csv(
        tmp_path / "g.csv", [SampleEntry(1, "One", review="two\nlines"), SampleEntry(2, "Two")]
    )
    with open(path, "a", encoding="utf-8") as handle:
        handle.write('3,"Cut sho')  # a file cut off mid-row
    _, _, imported = run_import(alice, "grouvee", path)
    assert imported.skipped == [("line 5", "2 cells where the header has 20")]


@pytest.mark.parametrize(
    ("content", "sentence"),
    [
        (b"", "The Playnite export file is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "This is not a Playnite export file: it is not text."),
        ("Name,Game Id\nCaf\xe9,1\n".encode("latin-1"), "not UTF-8 text"),
        (b"title,year\nFoo,1999\n", "This is not a Playnite export: its header has no"),
        (b'[{"Name": "Portal", "GameId": "6', "is not valid JSON"),
    ],
)
def test_a_bad_file_gets_one_sentence_and_writes_nothing(alice, tmp_path, content, sentence):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    before = set(os.listdir(imports_dir()))
    with pytest.raises(LibraryError) as caught:
        import_file(alice, "playnite", path, enqueue=False)
    assert sentence in caught.value.message
    assert "\n" not in caught.value.message
    assert not Library.objects.exists()
    assert set(os.listdir(imports_dir())) == before


def test_a_large_file_of_junk_is_refused_without_reading_it_all(alice, tmp_path):
    path = tmp_path / "junk.csv"
    with open(path, "wb") as handle:
        handle.write(b"Name,Game Id,Sources\n")
        for _ in range(100):  # 100 MB of one endless cell
            handle.write(b"x" * (1024 * 1024))
    with pytest.raises(LibraryError) as caught:
        import_file(alice, "playnite", path, enqueue=False)
    assert "cannot be read past line 1" in caught.value.message
    assert not Library.objects.exists()
