from __future__ import annotations

import json

from django.db import models

from gamedjinn import crypto


class EncryptedJSONField(models.TextField):
    """A JSON object stored AES-GCM encrypted; the database never sees the plaintext."""

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
