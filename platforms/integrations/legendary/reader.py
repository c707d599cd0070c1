"""Read the Epic library files Legendary and Heroic keep into records.

Four shapes are read, told apart by their content alone (an upload is stored under a name of
our choosing, and users rename files):

* Legendary's ``installed.json``: ``{app_name: InstalledGame}``, the games installed on one
  computer (``title``, ``is_dlc``, ``install_path``, …). Heroic's own Legendary writes the same
  file under ``heroic/legendaryConfig/legendary/``.
* Heroic's library cache ``store_cache/legendary_library.json``, an electron-store file:
  ``{"library": [GameInfo…], "__timestamp": {…}}``, one entry per owned game *and* DLC
  (``app_name``, ``title``, ``install.is_dlc``, ``dlcList`` of a base game's DLC catalogue items).
* A zip of Legendary's ``metadata`` folder: one ``Game`` per owned game or DLC
  (``app_name``, ``app_title``, ``asset_infos``, ``metadata`` = Epic's catalogue item; a DLC's
  item has ``mainGameItem``, its base game's item).
* The output of ``legendary list --json``: a list of ``Game`` objects, each with its ``dlcs``.

Every entry is an Epic release whose id is the app name, the id the Epic account integration
uses too, so one game reached both ways is one release. Titles are passed on exactly as the
file has them. docs/integrations/legendary.md records the shapes and what is unverified.

A file is read whole before anything is returned and nothing is ever written or extracted: a
zip's members are read in memory, one at a time, under limits on their number and size.
"""

from __future__ import annotations

import json
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platforms.contract import ImportedFile
from platforms.errors import UnreadableFile
from platforms.records import OwnedGame

# The library a file fills. Legendary's files name no account (only user.json does, and it holds
# the sign-in tokens), so a file's library is chosen by what it lists: files that list the
# whole library share one, and installed.json, which lists only what one computer has
# installed, gets its own, so importing it never flags the rest of the library as gone.
LIBRARY_ACCOUNT = "legendary-local"
INSTALLED_ACCOUNT = "legendary-local-installed"

MAX_JSON_BYTES = 256 * 1024 * 1024
MAX_MEMBERS = 10_000
MAX_MEMBER_BYTES = 16 * 1024 * 1024  # a game's metadata file is a few tens of kilobytes
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
# JSON compresses about tenfold; a member claiming far more is not a metadata file.
MAX_RATIO = 200

ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")  # a first member, or an empty archive

# Unreal Engine Marketplace items (assets, plugins) are not games; Heroic leaves them out too.
_UE_CATEGORIES = frozenset({"assets", "asset-format", "plugins", "projects"})
# Heroic's other stores, named in words when their library cache is uploaded here by mistake.
_OTHER_RUNNERS = {"gog": "GOG", "nile": "Amazon", "sideload": "sideloaded apps"}
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")
_NUMBER_START = re.compile(r"-?[0-9]*\.?[0-9]*(?:[eE][-+]?[0-9]*)?")

_WHAT_TO_UPLOAD = (
    "upload Heroic's legendary_library.json, Legendary's installed.json, "
    "or a zip of Legendary's metadata folder"
)


def read_legendary_file(path: Path) -> ImportedFile:
    """The Epic games and DLC a Legendary or Heroic file lists."""
    try:
        with open(path, "rb") as file:
            head = file.read(4)
    except OSError as error:
        raise UnreadableFile("The uploaded file could not be read.") from error
    if head.startswith(ZIP_SIGNATURES):
        return _read_metadata_zip(path)
    return _read_json_file(path)


# --- JSON files ----------------------------------------------------------------------------


def _read_json_file(path: Path) -> ImportedFile:
    try:
        with open(path, "rb") as file:
            data = file.read(MAX_JSON_BYTES + 1)
    except OSError as error:
        raise UnreadableFile("The uploaded file could not be read.") from error
    if len(data) > MAX_JSON_BYTES:
        raise UnreadableFile(
            f"This file is larger than any Legendary or Heroic library file "
            f"({MAX_JSON_BYTES // (1024 * 1024)} MB): {_WHAT_TO_UPLOAD}."
        )
    if not data.strip():
        raise UnreadableFile(f"This file is empty: {_WHAT_TO_UPLOAD}.")
    document = _parse_json(data)
    if isinstance(document, dict):
        if _is_sign_in(document):
            raise UnreadableFile(
                "This is Legendary's sign-in file (user.json), which holds your Epic tokens: "
                f"it is not imported; {_WHAT_TO_UPLOAD} instead."
            )
        if isinstance(document.get("library"), list):
            return _heroic_library(document["library"])
        if _is_game(document):
            raise UnreadableFile(
                "This is Legendary's metadata file of a single game: zip the whole metadata "
                "folder and upload the zip to import your library."
            )
        if _is_installed_json(document):
            return _installed_json(document)
    elif isinstance(document, list) and all(_is_game(item) for item in document):
        return _library_from_games(_games_of_list(document), skipped=[])
    raise UnreadableFile(
        f"This JSON file is not one of Legendary's or Heroic's library files: {_WHAT_TO_UPLOAD}."
    )


def _parse_json(data: bytes) -> Any:
    """The document, or one sentence on why there is none."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(data) > 1 and b"\x00" in data[:2]):
        raise _not_utf8()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if data.lstrip()[:1] not in (b"{", b"["):
            raise _not_json() from None
        raise _not_utf8() from None
    if text.lstrip()[:1] not in ("{", "["):
        raise _not_json()
    try:
        return json.loads(text)
    except RecursionError:
        raise UnreadableFile(
            "This file's JSON is nested far deeper than any Legendary or Heroic file."
        ) from None
    except json.JSONDecodeError as error:
        if _cut_short(text, error):
            raise UnreadableFile(
                "This file ends before its JSON does: it was cut short while being copied; "
                "copy it again and upload the new copy."
            ) from None
        raise UnreadableFile(
            f"This file is not valid JSON (line {error.lineno}, column {error.colno}): upload "
            "it exactly as Legendary or Heroic wrote it."
        ) from None


def _cut_short(text: str, error: json.JSONDecodeError) -> bool:
    """Whether the JSON was fine until the text stopped: a copy cut short, not a mistake."""
    rest = text[error.pos :].strip()
    if not rest or error.msg.startswith("Unterminated string"):
        return True
    # Cut inside a literal or a number: what is left is the start of one, up to the end.
    return "\n" not in rest and (
        any(word.startswith(rest) for word in ("true", "false", "null"))
        or _NUMBER_START.fullmatch(rest) is not None
    )


def _not_utf8() -> UnreadableFile:
    return UnreadableFile(
        "This file is not UTF-8 text, as Legendary and Heroic write their files: upload the "
        "original file, not a copy another program saved again."
    )


def _not_json() -> UnreadableFile:
    return UnreadableFile(
        f"This file is neither JSON nor a zip, so it is not a Legendary or Heroic file: "
        f"{_WHAT_TO_UPLOAD}."
    )


def _is_sign_in(document: Mapping[str, Any]) -> bool:
    return "account_id" in document and ("access_token" in document or "refresh_token" in document)


def _is_game(value: object) -> bool:
    """A Legendary ``Game``: what metadata/<app_name>.json and ``list --json`` hold."""
    return (
        isinstance(value, dict)
        and _text(value.get("app_name")) != ""
        and "app_title" in value
        and isinstance(value.get("metadata"), dict)
    )


def _is_installed_json(document: Mapping[str, Any]) -> bool:
    """``{app_name: InstalledGame}``; ``{}`` is the file of a computer with nothing installed."""
    return all(
        isinstance(entry, dict)
        and _text(entry.get("app_name")) != ""
        and ("install_path" in entry or "title" in entry)
        for entry in document.values()
    )


def _installed_json(document: Mapping[str, Any]) -> ImportedFile:
    owned: dict[str, OwnedGame] = {}
    for entry in document.values():
        app_name = _text(entry.get("app_name"))
        if app_name in owned:
            continue
        owned[app_name] = OwnedGame(
            external_id=app_name,
            name=_title(entry.get("title"), app_name),
            is_dlc=entry.get("is_dlc") is True,
        )
    return ImportedFile(
        account_id=INSTALLED_ACCOUNT,
        display_name="Epic games installed with Legendary",
        owned=sorted(owned.values(), key=lambda game: game.external_id),
    )


def _heroic_library(entries: list[Any]) -> ImportedFile:
    runners = {_text(entry.get("runner")) for entry in entries if isinstance(entry, dict)} - {
        "",
        "legendary",
    }
    if runners and not any(
        isinstance(entry, dict) and _text(entry.get("runner")) == "legendary" for entry in entries
    ):
        store = _OTHER_RUNNERS.get(sorted(runners)[0], "another store")
        raise UnreadableFile(
            f"This is Heroic's library of {store}, not of Epic: upload "
            "store_cache/legendary_library.json instead."
        )
    skipped: list[tuple[str, str]] = []
    rows: dict[str, Mapping[str, Any]] = {}
    for position, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or _text(entry.get("app_name")) == "":
            skipped.append((f"entry {position}", "it names no Epic app"))
            continue
        runner = _text(entry.get("runner"))
        if runner not in ("", "legendary"):
            skipped.append((_text(entry.get("app_name")), f"a {runner} game, not an Epic one"))
            continue
        rows.setdefault(_text(entry.get("app_name")), entry)
    if entries and not rows:
        raise UnreadableFile(
            f"This JSON file is not one of Legendary's or Heroic's library files: "
            f"{_WHAT_TO_UPLOAD}."
        )
    # A base game's dlcList holds the catalogue items of its DLC; each names the DLC's app.
    parents: dict[str, str] = {}
    for app_name, entry in rows.items():
        for item in _dicts(entry.get("dlcList")):
            for dlc_app in _release_apps(item):
                if dlc_app != app_name:
                    parents.setdefault(dlc_app, app_name)
    owned = []
    for app_name, entry in rows.items():
        install = entry.get("install")
        is_dlc = (isinstance(install, dict) and install.get("is_dlc") is True) or entry.get(
            "is_dlc"
        ) is True
        owned.append(
            OwnedGame(
                external_id=app_name,
                name=_title(entry.get("title"), app_name),
                is_dlc=is_dlc or app_name in parents,
                parent_external_id=parents.get(app_name, ""),
            )
        )
    return ImportedFile(
        account_id=LIBRARY_ACCOUNT,
        display_name="Epic library (Legendary / Heroic)",
        owned=sorted(owned, key=lambda game: game.external_id),
        skipped=skipped,
    )


def _games_of_list(document: list[Any]) -> Iterator[tuple[Mapping[str, Any], str]]:
    """``legendary list --json``: each game, then its DLC (nested under ``dlcs``)."""
    for game in document:
        yield game, ""
        for dlc in game.get("dlcs") or ():
            if _is_game(dlc):
                yield dlc, _text(game.get("app_name"))


# --- zips of the metadata folder -----------------------------------------------------------


def _read_metadata_zip(path: Path) -> ImportedFile:
    try:
        with zipfile.ZipFile(path) as archive:
            members = _checked_members(archive)
            games: list[tuple[Mapping[str, Any], str]] = []
            skipped: list[tuple[str, str]] = []
            unpacked = 0
            for member in members:
                data = _read_member(archive, member)
                unpacked += len(data)
                if unpacked > MAX_UNPACKED_BYTES:
                    raise _bomb()
                document = _member_json(data)
                if document is None:
                    if member.filename.lower().endswith(".json") and not _is_resource_fork(
                        member.filename
                    ):
                        skipped.append((member.filename, "not readable JSON"))
                    continue
                if isinstance(document, dict) and _is_sign_in(document):
                    raise UnreadableFile(
                        "This zip holds Legendary's sign-in file (user.json) with your Epic "
                        "tokens: zip only the metadata folder and upload that zip."
                    )
                if _is_game(document):
                    games.append((document, ""))
    except UnreadableFile:
        raise
    except zipfile.LargeZipFile:
        raise _bomb() from None
    except NotImplementedError:
        raise UnreadableFile(
            "This zip uses a compression method Game Djinn cannot read: make it again with "
            "your computer's ordinary Compress or zip command."
        ) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
        raise UnreadableFile(
            "This zip file is damaged or incomplete: make it again and upload the new one."
        ) from None
    if not games:
        raise UnreadableFile(
            "This zip has no Legendary metadata in it: zip the metadata folder itself "
            "(legendary/metadata, one .json file per game) and upload that zip."
        )
    return _library_from_games(games, skipped=skipped)


def _checked_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The archive's files, once its table of contents is known to be safe to read."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise UnreadableFile(
            f"This zip holds more than {MAX_MEMBERS:,} files, far more than a metadata folder: "
            "zip only Legendary's metadata folder."
        )
    members = []
    for info in infos:
        if _unsafe_name(info.filename):
            raise UnreadableFile(
                "This zip has file names that point outside it (such as ../ or a full path), "
                "so it is refused: zip only Legendary's metadata folder."
            )
        if info.is_dir():
            continue
        if info.flag_bits & 0x1:
            raise UnreadableFile(
                "This zip is password-protected: zip the metadata folder again without a password."
            )
        if info.file_size > MAX_MEMBER_BYTES or (
            info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * info.compress_size
        ):
            raise _bomb()
        members.append(info)
    if sum(info.file_size for info in members) > MAX_UNPACKED_BYTES:
        raise _bomb()
    return members


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    # The sizes in the table of contents are the zip's own claim; the bytes are counted too.
    with archive.open(member) as stream:
        data = stream.read(MAX_MEMBER_BYTES + 1)
    if len(data) > MAX_MEMBER_BYTES:
        raise _bomb()
    return data


def _member_json(data: bytes) -> Any:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if text.lstrip()[:1] not in ("{", "["):
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _unsafe_name(name: str) -> bool:
    if "\x00" in name or name.startswith(("/", "\\")) or _WINDOWS_DRIVE.match(name):
        return True
    parts = name.replace("\\", "/").split("/")
    return ".." in parts or posixpath.isabs(name)


def _is_resource_fork(name: str) -> bool:
    """macOS adds ``__MACOSX/…/._name`` companions to the zips it makes; they are not files."""
    return name.startswith("__MACOSX/") or posixpath.basename(name).startswith("._")


def _bomb() -> UnreadableFile:
    return UnreadableFile(
        "This zip unpacks to far more than a metadata folder holds, so it is refused: "
        "zip only Legendary's metadata folder."
    )


# --- Legendary Game objects ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Game:
    app_name: str
    title: str
    catalog_id: str
    is_dlc: bool
    main_catalog_id: str  # the base game's catalogue item, for DLC
    main_apps: tuple[str, ...]  # the base game's app names, when its item lists them
    enclosing: str  # the game a ``list --json`` entry was nested under
    ue_asset: bool


def _library_from_games(
    games: Iterable[tuple[Mapping[str, Any], str]], *, skipped: list[tuple[str, str]]
) -> ImportedFile:
    read: dict[str, _Game] = {}
    for document, enclosing in games:
        game = _game(document, enclosing)
        if game.app_name not in read:
            read[game.app_name] = game
    app_by_catalog_id = {
        game.catalog_id: game.app_name for game in read.values() if game.catalog_id
    }
    owned: list[OwnedGame] = []
    for game in sorted(read.values(), key=lambda g: g.app_name):
        if game.ue_asset:
            skipped.append((game.app_name, "an Unreal Engine Marketplace item, not a game"))
            continue
        parent = ""
        if game.is_dlc or game.enclosing:
            parent = (
                game.enclosing
                or app_by_catalog_id.get(game.main_catalog_id, "")
                or next(iter(game.main_apps), "")
            )
        owned.append(
            OwnedGame(
                external_id=game.app_name,
                name=game.title,
                is_dlc=game.is_dlc or bool(game.enclosing),
                parent_external_id=parent if parent != game.app_name else "",
            )
        )
    return ImportedFile(
        account_id=LIBRARY_ACCOUNT,
        display_name="Epic library (Legendary / Heroic)",
        owned=owned,
        skipped=skipped,
    )


def _game(document: Mapping[str, Any], enclosing: str) -> _Game:
    app_name = _text(document.get("app_name"))
    metadata = document.get("metadata")
    item: Mapping[str, Any] = metadata if isinstance(metadata, dict) else {}
    main = item.get("mainGameItem")
    categories = {_text(c.get("path")) for c in _dicts(item.get("categories"))}
    return _Game(
        app_name=app_name,
        title=_title(document.get("app_title"), _title(item.get("title"), app_name)),
        catalog_id=_text(item.get("id")),
        # Legendary's own test: a catalogue item with a main game item is DLC.
        is_dlc="mainGameItem" in item,
        main_catalog_id=_text(main.get("id")) if isinstance(main, dict) else "",
        main_apps=_release_apps(main) if isinstance(main, dict) else (),
        enclosing=enclosing,
        ue_asset=_text(item.get("namespace")) == "ue" or bool(categories & _UE_CATEGORIES),
    )


# --- values --------------------------------------------------------------------------------


def _release_apps(item: Mapping[str, Any]) -> tuple[str, ...]:
    """The app names a catalogue item's ``releaseInfo`` lists."""
    return tuple(
        app for app in (_text(r.get("appId")) for r in _dicts(item.get("releaseInfo"))) if app
    )


def _dicts(value: object) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _title(value: object, fallback: str) -> str:
    """The title exactly as the file has it (no case, width or accent changes); a missing or
    blank title falls back."""
    return value if isinstance(value, str) and value.strip() else fallback
