"""A fake Slack Web API on 127.0.0.1 (an ephemeral port) for tests: records every call, answers like Slack
(`{"ok": true, …}`, a fresh `ts` for each posted message), keeps each message's latest content, serves the
`response_url`s it hands out, and checks every message and view it receives against Slack's rules.

The check parses each payload with `slack_sdk.models` and serialises it again, which raises on any limit the SDK
knows (text lengths, element counts); it also enforces what the SDK does not (50 blocks per message, 100 per view,
a fallback `text` beside blocks). Anything that fails is kept in `violations`, which the tests' fixture asserts empty.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

BOT_TOKEN = "xoxb-test-token"
VIEW_METHODS = ("views.open", "views.update", "views.push", "views.publish")


@dataclass(frozen=True)
class Call:
    method: str  # "chat.postMessage", or "response_url" for a POST to a response_url
    body: dict[str, Any]
    token: str | None
    at: float = field(default_factory=time.monotonic)


def validation_problems(method: str, body: dict[str, Any]) -> list[str]:
    """What Slack would refuse in this call's message or view."""
    problems = []
    view = body.get("view")
    if isinstance(view, str):
        view = json.loads(view)
    if method in VIEW_METHODS and isinstance(view, dict):
        try:
            View(**view).to_dict()
        except Exception as error:
            problems.append(f"{method}: {error}")
        limit = 100
        blocks = view.get("blocks") or []
    else:
        limit = 50
        blocks = body.get("blocks") or []
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        if blocks and not body.get("text"):
            problems.append(f"{method}: blocks without a fallback text")
    if len(blocks) > limit:
        problems.append(f"{method}: {len(blocks)} blocks (Slack allows {limit})")
    for block in blocks:
        try:
            parsed = Block.parse(block)
            assert parsed is not None, f"unknown block {block.get('type')}"
            parsed.to_dict()
        except Exception as error:
            problems.append(f"{method}: {error}")
    return problems


class FakeSlack:
    """`with FakeSlack() as slack:` serves until the block ends. `slack.url` is the Web API base URL."""

    def __init__(self, *, validate: bool = True) -> None:
        self.validate = validate  # a benchmark turns it off: in real life Slack's servers do that work
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}  # (channel, ts) -> latest text/blocks
        self.groups: dict[str, list[str]] = {}
        self.unreachable_channels: set[str] = set()  # chat.postMessage answers not_in_channel there
        self._ts = itertools.count(1)
        self._changed = threading.Condition()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def response_url(self, name: str) -> str:
        return f"{self.url}response_url/{name}"

    def __enter__(self) -> FakeSlack:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def of(self, method: str) -> list[Call]:
        with self._changed:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        """Wait (at most `timeout` seconds) until `predicate()` holds; it is re-checked after each call."""
        with self._changed:
            return self._changed.wait_for(predicate, timeout=timeout)

    def answer(self, method: str, body: dict[str, Any], token: str | None) -> dict[str, Any]:
        if method == "response_url":
            return {"ok": True}
        if token != BOT_TOKEN:
            return {"ok": False, "error": "invalid_auth"}
        if method == "auth.test":
            return {
                "ok": True,
                "user_id": "UBOT",
                "bot_id": "BBOT",
                "team_id": "T1",
                "team": "Harbour & Finch",
            }
        if method == "chat.postMessage":
            if body["channel"] in self.unreachable_channels:
                return {"ok": False, "error": "not_in_channel"}
            ts = f"{1_800_000_000 + next(self._ts)}.000100"
            self.messages[(body["channel"], ts)] = body
            return {"ok": True, "channel": body["channel"], "ts": ts, "message": {"text": body.get("text")}}
        if method == "chat.update":
            key = (body["channel"], body["ts"])
            if key not in self.messages:
                return {"ok": False, "error": "message_not_found"}
            self.messages[key] = body
            return {"ok": True, "channel": body["channel"], "ts": body["ts"]}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{1_800_000_000 + next(self._ts)}.000200"}
        if method in VIEW_METHODS:
            return {"ok": True, "view": {"id": body.get("view_id") or f"V{next(self._ts)}", "hash": "h1"}}
        if method == "usergroups.users.list":
            if body.get("usergroup") not in self.groups:
                return {"ok": False, "error": "no_such_subteam"}
            return {"ok": True, "users": self.groups[body["usergroup"]]}
        return {"ok": False, "error": "unknown_method"}

    def _record(self, method: str, body: dict[str, Any], token: str | None) -> dict[str, Any]:
        with self._changed:
            if self.validate:
                self.violations.extend(validation_problems(method, body))
            answer = self.answer(method, body, token)
            self.calls.append(Call(method, body, token))
            self._changed.notify_all()
            return answer

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._serve(b"")

            def do_POST(self) -> None:
                self._serve(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

            def _serve(self, raw: bytes) -> None:
                parts = urlsplit(self.path)
                path = parts.path.lstrip("/")
                method = "response_url" if path.startswith("response_url/") else path.removeprefix("api/")
                body = _parse(raw, self.headers.get("Content-Type") or "", parts.query)
                if method == "response_url":
                    body["response_url"] = path
                auth = self.headers.get("Authorization") or ""
                token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else body.get("token")
                data = json.dumps(fake._record(method, body, token)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_: Any) -> None:
                pass

        return Handler


def _parse(raw: bytes, content_type: str, query: str) -> dict[str, Any]:
    body: dict[str, Any] = {k: v[-1] for k, v in parse_qs(query).items()}
    if raw and "json" in content_type:
        body.update(json.loads(raw))
    elif raw:
        body.update({k: v[-1] for k, v in parse_qs(raw.decode()).items()})
    for key in ("blocks", "view"):
        if isinstance(body.get(key), str):
            body[key] = json.loads(body[key])
    return body
