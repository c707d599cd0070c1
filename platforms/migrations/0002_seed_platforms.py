from django.db import migrations

from platforms.registry import PLATFORMS


def seed(apps, schema_editor):
    Platform = apps.get_model("platforms", "Platform")
    for spec in PLATFORMS:
        Platform.objects.update_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "api_available": spec.api_available,
                "capabilities": list(spec.capabilities),
                "sort_order": spec.sort_order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("platforms", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
