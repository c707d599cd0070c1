"""A size limit enforced while an upload streams in, not after it was all received.

Django writes uploads over FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file chunk by chunk; this
handler sits first in the chain, counts the bytes, and stops the upload as soon as it is over
the limit, so a 10 GB mistake costs the server IMPORT_MAX_MB, not 10 GB of disk. The middleware
installs it on every multipart request before anything reads the body (the NUL-character check
reads form fields), so every door that takes a file has the same limit.
"""

from __future__ import annotations

from collections.abc import Callable
from inspect import iscoroutinefunction

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import sync_and_async_middleware


def upload_limit_bytes() -> int:
    return int(settings.IMPORT_MAX_MB) * 1024 * 1024


class SizeLimitedUpload(FileUploadHandler):
    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.upload_too_large = True  # type: ignore[union-attr]
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def upload_refused_sentence() -> str:
    return (
        f"The file is larger than this server accepts ({settings.IMPORT_MAX_MB} MB, IMPORT_MAX_MB)."
    )


def upload_refused(request: HttpRequest) -> str:
    """The sentence to show when the upload was stopped for its size, else ''."""
    return upload_refused_sentence() if getattr(request, "upload_too_large", False) else ""


def _limit(request: HttpRequest) -> None:
    if request.method in ("POST", "PUT", "PATCH") and request.content_type == "multipart/form-data":
        request.upload_handlers = [
            SizeLimitedUpload(request, upload_limit_bytes()),
            *request.upload_handlers,
        ]


@sync_and_async_middleware
def limit_upload_size(get_response: Callable) -> Callable:
    if iscoroutinefunction(get_response):

        async def async_middleware(request: HttpRequest) -> HttpResponse:
            _limit(request)
            return await get_response(request)

        return async_middleware

    def middleware(request: HttpRequest) -> HttpResponse:
        _limit(request)
        return get_response(request)

    return middleware
