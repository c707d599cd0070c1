from django.contrib import admin

from platforms.models import Platform


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "api_available", "sort_order")
    list_editable = ("sort_order",)
    readonly_fields = ("code", "kind", "api_available", "capabilities")
