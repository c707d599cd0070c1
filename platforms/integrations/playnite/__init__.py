"""Playnite: the Library Exporter add-on's CSV or JSON file.

Playnite keeps every launcher's games in one place; the add-on writes them out with the player's
own data (time played, completion status, score, notes, hidden). Each game lands on the store its
Playnite source names (Steam, GOG, Epic, Xbox, …) with the store's id, so it is the same release a
Steam or GOG sync creates; games from no store (emulated, added by hand) land on the "manual"
store. Nothing here imports Django: the registry reads SPEC at start-up.
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
    code="playnite",
    name="Playnite export",
    kind=Kind.FILE,
    capabilities=frozenset({Capability.OWNED, Capability.PLAYTIME, Capability.LAST_PLAYED}),
    credential=CredentialKind.UPLOADED_FILE,
    fields=(
        FormField(
            name="file",
            label="Playnite export (CSV or JSON)",
            help_text="The file Playnite's Library Exporter add-on wrote.",
        ),
    ),
    help=(
        HelpStep(
            title="Install the Library Exporter add-on",
            text="In Playnite open Add-ons, search for Library Exporter and install it.",
        ),
        HelpStep(
            title="Export your library",
            text=(
                "Select all games, then choose Extensions → Library Exporter. Keep the columns "
                "Name, Game Id, Sources, Time Played, Last Played, Completion Status, User Score, "
                "Hidden and Notes ticked; English column names are expected."
            ),
        ),
        HelpStep(
            title="What it brings",
            text=(
                "Every store's games with time played, the last time you played, your completion "
                "status, score and notes. Upload the file again to refresh; what you changed "
                "here since stays."
            ),
        ),
    ),
    client="platforms.integrations.playnite.reader:read_playnite_export",
    sort_order=40,
    default_store="manual",
    accepts=(".csv", ".json"),
)
