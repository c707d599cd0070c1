"""Grouvee: the backlog tracker's CSV export.

A tracker lists games by console, not by store, so each of a game's platforms becomes a release
on the "manual" store named by device and title (platforms.devices): "Zelda on Nintendo Switch"
is the same release whether it came from Grouvee, Playnite or was added by hand. Shelves become
statuses, seconds played become playtime, and the IGDB and Giant Bomb ids are kept for matching.
Nothing here imports Django: the registry reads SPEC at start-up.
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
    code="grouvee",
    name="Grouvee export",
    kind=Kind.FILE,
    capabilities=frozenset({Capability.OWNED, Capability.PLAYTIME}),
    credential=CredentialKind.UPLOADED_FILE,
    fields=(
        FormField(
            name="file",
            label="Grouvee CSV export",
            help_text="The CSV file Grouvee e-mails you from its export page.",
        ),
    ),
    help=(
        HelpStep(
            title="Ask Grouvee for your data",
            text="On grouvee.com open your profile's settings and request a CSV export.",
            link="https://www.grouvee.com/",
            link_text="Grouvee",
        ),
        HelpStep(
            title="What it brings",
            text=(
                "One entry per game and platform, with your shelf as its status, your rating, "
                "the dates you started and finished and the time you played. Upload it again to "
                "refresh; what you changed here since stays."
            ),
        ),
    ),
    client="platforms.integrations.grouvee.reader:read_grouvee_export",
    sort_order=41,
    default_store="manual",
    accepts=(".csv",),
)
