from django.urls import path

from assistant import views

app_name = "assistant"
urlpatterns = [
    path("", views.chat, name="chat"),
    path("status/", views.status, name="status"),
    path("c/<id:conversation_id>/", views.chat, name="conversation"),
    path("c/<id:conversation_id>/messages/", views.transcript, name="transcript"),
    path("c/<id:conversation_id>/rename/", views.rename, name="rename"),
    path("c/<id:conversation_id>/delete/", views.delete, name="delete"),
]
