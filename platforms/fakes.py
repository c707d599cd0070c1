"""What every store's loopback fake shares: a threaded HTTP server on 127.0.0.1, started and
stopped by the fake (or used as a context manager), and its base URL. Each fake subclasses
LoopbackFake with its own request handler and world; nothing here knows a store."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Self


class LoopbackFake:
    handler: ClassVar[type[BaseHTTPRequestHandler]]
    server_class: ClassVar[type[ThreadingHTTPServer]]
    _address: tuple[str, int]
    _server: Any = None  # the running server_class, whose ``fake`` is this object

    def start(self) -> Self:
        server = self.server_class(self._address, self.handler)
        server.fake = self  # type: ignore[attr-defined]
        self._server = server
        threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not running; call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"
