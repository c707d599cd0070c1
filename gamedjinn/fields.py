from __future__ import annotations

import json
from typing import Any

from django.db import models

from gamedjinn import crypto


class EncryptedJSONField(models.TextField):
    """A JSON object stored AES-GCM encrypted; the database never sees the plaintext."""

    # For django-stubs: the model attribute is the decrypted object, not the stored text. These
    # hooks are how a custom field tells the plugin its value type, so they differ from TextField's.
    _pyi_private_set_type: dict[str, Any]  # type: ignore[assignment]
    _pyi_private_get_type: dict[str, Any]  # type: ignore[assignment]

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return {}
        return json.loads(crypto.decrypt(value))

    def to_python(self, value):
        if isinstance(value, dict):
            return value
        if value in (None, ""):
            return {}
        return json.loads(value)

    def get_prep_value(self, value):
        if value in (None, {}, ""):
            return ""
        return crypto.encrypt(json.dumps(value, sort_keys=True))
