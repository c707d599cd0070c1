from django.urls import path

from assistant import views

app_name = "assistant"
urlpatterns = [
    path("", views.chat, name="chat"),
    path("status/", views.status, name="status"),
    path("c/<int:conversation_id>/", views.chat, name="conversation"),
    path("c/<int:conversation_id>/messages/", views.transcript, name="transcript"),
    path("c/<int:conversation_id>/rename/", views.rename, name="rename"),
    path("c/<int:conversation_id>/delete/", views.delete, name="delete"),
]
