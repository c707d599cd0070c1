from assistant.routing import websocket_urlpatterns as assistant_ws
from libraries.routing import websocket_urlpatterns as libraries_ws

websocket_urlpatterns = [*libraries_ws, *assistant_ws]
