"""Epic Games Store: an account signed in with the Epic launcher's OAuth flow (owned games and
their DLC, minutes played) plus Epic's catalogue (titles and metadata). See
docs/integrations/epic.md."""

from platforms.contract import (
    Capability,
    CredentialKind,
    FormField,
    HelpStep,
    IntegrationSpec,
    Kind,
    SettingSpec,
)

# The Epic Games Launcher's public OAuth client. Epic gives no clients to third parties; every
# open-source Epic tool (Legendary, Heroic, Playnite) signs in as the launcher, whose id and
# secret ship inside it. Both are settings in case Epic retires this pair.
CLIENT_ID = "34a02cf8f4414e29b15921876da36f9a"
CLIENT_SECRET = "daafbccc737745039dffe53d94fc76cf"
# Epic's sign-in page, sending the browser on to a page that shows the launcher's code as JSON.
LOGIN_URL = (
    "https://www.epicgames.com/id/login?redirectUrl="
    "https%3A%2F%2Fwww.epicgames.com%2Fid%2Fapi%2Fredirect%3FclientId%3D"
    "34a02cf8f4414e29b15921876da36f9a%26responseType%3Dcode"
)

SPEC = IntegrationSpec(
    code="epic",
    name="Epic Games Store",
    kind=Kind.ACCOUNT,
    # No LAST_PLAYED: Epic's playtime endpoint sends a total per game and no date.
    capabilities=frozenset({Capability.OWNED, Capability.PLAYTIME, Capability.METADATA}),
    credential=CredentialKind.OAUTH_CODE,
    fields=(
        FormField(
            "code",
            "Authorization code",
            'After signing in, Epic shows a short page of text with "authorizationCode" in '
            "it. Paste that whole page, or just the 32-character code. It works once, for a few "
            "minutes.",
            secret=True,
            placeholder='{"redirectUrl":"…","authorizationCode":"…"} or the code alone',
            max_length=2000,
        ),
    ),
    help=(
        HelpStep(
            "Sign in at Epic",
            "Open Epic's sign-in page and sign in as you would in the Epic Games Launcher. "
            "If you are already signed in, the next page appears straight away.",
            LOGIN_URL,
            "Sign in to Epic Games",
        ),
        HelpStep(
            "Copy the code",
            'Epic then shows a page of plain text. Find "authorizationCode" and copy the '
            "32 letters and digits after it, or select the whole page and copy all of it.",
        ),
        HelpStep(
            "Paste it here",
            "Paste it below within a few minutes; a code works only once. Do not share it with "
            "anyone else. Game Djinn keeps the sign-in encrypted and renews it by itself; you "
            "never type your password here.",
        ),
    ),
    client="platforms.integrations.epic.client:build_client",
    fake="platforms.integrations.epic.fake_server:FakeEpic",
    sort_order=30,
    # Store pages are addressed by a slug that the library does not carry: no link from an id.
    store_url="",
    note=(
        "Games you own through Epic but play through Ubisoft Connect or the EA app are listed "
        "too; Epic reports minutes played, not when you last played."
    ),
    settings=(
        SettingSpec(
            "EPIC_ACCOUNT_URL",
            "url",
            "https://account-public-service-prod03.ol.epicgames.com",
            "Epic's account service (OAuth tokens).",
        ),
        SettingSpec(
            "EPIC_LIBRARY_URL",
            "url",
            "https://library-service.live.use1a.on.epicgames.com",
            "Epic's library service (owned items, playtime).",
        ),
        SettingSpec(
            "EPIC_CATALOG_URL",
            "url",
            "https://catalog-public-service-prod06.ol.epicgames.com",
            "Epic's catalogue service (titles, DLC, metadata).",
        ),
        # Epic publishes no limit and Legendary reads the catalogue without pacing; five
        # requests a second reads a 1,000-game library (10 pages plus about 1,000 catalogue
        # lookups, one per game's namespace) in under four minutes.
        SettingSpec(
            "EPIC_RATE_LIMIT", "rate_limit", "300/60", "Requests/seconds to all Epic hosts."
        ),
        SettingSpec("EPIC_HTTP_TIMEOUT", "float", "15.0", "Seconds to wait for one Epic answer."),
        SettingSpec(
            "EPIC_CLIENT_ID", "str", CLIENT_ID, "The Epic launcher's public OAuth client id."
        ),
        SettingSpec(
            "EPIC_CLIENT_SECRET",
            "str",
            CLIENT_SECRET,
            "The Epic launcher's public OAuth client secret (ships in every launcher).",
        ),
    ),
)
