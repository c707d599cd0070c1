"""AES-256-GCM encryption for credentials stored in the database.

Stored form: ``v1:<key id>:<nonce>:<ciphertext>`` (url-safe base64). The key id lets old rows be
read after a new key is put first in FIELD_ENCRYPTION_KEYS; ``manage.py rotatekeys`` re-encrypts them.
"""

from __future__ import annotations

import base64
import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

PREFIX = "v1"


class DecryptionError(Exception):
    pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:8]


def _keys() -> dict[str, bytes]:
    return {key_id(key): key for key in settings.FIELD_ENCRYPTION_KEYS}


def encrypt(plaintext: str) -> str:
    key = settings.FIELD_ENCRYPTION_KEYS[0]
    nonce = os.urandom(12)
    kid = key_id(key)
    ciphertext = AESGCM(key).encrypt(nonce, plaintext.encode(), kid.encode())
    return f"{PREFIX}:{kid}:{_b64(nonce)}:{_b64(ciphertext)}"


def decrypt(token: str) -> str:
    try:
        prefix, kid, nonce, ciphertext = token.split(":")
    except ValueError:
        raise DecryptionError("not an encrypted value") from None
    if prefix != PREFIX:
        raise DecryptionError(f"unknown encryption format {prefix!r}")
    key = _keys().get(kid)
    if key is None:
        raise DecryptionError(f"encryption key {kid} is not in FIELD_ENCRYPTION_KEYS")
    try:
        return AESGCM(key).decrypt(_unb64(nonce), _unb64(ciphertext), kid.encode()).decode()
    except InvalidTag:
        raise DecryptionError("the stored value was tampered with or the key is wrong") from None


def needs_rotation(token: str) -> bool:
    return not token.startswith(f"{PREFIX}:{key_id(settings.FIELD_ENCRYPTION_KEYS[0])}:")
