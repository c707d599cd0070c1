from django.urls import path

from libraries.consumers import SyncProgressConsumer

websocket_urlpatterns = [path("ws/sync/", SyncProgressConsumer.as_asgi())]
