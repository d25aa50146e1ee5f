"""A local Slack Socket Mode endpoint, for tests: the WebSocket side of Slack that a Socket Mode app connects to.

Written from Slack's Socket Mode guide (api.slack.com/apis/socket-mode) and the shapes bolt-python's own Socket Mode
tests push (slackapi/bolt-python `tests/adapter_tests/socket_mode/mock_socket_mode_server.py`):
- the app asks `apps.connections.open` (with its app-level `xapp-` token) for a URL; `SlackSandbox` answers with
  `url` below, which is single-use in Slack, so each call hands out a fresh ticket;
- on connect Slack sends `{"type": "hello", "num_connections", "connection_info": {"app_id"}, "debug_info"}`;
- each request is an envelope `{"envelope_id", "type", "payload", "accepts_response_payload"}` (`slash_commands`,
  `interactive`, `events_api`), which the app must acknowledge with `{"envelope_id", "payload"?}` within 3 seconds;
- Slack may send `{"type": "disconnect", "reason": "refresh_requested"}` or simply drop the connection, and the app
  then opens a new one.
Chosen here where Slack's behaviour is not needed: one app connection at a time (Slack allows up to 10), plain `ws://`
on loopback, and no ping/pong of its own (the websockets library answers the client's pings).
It needs the `websockets` package, a development dependency: only the tests serve it.
"""

from __future__ import annotations

import itertools
import json
import threading
import uuid
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

ACK_SECONDS = (
    3.0  # Slack retries an envelope that is not acknowledged within 3 s (api.slack.com/apis/socket-mode)
)


class SocketModeEndpoint:
    """`with SocketModeEndpoint(app_id) as endpoint:` serves on 127.0.0.1 until the block ends.

    `send(kind, payload)` pushes one envelope to the connected app and returns its acknowledgement (or None when none
    came in time); `drop()` closes the connection from Slack's side and `refresh()` asks the app to reconnect; `connections` counts the app's
    connections so far (a reconnect makes it grow)."""

    def __init__(self, app_id: str = "A1") -> None:
        self.app_id = app_id
        self.connections = 0
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._current: ServerConnection | None = None
        self._changed = threading.Condition()
        self._acks: dict[str, dict[str, Any]] = {}
        self._tickets = itertools.count(1)

    def __enter__(self) -> SocketModeEndpoint:
        self._server = serve(self._session, "127.0.0.1", 0)
        self._thread = threading.Thread(target=self._server.serve_forever, name="socket-mode", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._thread.join(timeout=5)

    @property
    def url(self) -> str:
        """A fresh connection URL, as `apps.connections.open` gives one."""
        assert self._server is not None
        port = self._server.socket.getsockname()[1]
        return f"ws://127.0.0.1:{port}/link/?ticket={next(self._tickets)}"

    def _session(self, connection: ServerConnection) -> None:
        with self._changed:
            self.connections += 1
            self._current = connection
            self._changed.notify_all()
        connection.send(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": 1,
                    "debug_info": {"host": "applink-local", "approximate_connection_time": 18060},
                    "connection_info": {"app_id": self.app_id},
                }
            )
        )
        try:
            for raw in connection:
                message = json.loads(raw)
                if isinstance(message, dict) and isinstance(message.get("envelope_id"), str):
                    with self._changed:
                        self._acks[message["envelope_id"]] = message
                        self._changed.notify_all()
        except ConnectionClosed:
            pass
        finally:
            with self._changed:
                if self._current is connection:
                    self._current = None
                self._changed.notify_all()

    def wait_connected(self, count: int, timeout: float) -> bool:
        """Wait until the app has connected `count` times in all and is connected now."""
        with self._changed:
            return self._changed.wait_for(
                lambda: self.connections >= count and self._current is not None, timeout=timeout
            )

    def send(
        self, kind: str, payload: dict[str, Any], *, timeout: float = ACK_SECONDS, retry_attempt: int = 0
    ) -> dict[str, Any] | None:
        """Push an envelope of `kind` to the app; its acknowledgement, or None when it did not come in `timeout`.
        Slack sends an unacknowledged envelope again, saying which attempt it is (`retry_attempt`)."""
        envelope_id = str(uuid.uuid4())
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
            "retry_attempt": retry_attempt,
            "retry_reason": "timeout" if retry_attempt else "",
        }
        with self._changed:
            connection = self._current
        assert connection is not None, "no app is connected"
        connection.send(json.dumps(envelope))
        with self._changed:
            self._changed.wait_for(lambda: envelope_id in self._acks, timeout=timeout)
            return self._acks.pop(envelope_id, None)

    def drop(self) -> None:
        """Close the app's connection from Slack's side without warning (close code 1001, "going away")."""
        with self._changed:
            connection = self._current
        if connection is not None:
            connection.close(code=1001, reason="going away")

    def refresh(self) -> None:
        """Ask the app to reconnect, as Slack does before it retires a connection (`refresh_requested`)."""
        with self._changed:
            connection = self._current
        if connection is not None:
            message = {
                "type": "disconnect",
                "reason": "refresh_requested",
                "debug_info": {"host": "applink-local"},
            }
            connection.send(json.dumps(message))
