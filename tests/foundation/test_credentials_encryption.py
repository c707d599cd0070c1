"""Credentials are AES-GCM encrypted at rest: a database dump holds no plaintext secret."""

from __future__ import annotations

import base64
import io
import os

import pytest
from django.db import connection

from gamedjinn import crypto

API_KEY = "A1B2C3D4E5F60718293A4B5C6D7E8F90"


def test_it_round_trips_and_never_stores_plaintext(alice_library):
    alice_library.refresh_from_db()
    assert alice_library.credentials == {"api_key": API_KEY}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT credentials FROM libraries_library WHERE id = %s", [alice_library.pk]
        )
        (stored,) = cursor.fetchone()
    assert stored.startswith("v1:")
    assert API_KEY not in stored


def test_it_detects_tampering(settings):
    token = crypto.encrypt("secret")
    prefix, kid, nonce, ciphertext = token.split(":")
    flipped = ciphertext[:-2] + ("A" if ciphertext[-2] != "A" else "B") + ciphertext[-1]
    with pytest.raises(crypto.DecryptionError, match="tampered"):
        crypto.decrypt(f"{prefix}:{kid}:{nonce}:{flipped}")


def test_it_reads_old_values_after_a_new_key_is_put_first(settings):
    old_token = crypto.encrypt("before rotation")
    new_key = os.urandom(32)
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *settings.FIELD_ENCRYPTION_KEYS]
    assert crypto.decrypt(old_token) == "before rotation"
    assert crypto.needs_rotation(old_token)
    assert not crypto.needs_rotation(crypto.encrypt("after rotation"))
    assert base64.urlsafe_b64encode(new_key)  # keys are configured in url-safe base64


def test_it_explains_a_missing_key(settings):
    token = crypto.encrypt("x")
    settings.FIELD_ENCRYPTION_KEYS = [os.urandom(32)]
    with pytest.raises(crypto.DecryptionError, match="not in FIELD_ENCRYPTION_KEYS"):
        crypto.decrypt(token)


def test_it_rotates_stored_credentials_to_the_newest_key(alice_library, settings):
    from django.core.management import call_command

    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    settings.FIELD_ENCRYPTION_KEYS = [os.urandom(32), old_key]
    call_command("rotatekeys", stdout=io.StringIO())
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]  # the old key is gone now
    alice_library.refresh_from_db()
    assert alice_library.credentials == {"api_key": API_KEY}
