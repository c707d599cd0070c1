"""Legendary and Heroic: the Epic library files these launchers keep, imported with no sign-in.

Legendary (the command-line Epic launcher) and Heroic (the desktop launcher built on it) keep the
user's Epic library in plain JSON files. Uploading one of them — or a zip of Legendary's
metadata folder — brings the Epic games and DLC they list, each as the Epic release an Epic
account sync creates too (the same app name is the same release). Nothing here imports Django:
the registry reads SPEC at start-up.
"""

from __future__ import annotations

from platforms.contract import (
    Capability,
    CredentialKind,
    FormField,
    HelpStep,
    IntegrationSpec,
    Kind,
)

SPEC = IntegrationSpec(
    code="legendary",
    name="Legendary / Heroic (Epic) files",
    kind=Kind.FILE,
    # The files list what the account owns and which entries are DLC; they hold no playtime.
    capabilities=frozenset({Capability.OWNED}),
    credential=CredentialKind.UPLOADED_FILE,
    fields=(
        FormField(
            name="file",
            label="Legendary or Heroic library file",
            help_text=(
                "Heroic's legendary_library.json, Legendary's installed.json, "
                "or a .zip of Legendary's metadata folder."
            ),
        ),
    ),
    help=(
        HelpStep(
            title="Using Heroic? Upload its library file",
            text=(
                "It lists every Epic game and DLC you own. On Linux it is "
                "~/.config/heroic/store_cache/legendary_library.json (newer Heroic versions keep "
                "it in ~/.cache/heroic/store_cache/ instead); with the Flatpak, "
                "~/.var/app/com.heroicgameslauncher.hgl/config/heroic/store_cache/"
                "legendary_library.json; on Windows, %APPDATA%\\heroic\\store_cache\\"
                "legendary_library.json; on a Mac, ~/Library/Application Support/heroic/"
                "store_cache/legendary_library.json. Open Heroic once first so the file is fresh."
            ),
            link="https://github.com/Heroic-Games-Launcher/HeroicGamesLauncher/wiki",
            link_text="Heroic's wiki",
        ),
        HelpStep(
            title="Using Legendary? Zip its metadata folder",
            text=(
                "Legendary keeps one small file per game you own in its metadata folder: "
                "~/.config/legendary/metadata on Linux and macOS, "
                "C:\\Users\\<you>\\.config\\legendary\\metadata on Windows (Heroic's own copy is "
                'in heroic/legendaryConfig/legendary/metadata). Run "legendary list" once so it '
                "is up to date, then zip the folder: right-click it and choose Compress "
                "(Linux, Mac) or Send to → Compressed (zipped) folder (Windows), or run "
                '"cd ~/.config/legendary && zip -r ~/epic-metadata.zip metadata". '
                "Upload the .zip."
            ),
            link="https://github.com/derrod/legendary#readme",
            link_text="Legendary's guide",
        ),
        HelpStep(
            title="Only the installed games? installed.json",
            text=(
                "Legendary's installed.json (~/.config/legendary/installed.json, or "
                "heroic/legendaryConfig/legendary/installed.json for Heroic) lists just the games "
                "installed on that computer; it is kept as a library of its own, so it never "
                "hides the rest of your games."
            ),
        ),
        HelpStep(
            title="Never upload user.json",
            text=(
                "Legendary's user.json holds your Epic sign-in; Game Djinn refuses it, "
                "and a zip that contains it. Upload a file again whenever you want to refresh."
            ),
        ),
    ),
    client="platforms.integrations.legendary.reader:read_legendary_file",
    sort_order=35,
    note="Lists what you own on Epic; these files hold no playtime.",
    default_store="epic",
    accepts=(".json", ".zip"),
)
