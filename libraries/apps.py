from django.apps import AppConfig


class LibrariesConfig(AppConfig):
    name = "libraries"
    default_auto_field = "django.db.models.BigAutoField"
