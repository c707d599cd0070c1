from django.apps import AppConfig
from django.db.models.signals import post_migrate


class GamesConfig(AppConfig):
    name = "games"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from games.search import ensure_title_index_triggers

        post_migrate.connect(
            ensure_title_index_triggers, sender=self, dispatch_uid="title-index-triggers"
        )
