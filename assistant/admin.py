from django.contrib import admin

from assistant.models import Conversation, Message


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    fields = ("role", "content", "tool_name", "error_code", "input_tokens", "output_tokens")
    readonly_fields = fields
    can_delete = False
    show_change_link = False


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("__str__", "owner", "model", "updated_at")
    list_filter = ("model",)
    search_fields = ("title", "owner__username")
    list_select_related = ("owner",)
    readonly_fields = ("created_at", "updated_at")
    inlines = [MessageInline]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("__str__", "conversation", "role", "error_code", "created_at")
    list_filter = ("role", "error_code")
    list_select_related = ("conversation",)
    readonly_fields = ("created_at",)
