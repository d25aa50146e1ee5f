"""The HTTP server under `xerobot serve`: waitress, held against slow and greedy clients.

Waitress reads every request in its one event loop and hands it to a worker thread only once headers and body have
all arrived, so a client that trickles bytes never holds a worker. What it lacks is a deadline for that arrival (its
`channel_timeout` closes only a connection that sends nothing at all) and room for many such clients (100 by
default, in `select()`, which cannot watch more than 1024 sockets). Here it gets both: `poll()` and a connection
limit well above what a firm needs, and a channel that is closed when a request has not fully arrived within the
read timeout. A body larger than the cap is refused with 413 from its `Content-Length`, before it is read.

Kept rather than replaced (hypercorn, uvicorn, gunicorn) because with these settings it holds (see the slow-client
scenario test), runs on Windows, and needs no ASGI adapter under bolt's WSGI handler. A buffering reverse proxy in
front (the README's production section) remains the first line.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

SERVER_THREADS = 32  # requests waiting on an ack each hold a thread for a few milliseconds


@dataclass(frozen=True, slots=True)
class HttpLimits:
    """How long a request may take to arrive, how long an idle connection stays open, the largest body and the
    most connections at once (settings `XEROBOT_HTTP_*`, in the README)."""

    read_timeout: float = 10.0
    idle_timeout: int = 30
    max_body: int = 1024 * 1024
    connections: int = 1000


def _deadline_channel(read_timeout: float) -> type[HTTPChannel]:
    class DeadlineChannel(HTTPChannel):  # type: ignore[misc]
        """A channel that closes itself when a request has been arriving for longer than the read timeout (from
        the connection's opening, or from the first byte of each request after the first)."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.request_started: float | None = time.monotonic()

        def received(self, data: bytes) -> bool:
            before = self.request
            result: bool = super().received(data)
            if self.request is None:
                self.request_started = None
            elif self.request is not before:
                self.request_started = time.monotonic()
            return result

        def readable(self) -> bool:
            # The event loop asks every channel this at least once a second, so the deadline holds to a second.
            started = self.request_started
            if started is not None and not self.requests and time.monotonic() - started > read_timeout:
                self.will_close = True  # writable() now answers True and the loop closes the channel
            return bool(super().readable())

    return DeadlineChannel


def make_server(application: WSGIApplication, host: str, port: int, limits: HttpLimits | None = None) -> Any:
    """A waitress server bound now (port 0 picks a free one: `server.effective_port`); `run()` serves until
    `close()`."""
    limits = limits or HttpLimits()
    sockets: dict[int, Any] = {}
    server = create_server(
        application, map=sockets, host=host, port=port, threads=SERVER_THREADS, ident="xerobot",
        max_request_body_size=limits.max_body, channel_timeout=limits.idle_timeout,
        connection_limit=limits.connections, asyncore_use_poll=True, cleanup_interval=1,
    )  # fmt: skip
    channel = _deadline_channel(limits.read_timeout)
    for listener in {server, *sockets.values()}:
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = channel
    return server
