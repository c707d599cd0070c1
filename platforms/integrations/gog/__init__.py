"""GOG: an account signed in with the GOG Galaxy client's OAuth flow (owned games, playtime,
last played) plus GOG's public product API (metadata). See docs/integrations/gog.md."""

from platforms.contract import (
    Capability,
    CredentialKind,
    FormField,
    HelpStep,
    IntegrationSpec,
    Kind,
    SettingSpec,
)

# The public client id of GOG Galaxy: GOG issues no client ids to third parties, so every
# open-source GOG tool signs in as Galaxy, and the redirect must be Galaxy's own page.
CLIENT_ID = "46899977096215655"
REDIRECT_URI = "https://embed.gog.com/on_login_success?origin=client"
# {GOG_AUTH_URL} is the setting's value when the page is shown (the fake GOG in a demo).
LOGIN_URL = (
    "{GOG_AUTH_URL}/auth?client_id=46899977096215655"
    "&redirect_uri=https%3A%2F%2Fembed.gog.com%2Fon_login_success%3Forigin%3Dclient"
    "&response_type=code&layout=client2"
)

SPEC = IntegrationSpec(
    code="gog",
    name="GOG",
    kind=Kind.ACCOUNT,
    capabilities=frozenset(
        {
            Capability.OWNED,
            Capability.PLAYTIME,
            Capability.LAST_PLAYED,
            Capability.METADATA,
        }
    ),
    credential=CredentialKind.OAUTH_CODE,
    fields=(
        FormField(
            "code",
            "Code or the whole address",
            "After signing in, paste the address of the page GOG showed you "
            "(it contains code=…), or just the code. It works once, for a few minutes.",
            secret=True,
            placeholder="https://embed.gog.com/on_login_success?origin=client&code=…",
            max_length=2000,
        ),
    ),
    help=(
        HelpStep(
            "Sign in at GOG",
            "Open GOG's sign-in page and sign in as you would in GOG Galaxy.",
            LOGIN_URL,
            "Sign in to GOG",
        ),
        HelpStep(
            "Copy the address",
            "GOG then shows an almost empty page. Copy the whole address from the address bar: "
            "it ends with code= and a long string.",
        ),
        HelpStep(
            "Paste it here",
            "Paste the address (or only the code) below within a few minutes. Game Djinn keeps "
            "the sign-in encrypted and renews it by itself; you never type your password here.",
        ),
    ),
    client="platforms.integrations.gog.client:build_client",
    fake="platforms.integrations.gog.fake_server:FakeGog",
    sort_order=20,
    # GOG's product pages are addressed by slug (www.gog.com/game/<slug>), not by product id,
    # and the id-to-slug mapping comes only with the owned list: no link from an id alone.
    store_url="",
    note="Playtime and last played come from your GOG profile's game statistics.",
    settings=(
        SettingSpec("GOG_AUTH_URL", "url", "https://auth.gog.com", "GOG's OAuth token host."),
        SettingSpec("GOG_EMBED_URL", "url", "https://embed.gog.com", "Account data (userData)."),
        SettingSpec("GOG_API_URL", "url", "https://api.gog.com", "Product metadata."),
        SettingSpec("GOG_WWW_URL", "url", "https://www.gog.com", "Owned list and game stats."),
        # GOG publishes no limit. One request a second on average reads a 1,000-game library
        # (about 30 pages) in half a minute and its metadata (2 calls a game) in about half an
        # hour, without looking like the scrapers GOG's front end answers with 429.
        SettingSpec("GOG_RATE_LIMIT", "rate_limit", "60/60", "Requests/seconds to all GOG hosts."),
        SettingSpec("GOG_HTTP_TIMEOUT", "float", "10.0", "Seconds to wait for one GOG answer."),
    ),
)
