"""Any CSV file with a header: a spreadsheet of games, another tool's export.

Its columns are matched to ours by name (title, platform, status, rating, playtime, …); the web
flow shows that mapping over the first rows and lets the user change it before anything is
written, and the command line takes ``--map field=Column``. Games on a store (a "Steam" platform
with a store id column) land on that store; the rest land on the "manual" store by device and
title. Nothing here imports Django: the registry reads SPEC at start-up.
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
    code="csv",
    name="CSV spreadsheet",
    kind=Kind.FILE,
    capabilities=frozenset({Capability.OWNED, Capability.PLAYTIME, Capability.LAST_PLAYED}),
    credential=CredentialKind.UPLOADED_FILE,
    fields=(
        FormField(
            name="file",
            label="CSV file",
            help_text="UTF-8 text with a header row: one game a row.",
        ),
    ),
    help=(
        HelpStep(
            title="Save your list as CSV",
            text=(
                "Any spreadsheet works: a Title column is enough; Platform, Status, Rating, "
                "Playtime, Notes, Started and Finished are used when present. Save as "
                '"CSV UTF-8".'
            ),
        ),
        HelpStep(
            title="Check the columns",
            text=(
                "After the upload you see the first rows and which column feeds which field; "
                "change any of them before the import is written."
            ),
        ),
    ),
    client="platforms.integrations.csv.reader:read_csv_file",
    sort_order=42,
    default_store="manual",
    accepts=(".csv",),
    column_mapping="platforms.integrations.csv.reader",
)
