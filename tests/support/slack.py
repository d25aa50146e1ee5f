"""Requests to the app signed exactly as Slack signs them (v0 HMAC-SHA256 of `v0:timestamp:body` with the
signing secret), in Slack's three body shapes: a form for slash commands, `payload=<json>` for interactivity, JSON
for events."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
_trigger = itertools.count(1)


def signed_headers(
    body: bytes, *, secret: str = SIGNING_SECRET, timestamp: int | None = None
) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    signature = f"v0={digest}"  # on the bytes, as Slack signs them (slack_sdk's helper wants UTF-8 text)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}


def trigger_id() -> str:
    return f"{next(_trigger)}.1.trigger"


def command_body(text: str, *, user: str, channel: str, response_url: str) -> tuple[bytes, str]:
    form = {
        "token": "legacy", "team_id": "T1", "team_domain": "harbour", "channel_id": channel, "channel_name": "books",
        "user_id": user, "user_name": user.lower(), "command": "/xero", "text": text, "api_app_id": "A1",
        "response_url": response_url, "trigger_id": trigger_id(),
    }  # fmt: skip
    return urlencode(form).encode(), "application/x-www-form-urlencoded"


def interaction_body(payload: dict[str, Any]) -> tuple[bytes, str]:
    return urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded"


def button_payload(
    action_id: str, value: str, *, user: str, channel: str, message_ts: str, response_url: str,
    blocks: list[dict[str, Any]] | None = None, block_id: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """A click as Slack sends it: the button's block is `<kind>:<value>` as the views name it (`alert.retry` is in
    block `alert:<id>`), and `blocks` (the message's, as Slack sends them along) when given."""
    block_id = block_id or f"{action_id.split('.')[0]}:{value}"
    message: dict[str, Any] = {"ts": message_ts, "type": "message"}
    if blocks is not None:
        message["blocks"] = blocks
    return {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": user, "username": user.lower(), "team_id": "T1"},
        "api_app_id": "A1",
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel},
        "channel": {"id": channel, "name": "alerts"},
        "message": message,
        "trigger_id": trigger_id(),
        "response_url": response_url,
        "actions": [
            {"type": "button", "action_id": action_id, "block_id": block_id, "value": value,
             "action_ts": str(time.time())},
        ],
    }  # fmt: skip


def submission_payload(
    callback_id: str, metadata: dict[str, Any], values: dict[str, Any], *, user: str
) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": {"id": "T1"},
        "user": {"id": user, "username": user.lower(), "team_id": "T1"},
        "api_app_id": "A1",
        "trigger_id": trigger_id(),
        "view": {
            "id": "V1", "type": "modal", "callback_id": callback_id, "private_metadata": json.dumps(metadata),
            "state": {"values": values}, "hash": "h1",
        },
    }  # fmt: skip


def event_body(event: dict[str, Any], *, event_id: str) -> tuple[bytes, str]:
    body = {
        "token": "legacy", "team_id": "T1", "api_app_id": "A1", "type": "event_callback", "event_id": event_id,
        "event_time": int(time.time()), "event": event,
    }  # fmt: skip
    return json.dumps(body).encode(), "application/json"
