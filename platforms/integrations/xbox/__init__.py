"""Xbox: an account read through OpenXBL (xbl.io) with the owner's personal API key: the
titles the account has played, minutes played, last played and achievements per title.
See docs/integrations/xbox.md."""

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
    code="xbox",
    name="Xbox",
    kind=Kind.ACCOUNT,
    capabilities=frozenset(
        {
            Capability.OWNED,
            Capability.PLAYTIME,
            Capability.LAST_PLAYED,
            Capability.ACHIEVEMENTS,
        }
    ),
    credential=CredentialKind.API_KEY,
    fields=(
        FormField(
            "api_key",
            "OpenXBL API key",
            "The personal API key from your profile page at xbl.io. Stored encrypted and never "
            "shown again.",
            secret=True,
            placeholder="The key from xbl.io → your profile → API keys",
            max_length=200,
        ),
    ),
    help=(
        HelpStep(
            "Sign in at xbl.io",
            "OpenXBL is a free service that reads Xbox data for you. Open xbl.io and sign in "
            "with the Microsoft account you use on your Xbox (the same e-mail and password).",
            "https://xbl.io/",
            "Open xbl.io",
        ),
        HelpStep(
            "Copy your API key",
            "Open your profile page at xbl.io. Under API keys, create a key if there is none "
            "yet, then copy it.",
            "https://xbl.io/profile",
            "Your xbl.io profile",
        ),
        HelpStep(
            "Paste it here",
            "Paste the key below. The free OpenXBL plan allows 150 requests an hour, so a big "
            "Xbox history and its achievements fill in over a few hours; Game Djinn paces "
            "itself and carries on by itself.",
        ),
    ),
    client="platforms.integrations.xbox.client:build_client",
    fake="platforms.integrations.xbox.fake_server:FakeXbox",
    sort_order=40,
    # Xbox store pages are addressed by product id, which the title history does not carry.
    store_url="",
    note=(
        "Xbox reports the games you have played, not what you bought: unplayed purchases and "
        "Game Pass titles you never launched do not appear."
    ),
    settings=(
        SettingSpec("XBOX_OPENXBL_URL", "url", "https://xbl.io", "OpenXBL's API host."),
        # OpenXBL's free plan allows 150 requests an hour per key; staying under it leaves room
        # for the owner's own use of the same key.
        SettingSpec(
            "XBOX_RATE_LIMIT", "rate_limit", "140/3600", "Requests/seconds per OpenXBL key."
        ),
        SettingSpec("XBOX_HTTP_TIMEOUT", "float", "20.0", "Seconds to wait for one answer."),
    ),
)
