"""GOG Galaxy 2.0: read the local database Galaxy keeps of every store connected to it.

One upload brings the GOG, Steam, Epic, Xbox, Ubisoft… releases Galaxy knows, with playtime and
last-played dates. Nothing here imports Django: the registry reads SPEC at start-up.
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
    code="galaxy",
    name="GOG Galaxy database",
    kind=Kind.FILE,
    capabilities=frozenset({Capability.OWNED, Capability.PLAYTIME, Capability.LAST_PLAYED}),
    credential=CredentialKind.UPLOADED_FILE,
    fields=(
        FormField(
            name="file",
            label="galaxy-2.0.db",
            help_text="The database file GOG Galaxy 2.0 keeps on your computer.",
        ),
    ),
    help=(
        HelpStep(
            title="Find the file",
            text=(
                "On Windows it is C:\\ProgramData\\GOG.com\\Galaxy\\storage\\galaxy-2.0.db; "
                "on macOS it is ~/Library/Application Support/GOG.com/Galaxy/storage/galaxy-2.0.db."
            ),
        ),
        HelpStep(
            title="Close Galaxy first, or copy the file",
            text=(
                "Galaxy keeps the database open while it runs: quit Galaxy before uploading, "
                "or upload a copy of the file."
            ),
        ),
        HelpStep(
            title="What it brings",
            text=(
                "Every store Galaxy is connected to (GOG, Steam, Epic, Xbox, Ubisoft and more), "
                "with minutes played and the last time you played each game. "
                "Upload the file again to refresh."
            ),
        ),
    ),
    client="platforms.integrations.galaxy.reader:read_galaxy_database",
    sort_order=25,
    note=(
        "Subscription titles such as Game Pass are left out, because Galaxy marks them "
        "as not owned."
    ),
    default_store="gog",
    accepts=(".db",),
)
