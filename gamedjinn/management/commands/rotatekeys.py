"""Re-encrypt every stored credential with the newest key in FIELD_ENCRYPTION_KEYS."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast

from gamedjinn import crypto
from gamedjinn.fields import EncryptedJSONField


class Command(BaseCommand):
    help = "Re-encrypt credentials with the first FIELD_ENCRYPTION_KEYS entry; then older keys can be removed."

    def handle(self, *args, **options):
        rotated = 0
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if not isinstance(field, EncryptedJSONField):
                    continue
                # The Cast reads the stored token itself; the plain attribute is the decrypted value.
                rows = model._default_manager.annotate(
                    _token=Cast(field.attname, TextField())
                ).exclude(_token="")
                with transaction.atomic():
                    for row in rows.only("pk", field.attname).iterator():
                        if crypto.needs_rotation(row._token):
                            model._default_manager.filter(pk=row.pk).update(
                                **{field.attname: getattr(row, field.attname)}
                            )
                            rotated += 1
        newest = crypto.key_id(settings.FIELD_ENCRYPTION_KEYS[0])
        self.stdout.write(f"Re-encrypted {rotated} value(s) with key {newest}.")
