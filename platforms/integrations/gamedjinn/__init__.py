"""Game Djinn's own JSON export: a whole copy of a user's data, taken out of one install and
brought into another (or back into this one).

One file holds several libraries (a Steam account, a Galaxy database, the manual entries…):
importing it restores each of them under its own store and account, with every entry's player
data, playtime history, hidden and removed flags, the games their releases form (merges), the
matches between releases and the user's collections. Accounts come back without their sign-in
(an export never holds credentials): sign in again to sync them. Nothing here imports Django.
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
    code="gamedjinn",
    name="Game Djinn export",
    kind=Kind.FILE,
    capabilities=frozenset({Capability.OWNED, Capability.PLAYTIME, Capability.LAST_PLAYED}),
    credential=CredentialKind.UPLOADED_FILE,
    fields=(
        FormField(
            name="file",
            label="Game Djinn export (JSON)",
            help_text="The JSON file another Game Djinn's Export wrote.",
        ),
    ),
    help=(
        HelpStep(
            title="Export from the other install",
            text=(
                "On its library page choose Export → JSON with no filter set: that file holds "
                "every library, entry, playtime history, collection and match."
            ),
        ),
        HelpStep(
            title="What comes back",
            text=(
                "Each library as it was, under its own store and account. Accounts need signing "
                "in again before they sync; what you changed here since stays."
            ),
        ),
    ),
    client="platforms.integrations.gamedjinn.reader:read_gamedjinn_export",
    sort_order=45,
    default_store="manual",
    accepts=(".json",),
)
