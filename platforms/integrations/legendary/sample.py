"""Write realistic Legendary and Heroic library files, for tests and benchmarks.

The outside world here is a file, so its stand-in is a file too, written the way each program
writes it: Legendary's ``installed.json`` and metadata files with Python's ``json.dump(…,
indent=2, sort_keys=True)`` (so every non-ASCII title is a ``\\uXXXX`` escape), Heroic's
electron-store cache with tab indentation and raw UTF-8, ``legendary list --json`` as one line.
``sample_epic_games`` makes a deterministic, messy library to put in them: codename and hex app
names, full-width, accented and trademarked titles, DLC of owned and of unowned games, Unreal
Engine Marketplace items.
"""

from __future__ import annotations

import json
import random
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class SampleEpicGame:
    """One owned Epic game or DLC, and what the reader should make of it."""

    app_name: str
    title: str
    parent: str = ""  # a DLC's base game (its app name); "" for a game
    installed: bool = False
    catalog_id: str = ""  # defaults to one derived from the app name
    namespace: str = ""
    ue_asset: bool = False  # an Unreal Engine Marketplace item: not a game
    dlc_of_unowned: str = ""  # a DLC whose base game the library does not hold (its app name)

    @property
    def is_dlc(self) -> bool:
        return bool(self.parent or self.dlc_of_unowned)

    @property
    def expected_parent(self) -> str:
        return self.parent or self.dlc_of_unowned

    @property
    def item_id(self) -> str:
        return self.catalog_id or _hex(self.app_name, "item")

    @property
    def item_namespace(self) -> str:
        if self.ue_asset:
            return "ue"
        return self.namespace or _hex(self.parent or self.dlc_of_unowned or self.app_name, "ns")


def _hex(seed: str, salt: str) -> str:
    return f"{random.Random(f'{salt}:{seed}').getrandbits(128):032x}"


# --- Legendary ------------------------------------------------------------------------------


def installed_json(games: Sequence[SampleEpicGame]) -> dict[str, Any]:
    """Legendary's installed.json document: the installed games, keyed by app name."""
    return {
        game.app_name: {
            "app_name": game.app_name,
            "base_urls": ["https://epicgames-download1.akamaized.net/Builds/Org/o-abc/"],
            "can_run_offline": True,
            "egl_guid": "",
            "executable": f"Binaries/Win64/{game.app_name}.exe",
            "install_path": f"/home/me/Games/{game.app_name}",
            "install_size": 1_000_000 + len(game.title) * 4096,
            "install_tags": [],
            "is_dlc": game.is_dlc,
            "launch_parameters": "",
            "manifest_path": None,
            "needs_verification": False,
            "platform": "Windows",
            "prereq_info": None,
            "requires_ot": False,
            "save_path": None,
            "title": game.title,
            "uninstaller": None,
            "version": "1.0.2",
        }
        for game in games
        if game.installed
    }


def metadata_document(
    game: SampleEpicGame, by_app: Mapping[str, SampleEpicGame] | None = None
) -> dict[str, Any]:
    """Legendary's metadata/<app_name>.json for one game: a ``Game`` with Epic's catalogue item."""
    item = _catalogue_item(game)
    if game.is_dlc:
        base_app = game.expected_parent
        base = (by_app or {}).get(base_app) or SampleEpicGame(base_app, f"{base_app} (base)")
        main = _catalogue_item(base)
        main.pop("dlcItemList", None)
        item["mainGameItem"] = main
    elif by_app:
        item["dlcItemList"] = [
            _catalogue_item(dlc) for dlc in by_app.values() if dlc.parent == game.app_name
        ]
    return {
        "app_name": game.app_name,
        "app_title": game.title,
        "asset_infos": {
            "Windows": {
                "app_name": game.app_name,
                "asset_id": game.app_name,
                "build_version": "1.0.2-CL-1234567-Windows",
                "catalog_item_id": game.item_id,
                "label_name": "Live-Windows",
                "metadata": {},
                "namespace": game.item_namespace,
                "sidecar_rvn": 0,
            }
        },
        "base_urls": [],
        "metadata": item,
    }


def _catalogue_item(game: SampleEpicGame) -> dict[str, Any]:
    return {
        "ageGatings": {},
        "applicationId": "",
        "categories": [{"path": "assets" if game.ue_asset else "games"}, {"path": "applications"}]
        + ([{"path": "addons"}] if game.is_dlc else []),
        "creationDate": "2021-03-04T10:11:12.000Z",
        "customAttributes": {"CanRunOffline": {"type": "STRING", "value": "true"}},
        "description": game.title,
        "developer": "Studio Ünterwald",
        "developerId": _hex(game.app_name, "dev"),
        "endOfSupport": False,
        "entitlementName": game.app_name,
        "entitlementType": "EXECUTABLE",
        "eulaIds": [],
        "id": game.item_id,
        "itemType": "DURABLE",
        "keyImages": [
            {
                "type": "DieselGameBoxTall",
                "url": f"https://cdn1.epicgames.com/{game.item_namespace}/box-tall.jpg",
                "md5": _hex(game.app_name, "md5"),
                "width": 1200,
                "height": 1600,
                "size": 123456,
                "uploadedDate": "2021-03-04T10:11:12.000Z",
            }
        ],
        "lastModifiedDate": "2024-01-02T03:04:05.000Z",
        "namespace": game.item_namespace,
        "releaseInfo": [
            {
                "appId": game.app_name,
                "id": _hex(game.app_name, "release"),
                "platform": ["Windows"],
                "dateAdded": "2021-03-04T10:11:12.000Z",
            }
        ],
        "status": "ACTIVE",
        "title": game.title,
        "unsearchable": False,
    }


def build_installed_json(path: Path, games: Sequence[SampleEpicGame]) -> Path:
    path = Path(path)
    with open(path, "w", encoding="utf-8") as file:
        json.dump(installed_json(games), file, indent=2, sort_keys=True)
    return path


def build_metadata_zip(
    path: Path,
    games: Sequence[SampleEpicGame],
    *,
    folder: str = "metadata/",
    extra: Mapping[str, bytes] | None = None,
) -> Path:
    """A zip of Legendary's metadata folder (``folder`` "" zips its files without the folder,
    as zipping the folder's contents does). ``extra`` adds members as they are."""
    path = Path(path)
    by_app = {game.app_name: game for game in games}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        if folder:
            archive.writestr(zipfile.ZipInfo(folder), b"")
        for game in games:
            document = metadata_document(game, by_app)
            text = json.dumps(document, indent=2, sort_keys=True)
            archive.writestr(f"{folder}{game.app_name}.json", text)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def build_list_json(path: Path, games: Sequence[SampleEpicGame]) -> Path:
    """What ``legendary list --json`` prints: each game with its owned DLC under ``dlcs``."""
    by_app = {game.app_name: game for game in games}
    output = []
    for game in games:
        if game.is_dlc and game.parent in by_app:
            continue  # listed under its base game
        document = metadata_document(game, by_app)
        document["dlcs"] = [
            metadata_document(dlc, by_app) for dlc in games if dlc.parent == game.app_name
        ]
        output.append(document)
    path = Path(path)
    path.write_text(json.dumps(output), encoding="utf-8")
    return path


# --- Heroic ---------------------------------------------------------------------------------


def heroic_library(games: Sequence[SampleEpicGame]) -> dict[str, Any]:
    """Heroic's store_cache/legendary_library.json document (an electron-store file). Heroic
    leaves Unreal Engine Marketplace items out of it, so the sample does too."""
    by_app = {game.app_name: game for game in games}
    entries = []
    for game in games:
        if game.ue_asset:
            continue
        install: dict[str, Any] = {"install_size": "0", "is_dlc": game.is_dlc}
        if game.installed:
            install.update(
                executable=f"Binaries/Win64/{game.app_name}.exe",
                install_path=f"/home/me/Games/Heroic/{game.app_name}",
                install_size="3.2 GiB",
                version="1.0.2",
                platform="Windows",
            )
        dlcs = [_catalogue_item(dlc) for dlc in by_app.values() if dlc.parent == game.app_name]
        entries.append(
            {
                "app_name": game.app_name,
                "art_cover": f"https://cdn1.epicgames.com/{game.item_namespace}/wide.jpg",
                "art_square": f"https://cdn1.epicgames.com/{game.item_namespace}/box-tall.jpg",
                "cloud_save_enabled": False,
                "developer": "Studio Ünterwald",
                "extra": {
                    "about": {"description": game.title, "shortDescription": ""},
                    "reqs": [],
                    "storeUrl": "https://store.epicgames.com/",
                },
                "dlcList": dlcs,
                "folder_name": game.app_name,
                "install": install,
                "is_installed": game.installed,
                "namespace": game.item_namespace,
                "is_mac_native": False,
                "save_folder": "",
                "title": game.title,
                "canRunOffline": True,
                "isEAManaged": False,
                "isUbisoftManaged": False,
                "is_linux_native": False,
                "runner": "legendary",
                "store_url": "https://store.epicgames.com/",
            }
        )
    return {"library": entries, "__timestamp": {"library": "Tue Mar 03 2026 20:15:00 GMT+0100"}}


def build_heroic_library(path: Path, games: Sequence[SampleEpicGame]) -> Path:
    path = Path(path)
    text = json.dumps(heroic_library(games), indent="\t", ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


# --- a realistic library -------------------------------------------------------------------

_CODENAMES = (
    "Sugar",
    "Catnip",
    "Fortnite",
    "Kinglet",
    "Puffin",
    "Flour",
    "Hoatzin",
    "Quail",
    "Wren",
    "Mallard",
    "Jaguar",
    "Heron",
)
_FIRSTS = (
    "\uff33\uff55\uff50\uff45\uff52",  # full-width "Super"
    "Légendes de",
    "Ōkami",
    "Café",
    "Ведьмак",
    "ドラゴン",
    "Zoë's",
    "Mañana",
    "Shadow",
    "Crystal",
    "Über",
    "Ψ-Force",
)
_SECONDS = (
    "Kingdom",
    "Odyssey",
    "Protocol",
    "Frontier",
    "Requiem",
    "Garden",
    "Empire",
    "Tactics",
    "Chronicles",
    "Saga",
)
_ENDINGS = ("", "", "™", "®", " II", ": Director\u2019s Cut", " \u2013 Édition Deluxe", " Ⅲ")
_DLC_NAMES = ("Soundtrack", "Season Pass", "Artbook", "Extra Missions", "Costume Pack")


def sample_epic_games(n: int, seed: int = 0) -> list[SampleEpicGame]:
    """``n`` owned entries, deterministic for ``seed``: about 12 % DLC of an owned game, 2 %
    DLC whose base game is not owned, 20 % installed, 1 % Unreal Engine Marketplace items;
    app names are codenames or 32-digit hex ids, as Epic's are."""
    rng = random.Random(seed)
    used_apps: set[str] = set()
    used_titles: set[str] = set()
    games: list[SampleEpicGame] = []
    bases: list[SampleEpicGame] = []

    def app_name() -> str:
        while True:
            if rng.random() < 0.3:
                name = f"{rng.choice(_CODENAMES)}{rng.randrange(1, 10_000)}"
            else:
                name = f"{rng.getrandbits(128):032x}"
            if name not in used_apps:
                used_apps.add(name)
                return name

    def title() -> str:
        while True:
            name = f"{rng.choice(_FIRSTS)} {rng.choice(_SECONDS)}{rng.choice(_ENDINGS)}"
            if name in used_titles:
                name = f"{name} {rng.randrange(2, 999)}"
            if name not in used_titles:
                used_titles.add(name)
                return name

    while len(games) < n:
        roll = rng.random()
        installed = rng.random() < 0.2
        if bases and roll < 0.12:
            base = rng.choice(bases)
            games.append(
                SampleEpicGame(
                    app_name(),
                    f"{base.title} \u2013 {rng.choice(_DLC_NAMES)}",
                    parent=base.app_name,
                    installed=installed and base.installed,
                )
            )
        elif roll < 0.14:
            games.append(
                SampleEpicGame(
                    app_name(), f"{title()} \u2013 Bonus", dlc_of_unowned=f"{app_name()}"
                )
            )
        elif roll < 0.15:
            games.append(SampleEpicGame(app_name(), f"{title()} Asset Pack", ue_asset=True))
        else:
            game = SampleEpicGame(app_name(), title(), installed=installed)
            bases.append(game)
            games.append(game)
    rng.shuffle(games)
    return games


def owned_games(games: Iterable[SampleEpicGame]) -> list[SampleEpicGame]:
    """The entries a full-library file should bring (Unreal Engine items are left out)."""
    return sorted((g for g in games if not g.ue_asset), key=lambda g: g.app_name)


__all__ = [
    "SampleEpicGame",
    "build_heroic_library",
    "build_installed_json",
    "build_list_json",
    "build_metadata_zip",
    "heroic_library",
    "installed_json",
    "metadata_document",
    "owned_games",
    "sample_epic_games",
]
