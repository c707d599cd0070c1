from django.urls import path

from assistant.consumers import ChatConsumer

websocket_urlpatterns = [
    path("ws/assistant/", ChatConsumer.as_asgi()),
]
