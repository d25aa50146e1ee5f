"""An httpx transport that records every request before passing it on: the test seam for what the client sent."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import httpx


@dataclass(frozen=True, slots=True)
class Sent:
    method: str
    url: httpx.URL
    headers: httpx.Headers
    body: bytes

    @property
    def path(self) -> str:
        return self.url.path


class RecordingTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner
        self._lock = threading.Lock()
        self.sent: list[Sent] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        with self._lock:
            self.sent.append(Sent(request.method, request.url, request.headers.copy(), body))
        return self._inner.handle_request(request)

    def writes(self) -> list[Sent]:
        return [s for s in self.sent if s.method in ("PUT", "POST") and "/api.xro/2.0/" in s.url.path]
