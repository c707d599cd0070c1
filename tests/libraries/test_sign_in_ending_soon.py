"""A store that says the sign-in will end soon (expires_soon_at in the saved credentials) gets a
warning on the library's page and a date in REST, before syncs start failing."""

from __future__ import annotations

from tests.factories import LibraryFactory


def test_the_page_and_rest_warn_before_the_sign_in_ends(alice, alice_client):
    library = LibraryFactory(
        owner=alice,
        credentials={"api_key": "x" * 32, "expires_soon_at": "2027-01-05T10:00:00+00:00"},
    )

    page = alice_client.get(f"/libraries/{library.pk}/").content.decode()
    api = alice_client.get(f"/api/libraries/{library.pk}").json()

    assert 'data-testid="sign-in-ends"' in page and "2027-01-05" in page
    assert api["sign_in_ends_at"].startswith("2027-01-05T10:00")


def test_nothing_is_shown_while_the_sign_in_is_far_from_ending(alice, alice_client):
    library = LibraryFactory(owner=alice, credentials={"api_key": "x" * 32})

    page = alice_client.get(f"/libraries/{library.pk}/").content.decode()

    assert 'data-testid="sign-in-ends"' not in page
    assert alice_client.get(f"/api/libraries/{library.pk}").json()["sign_in_ends_at"] is None
