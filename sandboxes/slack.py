"""A local Slack Web API, as a WSGI app: the part of Slack the bot talks to, written from Slack's API reference, for
the demo console and the tests.

It answers like Slack (`{"ok": true, …}`; `chat.postMessage` gives each message a fresh `ts`; a `views.*` call
gives the view an id and hash), keeps the latest content of each message (so `chat.update` can be checked), serves
any path under `/response_url/` (Slack's per-interaction reply URLs), lists user group members, opens Socket Mode
connections (`apps.connections.open`, with the app-level token, to a `slack_socket.SocketModeEndpoint`), takes file
uploads (`files.getUploadURLExternal`, the upload URL it serves itself, `files.completeUploadExternal`: see
`slack_files`), and refuses calls without the bot token with `invalid_auth`, as Slack does. Every call is recorded
(the POST to an upload URL as `upload_url`, without its bytes) and handed to each `observers` callback (the console
renders them; the tests validate them).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from sandboxes.slack_files import FILES_SCOPE, UPLOAD_PATH, FileDesk

VIEW_METHODS = ("views.open", "views.update", "views.push", "views.publish")
FILE_METHODS = ("files.getUploadURLExternal", "files.completeUploadExternal")
RESPONSE_URL = "response_url"
UPLOAD_URL = "upload_url"


@dataclass(frozen=True)
class SlackCall:
    method: str  # a Web API method such as "chat.postMessage", or "response_url" / "upload_url"
    body: dict[str, Any]
    token: str | None
    at: float = field(default_factory=time.monotonic)


class SlackSandbox:
    """Mount it at the Web API base URL (`…/`, so methods are `…/chat.postMessage`)."""

    def __init__(self, bot_token: str, *, app_token: str | None = None) -> None:
        self.bot_token = bot_token
        self.app_token = app_token  # the app-level `xapp-` token Socket Mode connects with
        self.socket_url: Callable[[], str] | None = (
            None  # a fresh Socket Mode URL (`slack_socket`), when serving one
        )
        self.calls: list[SlackCall] = []
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}  # (channel, ts) -> latest text/blocks
        self.groups: dict[str, list[str]] = {}
        self.unreachable_channels: set[str] = set()  # chat.postMessage answers not_in_channel there
        # The bot token's scopes, when the sandbox should check them (None: every scope is granted).
        self.scopes: set[str] | None = None
        self.files = FileDesk()
        self.observers: list[Callable[[SlackCall], None]] = []
        self.changed = threading.Condition()
        self._ts = itertools.count(1)

    def of(self, method: str) -> list[SlackCall]:
        with self.changed:
            return [c for c in self.calls if c.method == method]

    def handle(
        self, method: str, body: dict[str, Any], token: str | None, *, base_url: str = ""
    ) -> dict[str, Any]:
        """Answer one call and record it (what the WSGI app does with each request). `base_url` is where the
        sandbox is served, for the upload URLs it hands out."""
        with self.changed:
            answer = self._answer(method, body, token, base_url)
            self._record(method, body, token)
            return answer

    def upload(self, ticket: str, raw: bytes, content_type: str) -> tuple[int, str]:
        """Take the bytes POSTed to an upload URL (no token: the URL is the credential) and record the call."""
        with self.changed:
            status, text = self.files.receive(ticket, raw, content_type)
            self._record(UPLOAD_URL, {"ticket": ticket, "length": len(raw), "status": status}, None)
            return status, text

    def _record(self, method: str, body: dict[str, Any], token: str | None) -> None:
        call = SlackCall(method, body, token)
        self.calls.append(call)
        for observe in self.observers:
            observe(call)
        self.changed.notify_all()

    def _answer(self, method: str, body: dict[str, Any], token: str | None, base_url: str) -> dict[str, Any]:
        if method == RESPONSE_URL:
            return {"ok": True}
        if method == "apps.connections.open":
            # Only an app-level token may open a Socket Mode connection (api.slack.com/methods/apps.connections.open).
            if self.app_token is None or token != self.app_token or self.socket_url is None:
                return {"ok": False, "error": "invalid_auth" if token != self.app_token else "not_allowed"}
            return {"ok": True, "url": self.socket_url()}
        if token != self.bot_token:
            return {"ok": False, "error": "invalid_auth"}
        if method == "auth.test":
            return {"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1", "team": "Sandbox"}
        if method == "chat.postMessage":
            if body.get("channel") in self.unreachable_channels:
                return {"ok": False, "error": "not_in_channel"}
            ts = f"{1_800_000_000 + next(self._ts)}.000100"
            self.messages[(body["channel"], ts)] = body
            return {"ok": True, "channel": body["channel"], "ts": ts, "message": {"text": body.get("text")}}
        if method == "chat.update":
            key = (body.get("channel", ""), body.get("ts", ""))
            if key not in self.messages:
                return {"ok": False, "error": "message_not_found"}
            self.messages[key] = body
            return {"ok": True, "channel": key[0], "ts": key[1]}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{1_800_000_000 + next(self._ts)}.000200"}
        if method in VIEW_METHODS:
            return {"ok": True, "view": {"id": body.get("view_id") or f"V{next(self._ts)}", "hash": "h1"}}
        if method in FILE_METHODS and self.scopes is not None and FILES_SCOPE not in self.scopes:
            # Slack's missing_scope answer names the scope needed and the ones the token has.
            return {
                "ok": False,
                "error": "missing_scope",
                "needed": FILES_SCOPE,
                "provided": ",".join(sorted(self.scopes)),
            }
        if method == "files.getUploadURLExternal":
            return self.files.reserve(body, base_url)
        if method == "files.completeUploadExternal":
            return self.files.complete(body, self.unreachable_channels)
        if method == "usergroups.users.list":
            if body.get("usergroup") not in self.groups:
                return {"ok": False, "error": "no_such_subteam"}
            return {"ok": True, "users": self.groups[body["usergroup"]]}
        return {"ok": False, "error": "unknown_method"}

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "").lstrip("/")
        if path.startswith(f"{UPLOAD_PATH}/"):
            return self._serve_upload(path.removeprefix(f"{UPLOAD_PATH}/"), environ, start_response)
        method = RESPONSE_URL if path.startswith(f"{RESPONSE_URL}/") else path.removeprefix("api/")
        size = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(size) if size else b""
        body = parse_body(raw, environ.get("CONTENT_TYPE") or "", environ.get("QUERY_STRING") or "")
        if method == RESPONSE_URL:
            body[RESPONSE_URL] = path
        auth = environ.get("HTTP_AUTHORIZATION") or ""
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else body.get("token")
        data = json.dumps(self.handle(method, body, token, base_url=served_at(environ))).encode()
        start_response(
            "200 OK",
            [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(data)))],
        )
        return [data]

    def _serve_upload(self, ticket: str, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            status, text = (
                405,
                "POST the file",
            )  # step 2 of the upload: "making a POST request to the upload URL"
        else:
            size = int(environ.get("CONTENT_LENGTH") or 0)
            raw = environ["wsgi.input"].read(size) if size else b""
            status, text = self.upload(ticket, raw, environ.get("CONTENT_TYPE") or "")
        data = text.encode()
        reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}[status]
        start_response(
            f"{status} {reason}",
            [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(data)))],
        )
        return [data]


def served_at(environ: dict[str, Any]) -> str:
    """The base URL a request reached the sandbox at (scheme, host and any mount prefix)."""
    host = (
        environ.get("HTTP_HOST")
        or f"{environ.get('SERVER_NAME', '127.0.0.1')}:{environ.get('SERVER_PORT', '80')}"
    )
    return f"{environ.get('wsgi.url_scheme', 'http')}://{host}{environ.get('SCRIPT_NAME', '')}"


def parse_body(raw: bytes, content_type: str, query: str) -> dict[str, Any]:
    """A Web API request's arguments, whichever way the client sent them (query, form or JSON)."""
    body: dict[str, Any] = {k: v[-1] for k, v in parse_qs(query).items()}
    if raw and "json" in content_type:
        body.update(json.loads(raw))
    elif raw:
        body.update({k: v[-1] for k, v in parse_qs(raw.decode()).items()})
    for key in ("blocks", "view", "files"):
        if isinstance(body.get(key), str):
            body[key] = json.loads(body[key])
    return body
