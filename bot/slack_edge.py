"""The door in front of bolt for `POST /slack/events`: nothing of a request is parsed before its signature holds.

In order: the body is read within its cap (a larger `Content-Length` is refused with 413 before a byte of it is
read; a body cut short is 400); the Slack signature (`v0=` HMAC-SHA256 of `v0:timestamp:body`, timestamp within five
minutes) is checked on the raw bytes, and a request that fails it gets 401 and one log line that names its size
and sender, never its body; only then is the body parsed, and one that is not what Slack sends (form or JSON that
decodes to an object) gets 400, without a traceback. What passes is handed to bolt unchanged; bolt checks the
signature again (its own log of a failure is never reached from here).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import re
import time
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from integration import log_context

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

log = logging.getLogger(__name__)
SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
TIMESTAMP = re.compile(r"[0-9]{1,12}")
SLACK_USER = re.compile(r"[UW][A-Z0-9]{2,20}")
# Slack's check of a slash command's certificate: unsigned, answered 200 and nothing else (as bolt does).
SSL_CHECK = re.compile(rb"(?:token=[A-Za-z0-9]*&)?ssl_check=1(?:&token=[A-Za-z0-9]*)?")
MAX_AGE = 60 * 5  # seconds either side of our clock, as Slack's own verifier allows
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


class BadRequest(ValueError):
    """A signed body that is not what Slack sends."""


def parse(body: bytes, content_type: str) -> dict[str, Any]:
    """The request as bolt will read it: a form (a command, or `payload=<json>` for interactivity) or a JSON event.
    Raises `BadRequest` on anything else: not UTF-8, a broken form or JSON, a payload that is not an object."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the body is not UTF-8") from None
    media = content_type.split(";", 1)[0].strip().lower()
    try:
        if media == JSON or text.startswith("{"):  # bolt reads a body that starts with `{` as JSON too
            parsed: Any = json.loads(text)
        elif media == FORM:
            fields = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text), max_num_fields=100)
            form = dict(fields)
            if len(form) != len(fields):
                raise BadRequest("a form field is repeated")
            parsed = json.loads(form["payload"]) if "payload" in form else form
        else:
            raise BadRequest(f"content type {media or 'none'} is not one Slack sends")
    except (ValueError, RecursionError) as error:
        if isinstance(error, BadRequest):
            raise
        raise BadRequest(f"the body does not parse ({type(error).__name__})") from None
    if not isinstance(parsed, dict):
        raise BadRequest("the body is not an object")
    _check_shape(parsed)
    return parsed


def acting_user(body: dict[str, Any]) -> str | None:
    """The Slack user a request acts for (a command's `user_id`, an interaction's `user.id`, an event's `user`),
    when it is a plain Slack id; None otherwise."""
    user = body.get("user_id") or body.get("user")
    if isinstance(user, dict):
        user = user.get("id")
    event = body.get("event")
    if user is None and isinstance(event, dict):
        user = event.get("user")
    return user if isinstance(user, str) and SLACK_USER.fullmatch(user) else None


# The fields listeners read, and the shape Slack gives each one (commands are flat forms of strings)
SHAPES: dict[str, type | tuple[type, ...]] = {
    "type": str, "user": (dict, str), "team": (dict, type(None)), "event": dict, "view": dict, "actions": list,
    "trigger_id": str, "event_id": str, "api_app_id": str, "team_id": str, "response_url": str,
}  # fmt: skip


def _check_shape(body: dict[str, Any]) -> None:
    for name, shape in SHAPES.items():
        if name in body and not isinstance(body[name], shape):
            raise BadRequest(f"the field {name} has the wrong shape")
    actions = body.get("actions")
    if actions is not None and not (actions and all(isinstance(a, dict) for a in actions)):
        raise BadRequest("the field actions has the wrong shape")
    user = body.get("user")
    if isinstance(user, dict) and not isinstance(user.get("id"), str):
        raise BadRequest("the field user has the wrong shape")
    view = body.get("view") or {}
    if not isinstance(view.get("private_metadata", ""), str) or not isinstance(view.get("state", {}), dict):
        raise BadRequest("the field view has the wrong shape")


class SlackEdge:
    """The WSGI route for Slack's requests: bounded, verified, parsed, then bolt's."""

    def __init__(self, app: App, signing_secret: str, *, max_body: int) -> None:
        self._bolt = SlackRequestHandler(app)
        self._secret = signing_secret.encode()
        self._max_body = max_body

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or -1)
        except ValueError:
            return _answer(start_response, "400 Bad Request", "bad request")
        if length > self._max_body:
            log.warning("Refused a %d-byte request to Slack's route (the cap is %d)", length, self._max_body)
            return _answer(start_response, "413 Content Too Large", "too large")
        body = environ["wsgi.input"].read(length if length >= 0 else self._max_body + 1)
        if len(body) > self._max_body:
            return _answer(start_response, "413 Content Too Large", "too large")
        if 0 <= length != len(body):
            return _answer(start_response, "400 Bad Request", "bad request")
        if not self._signed(environ, body):
            if SSL_CHECK.fullmatch(body):
                return _answer(start_response, "200 OK", None)
            log.info(
                "Refused a Slack request that is not signed with the signing secret (%d bytes from %s)",
                len(body), environ.get("REMOTE_ADDR", "?"),
            )  # fmt: skip
            return _answer(start_response, "401 Unauthorized", "invalid request")
        try:
            parsed = parse(body, environ.get("CONTENT_TYPE") or "")
        except BadRequest as error:
            log.warning("Refused a signed Slack request: %s", error)
            return _answer(start_response, "400 Bad Request", "bad request")
        environ = {**environ, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
        with log_context.bound(request_id=uuid.uuid4().hex[:12], user=acting_user(parsed)):
            return self._bolt(environ, start_response)

    def _signed(self, environ: WSGIEnvironment, body: bytes) -> bool:
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP") or ""
        signature = environ.get("HTTP_X_SLACK_SIGNATURE") or ""
        if not (TIMESTAMP.fullmatch(timestamp) and SIGNATURE.fullmatch(signature)):
            return False
        if abs(time.time() - int(timestamp)) > MAX_AGE:
            return False
        # On the raw bytes: slack_sdk's verifier decodes the body first, and raises on one that is not UTF-8.
        expected = hmac.new(
            self._secret, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256
        ).hexdigest()
        return hmac.compare_digest(f"v0={expected}", signature)


def _answer(start_response: StartResponse, status: str, error: str | None) -> list[bytes]:
    data = json.dumps({"error": error}).encode() if error else b""
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]
