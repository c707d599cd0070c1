from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PlatformsConfig(AppConfig):
    name = "platforms"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from platforms.sync_rows import sync_platform_rows

        post_migrate.connect(sync_platform_rows, sender=self, dispatch_uid="platform-rows")
