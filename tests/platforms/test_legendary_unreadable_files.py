"""A file that is not one of Legendary's or Heroic's is refused with one sentence saying why,
and a zip is never trusted: too many members, unpacking to too much, names pointing outside
it, a password, damage — each is refused before anything is unpacked."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from platforms.errors import UnreadableFile
from platforms.integrations.legendary import reader
from platforms.integrations.legendary.reader import read_legendary_file
from platforms.integrations.legendary.sample import (
    SampleEpicGame,
    build_heroic_library,
    build_metadata_zip,
    metadata_document,
)

GAMES = [
    SampleEpicGame("Catnip", "Borderlands 2", installed=True),
    SampleEpicGame("9d2d0eb64d5c44529cece33fe2a46482", "\uff26\uff55\uff4c\uff4c\u2122"),
]
WHAT = (
    "upload Heroic's legendary_library.json, Legendary's installed.json, "
    "or a zip of Legendary's metadata folder"
)
ZIP_BOMB = (
    "This zip unpacks to far more than a metadata folder holds, so it is refused: "
    "zip only Legendary's metadata folder."
)


def refusal(path: Path) -> str:
    with pytest.raises(UnreadableFile) as raised:
        read_legendary_file(path)
    message = str(raised.value)
    assert "\n" not in message and message.endswith(".")
    return message


def write(tmp_path: Path, data: bytes | str, name: str = "upload.json") -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


# --- not JSON at all -------------------------------------------------------------------------


def test_it_refuses_an_empty_file(tmp_path: Path) -> None:
    assert refusal(write(tmp_path, b"")) == f"This file is empty: {WHAT}."
    assert refusal(write(tmp_path, b" \n\t")) == f"This file is empty: {WHAT}."


@pytest.mark.parametrize(
    "data",
    [
        b"SQLite format 3\x00" + bytes(200),
        b"\x1f\x8b\x08\x00compressed",
        b"id,title\n1,Portal 2\n",
        "Rocket League®\n".encode("latin-1"),
    ],
)
def test_it_refuses_a_file_that_is_neither_json_nor_a_zip(tmp_path: Path, data: bytes) -> None:
    assert refusal(write(tmp_path, data)) == (
        f"This file is neither JSON nor a zip, so it is not a Legendary or Heroic file: {WHAT}."
    )


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "latin-1", "cp1252"])
def test_it_refuses_json_in_another_encoding(tmp_path: Path, encoding: str) -> None:
    text = json.dumps({"Sugar": {"app_name": "Sugar", "title": "Café™", "install_path": "/g"}})
    data = text.replace("\\u00e9", "é").replace("\\u2122", "™").encode(encoding, "replace")
    assert refusal(write(tmp_path, data)) == (
        "This file is not UTF-8 text, as Legendary and Heroic write their files: upload the "
        "original file, not a copy another program saved again."
    )


def test_a_utf8_byte_order_mark_is_fine(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xef\xbb\xbf" + json.dumps({"library": []}).encode())
    assert read_legendary_file(path).owned == []


# --- broken JSON -----------------------------------------------------------------------------


def test_it_refuses_a_file_cut_short(tmp_path: Path) -> None:
    whole = build_heroic_library(tmp_path / "whole.json", GAMES).read_bytes()
    for cut in (len(whole) // 2, len(whole) - 3):
        assert refusal(write(tmp_path, whole[:cut])) == (
            "This file ends before its JSON does: it was cut short while being copied; "
            "copy it again and upload the new copy."
        )


def test_it_refuses_json_with_a_mistake_saying_where(tmp_path: Path) -> None:
    assert refusal(write(tmp_path, '{"library": [\n  {"app_name": "Sugar",, }\n]}')) == (
        "This file is not valid JSON (line 2, column 24): upload it exactly as Legendary or "
        "Heroic wrote it."
    )


def test_it_refuses_absurdly_deep_json(tmp_path: Path) -> None:
    assert refusal(write(tmp_path, "[" * 200_000 + "]" * 200_000)) == (
        "This file's JSON is nested far deeper than any Legendary or Heroic file."
    )


def test_it_refuses_a_file_larger_than_any_library_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(reader, "MAX_JSON_BYTES", 1024)
    path = write(tmp_path, json.dumps({"library": [{"app_name": "x" * 2000}]}))
    assert refusal(path) == (
        f"This file is larger than any Legendary or Heroic library file (0 MB): {WHAT}."
    )


# --- JSON of another shape -------------------------------------------------------------------


@pytest.mark.parametrize(
    "document",
    [
        {"games": [{"appid": 620, "name": "Portal 2"}]},
        {"Sugar": "Rocket League"},
        {"Sugar": {"title": "Rocket League"}},
        {"library": [{"title": "no app name"}]},
        {"installed": [{"appName": "1207658924"}]},  # Heroic's GOG installed.json
        [{"app_name": "Sugar", "title": "Rocket League"}],
        [1, 2, 3],
        "a string",
        42,
    ],
)
def test_it_refuses_json_that_is_no_library_file(tmp_path: Path, document: object) -> None:
    path = write(tmp_path, json.dumps(document))
    expected = (
        f"This JSON file is not one of Legendary's or Heroic's library files: {WHAT}."
        if isinstance(document, dict | list)
        else f"This file is neither JSON nor a zip, so it is not a Legendary or Heroic file: {WHAT}."
    )
    assert refusal(path) == expected


def test_it_refuses_legendarys_sign_in_file_without_repeating_it(tmp_path: Path) -> None:
    secret = "eg1~SECRET-refresh-token-value"
    user = {
        "account_id": "0123456789abcdef0123456789abcdef",
        "displayName": "alice",
        "access_token": "eg1~SECRET-access",
        "refresh_token": secret,
        "expires_at": "2026-03-03T20:00:00.000Z",
    }
    message = refusal(write(tmp_path, json.dumps(user)))

    assert message.startswith("This is Legendary's sign-in file (user.json)")
    assert "SECRET" not in message and "0123456789abcdef" not in message


def test_it_refuses_one_games_metadata_file_and_says_to_zip_the_folder(tmp_path: Path) -> None:
    path = write(tmp_path, json.dumps(metadata_document(GAMES[0])))
    assert refusal(path) == (
        "This is Legendary's metadata file of a single game: zip the whole metadata folder and "
        "upload the zip to import your library."
    )


def test_it_refuses_a_missing_file(tmp_path: Path) -> None:
    assert refusal(tmp_path / "nowhere.json") == "The uploaded file could not be read."


# --- zips ------------------------------------------------------------------------------------


def test_it_refuses_a_zip_without_metadata(tmp_path: Path) -> None:
    path = tmp_path / "m.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photos/cat.jpg", b"\xff\xd8\xff\xe0")
        archive.writestr("installed.json", "{}")
    empty = tmp_path / "empty.zip"
    zipfile.ZipFile(empty, "w").close()
    sentence = (
        "This zip has no Legendary metadata in it: zip the metadata folder itself "
        "(legendary/metadata, one .json file per game) and upload that zip."
    )
    assert refusal(path) == sentence
    assert refusal(empty) == sentence


def test_it_refuses_a_zip_holding_the_sign_in_file(tmp_path: Path) -> None:
    user = {"account_id": "abc", "access_token": "SECRET", "refresh_token": "SECRET"}
    path = build_metadata_zip(
        tmp_path / "legendary.zip", GAMES, extra={"user.json": json.dumps(user).encode()}
    )
    message = refusal(path)
    assert message == (
        "This zip holds Legendary's sign-in file (user.json) with your Epic tokens: zip only "
        "the metadata folder and upload that zip."
    )


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_it_refuses_a_damaged_or_cut_zip(tmp_path: Path, cut: float) -> None:
    whole = build_metadata_zip(tmp_path / "whole.zip", GAMES).read_bytes()
    path = write(tmp_path, whole[: int(len(whole) * cut)], "cut.zip")
    assert refusal(path) == (
        "This zip file is damaged or incomplete: make it again and upload the new one."
    )


def test_it_refuses_a_zip_whose_data_is_corrupt(tmp_path: Path) -> None:
    data = bytearray(build_metadata_zip(tmp_path / "whole.zip", GAMES).read_bytes())
    start = data.index(b"PK\x03\x04", 10) + 30 + len("metadata/Catnip.json")
    data[start : start + 40] = b"\xa5" * 40
    assert refusal(write(tmp_path, bytes(data), "bad.zip")) == (
        "This zip file is damaged or incomplete: make it again and upload the new one."
    )


def test_it_refuses_a_zip_with_more_than_ten_thousand_members(tmp_path: Path) -> None:
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for number in range(10_001):
            archive.writestr(f"metadata/{number}.json", b"")
    assert refusal(path) == (
        "This zip holds more than 10,000 files, far more than a metadata folder: zip only "
        "Legendary's metadata folder."
    )


def test_it_refuses_a_member_that_unpacks_to_too_much(tmp_path: Path) -> None:
    path = build_metadata_zip(
        tmp_path / "bomb.zip", GAMES, extra={"metadata/Bomb.json": b" " * (17 * 1024 * 1024)}
    )
    assert path.stat().st_size < 100_000
    assert refusal(path) == ZIP_BOMB


def test_it_refuses_a_member_compressed_beyond_any_json(tmp_path: Path) -> None:
    path = build_metadata_zip(
        tmp_path / "bomb.zip", GAMES, extra={"metadata/Zeros.json": bytes(3 * 1024 * 1024)}
    )
    assert refusal(path) == ZIP_BOMB


def test_it_refuses_members_that_together_unpack_to_too_much(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(reader, "MAX_UNPACKED_BYTES", 4096)
    path = build_metadata_zip(tmp_path / "m.zip", [*GAMES, SampleEpicGame("Sugar", "R")])
    assert refusal(path) == ZIP_BOMB


def test_a_zip_that_understates_a_members_size_is_refused(tmp_path: Path) -> None:
    # The table of contents claims 100 bytes for a member that unpacks to 17 MB: only the
    # claimed bytes are ever unpacked, and their checksum gives the lie away.
    path = build_metadata_zip(
        tmp_path / "m.zip", GAMES, extra={"metadata/Big.json": b" " * (17 * 1024 * 1024)}
    )
    data = bytearray(path.read_bytes())
    name = b"metadata/Big.json"
    for signature, size_offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        while at != -1:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                data[at + size_offset : at + size_offset + 4] = (100).to_bytes(4, "little")
            at = data.find(signature, at + 4)
    assert refusal(write(tmp_path, bytes(data), "liar.zip")) == (
        "This zip file is damaged or incomplete: make it again and upload the new one."
    )


@pytest.mark.parametrize(
    "name", ["../metadata/Evil.json", "metadata/../../Evil.json", "/etc/Evil.json", "C:/Evil.json"]
)
def test_it_refuses_names_pointing_outside_the_zip(tmp_path: Path, name: str) -> None:
    document = json.dumps(metadata_document(SampleEpicGame("Evil", "Evil"))).encode()
    path = build_metadata_zip(tmp_path / "m.zip", GAMES, extra={name: document})
    assert refusal(path) == (
        "This zip has file names that point outside it (such as ../ or a full path), so it is "
        "refused: zip only Legendary's metadata folder."
    )


def test_it_refuses_a_password_protected_zip(tmp_path: Path) -> None:
    data = bytearray(build_metadata_zip(tmp_path / "m.zip", GAMES, folder="").read_bytes())
    # Set the "encrypted" flag of every member, in its local header and its directory entry.
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at != -1:
            data[at + flag_offset] |= 0x01
            at = data.find(signature, at + 4)
    assert refusal(write(tmp_path, bytes(data), "locked.zip")) == (
        "This zip is password-protected: zip the metadata folder again without a password."
    )


def test_nothing_is_ever_extracted(tmp_path: Path) -> None:
    folder = tmp_path / "uploads"
    folder.mkdir()
    path = build_metadata_zip(folder / "m.zip", GAMES, extra={"../escape.json": b"{}"})
    with pytest.raises(UnreadableFile):
        read_legendary_file(path)
    build_metadata_zip(folder / "ok.zip", GAMES)
    read_legendary_file(folder / "ok.zip")

    assert sorted(p.name for p in folder.iterdir()) == ["m.zip", "ok.zip"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["uploads"]


@pytest.mark.parametrize(
    "cut_text",
    ['{"Sugar": {"app_name": "Sugar", "is_dlc": fal', '{"Sugar": {"app_name": "Sugar", "size": 12'],
)
def test_a_file_cut_inside_a_value_is_cut_short_too(tmp_path: Path, cut_text: str) -> None:
    assert refusal(write(tmp_path, cut_text)).startswith("This file ends before its JSON does")
