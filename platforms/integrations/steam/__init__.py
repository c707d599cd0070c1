"""Steam: the Web API (owned games, playtime, achievements) and the store (metadata)."""

from platforms.contract import (
    Capability,
    CredentialKind,
    FormField,
    HelpStep,
    IntegrationSpec,
    Kind,
    SettingSpec,
)

SPEC = IntegrationSpec(
    code="steam",
    name="Steam",
    kind=Kind.ACCOUNT,
    capabilities=frozenset(
        {
            Capability.OWNED,
            Capability.PLAYTIME,
            Capability.LAST_PLAYED,
            Capability.METADATA,
            Capability.ACHIEVEMENTS,
        }
    ),
    credential=CredentialKind.API_KEY,
    fields=(
        FormField(
            "account",
            "Steam account",
            "Your SteamID64 (17 digits), custom URL name, or profile URL.",
            placeholder="76561197960287930 or steamcommunity.com/id/yourname",
            max_length=200,
        ),
        FormField(
            "api_key",
            "Steam Web API key",
            "From steamcommunity.com/dev/apikey. Stored encrypted and never shown again.",
            secret=True,
            # Optional when the server has STEAM_API_KEY; the client says so when neither is set.
            required=False,
            max_length=64,
        ),
    ),
    help=(
        HelpStep(
            "A Steam Web API key",
            "Sign in and register any domain name. The key is stored encrypted.",
            "https://steamcommunity.com/dev/apikey",
            "steamcommunity.com/dev/apikey",
        ),
        HelpStep(
            "Your Steam account",
            "Your profile link, your custom URL name, or your 17-digit SteamID64 all work.",
        ),
        HelpStep(
            "A public game list",
            "In Steam: Profile → Edit Profile → Privacy Settings → set Game details to Public.",
        ),
    ),
    client="platforms.integrations.steam.client:build_client",
    fake="platforms.integrations.steam.fake_server:FakeSteam",
    account_field="account",
    sort_order=10,
    store_url="https://store.steampowered.com/app/{id}/",
    settings=(
        SettingSpec(
            "STEAM_API_KEY",
            "secret",
            "",
            "The server's Web API key, used by libraries added without their own.",
        ),
        SettingSpec("STEAM_API_URL", "url", "https://api.steampowered.com"),
        SettingSpec("STEAM_STORE_URL", "url", "https://store.steampowered.com"),
        # Steam allows a key 100,000 Web API calls a day. 250 per 300 s is at most
        # 250 * 288 = 72,000 a day: 72 % of the quota, leaving 28,000 for anything else that
        # uses the same key. (100/300 was 28,800 a day, and made a 1,000-game first sync's
        # achievements phase take over an hour.)
        SettingSpec("STEAM_API_RATE_LIMIT", "rate_limit", "250/300"),
        # The store's appdetails is limited per IP, separately from the key: about 200 per
        # 5 minutes (community-observed; repeated 429s earn hours-long 403 blocks). Being a
        # different budget, the metadata phase runs beside the achievements phase.
        SettingSpec("STEAM_STORE_RATE_LIMIT", "rate_limit", "200/300"),
        SettingSpec("STEAM_HTTP_TIMEOUT", "float", "10.0"),
    ),
)
