"""PlayStation: an account signed in with the NPSSO session token of playstation.com, turned
into OAuth tokens the way Sony's Android app does; played PS4/PS5 titles with playtime, merged
with trophy titles (the only source for PS3, Vita and PSP), and trophies as achievements. See
docs/integrations/playstation.md."""

from platforms.contract import (
    Capability,
    CredentialKind,
    FormField,
    HelpStep,
    IntegrationSpec,
    Kind,
    SettingSpec,
)

SSO_COOKIE_URL = "https://ca.account.sony.com/api/v1/ssocookie"
# Sony issues no client ids to third parties: every open-source PSN tool signs in as the
# PlayStation Android app, whose id and Basic credentials ship inside that app.
ANDROID_CLIENT_ID = "09515159-7237-4370-9b40-3806e67c0891"
ANDROID_BASIC_AUTH = "MDk1MTUxNTktNzIzNy00MzcwLTliNDAtMzgwNmU2N2MwODkxOnVjUGprYTV0bnRCMktxc1A="
REDIRECT_URI = "com.scee.psxandroid.scecompcall://redirect"
SCOPE = "psn:mobile.v2.core psn:clientapp"

SPEC = IntegrationSpec(
    code="playstation",
    name="PlayStation",
    kind=Kind.ACCOUNT,
    capabilities=frozenset(
        {
            Capability.OWNED,
            Capability.PLAYTIME,
            Capability.LAST_PLAYED,
            Capability.ACHIEVEMENTS,
        }
    ),
    credential=CredentialKind.SESSION_TOKEN,
    fields=(
        FormField(
            "npsso",
            "NPSSO token",
            'The 64 letters and digits after "npsso" on Sony\'s page (pasting the whole page '
            "works too). Treat it like a password: it lets Game Djinn read your PlayStation "
            "games and trophies. It stops working after about two months.",
            secret=True,
            placeholder="64 letters and digits",
            max_length=400,
        ),
    ),
    help=(
        HelpStep(
            "Sign in at PlayStation",
            "Open playstation.com in this browser and sign in with your PlayStation account "
            "(the one on your console).",
            "https://www.playstation.com/",
            "Open playstation.com",
        ),
        HelpStep(
            "Open Sony's token page",
            "In the same browser, open Sony's token page. It shows one short line of text "
            'like {"npsso":"…"}.',
            SSO_COOKIE_URL,
            "Open the token page",
        ),
        HelpStep(
            "Copy the npsso value",
            'Copy the 64 letters and digits between the quotes after "npsso" (or the whole '
            "line) and paste them below. Keep it secret like a password; Game Djinn stores "
            "it encrypted. It expires after about two months: Game Djinn warns you a week "
            "before, and then you paste a new one.",
        ),
    ),
    client="platforms.integrations.playstation.client:build_client",
    fake="platforms.integrations.playstation.fake_server:FakePlayStation",
    sort_order=50,
    # Store pages are addressed by concept or product id, not by the title id we keep.
    store_url="",
    note="PlayStation lists the games you have played (PS4 and PS5 with playtime) and every "
    "game you earned trophies in (including PS3, Vita and PSP), not your purchases.",
    settings=(
        SettingSpec(
            "PLAYSTATION_AUTH_URL", "url", "https://ca.account.sony.com", "Sony's sign-in host."
        ),
        SettingSpec(
            "PLAYSTATION_API_URL",
            "url",
            "https://m.np.playstation.com",
            "Played titles, trophies and profile.",
        ),
        # Community tools report about 300 requests per 15 minutes before PSN answers 429.
        SettingSpec(
            "PLAYSTATION_RATE_LIMIT", "rate_limit", "300/900", "Requests/seconds to both hosts."
        ),
        SettingSpec(
            "PLAYSTATION_HTTP_TIMEOUT", "float", "10.0", "Seconds to wait for one PSN answer."
        ),
        SettingSpec(
            "PLAYSTATION_CLIENT_ID",
            "str",
            ANDROID_CLIENT_ID,
            "OAuth client id (the PlayStation Android app's public one).",
        ),
        SettingSpec(
            "PLAYSTATION_CLIENT_BASIC_AUTH",
            "str",
            ANDROID_BASIC_AUTH,
            "Base64 client_id:secret for the token call (the Android app's public one).",
        ),
    ),
)
