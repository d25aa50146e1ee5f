"""The bot's webhook endpoint wired to the Xero sandbox: the sandbox signs and sends its webhooks to the bot's WSGI
app (over `httpx.WSGITransport`, the HTTP exchange without a socket), as Xero sends them to `xerobot serve`."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from bot.web import WEBHOOK_PATH, wsgi_app
from integration.app import Service
from sandboxes.server import Sandboxes
from sandboxes.xero.webhooks import WebhookSender, signature

KEY = "webhook-key-for-tests"


@dataclass
class Bot:
    """The service, the sandboxes, the bot's HTTP face and the sandbox's webhook sender aimed at it."""

    service: Service
    sandboxes: Sandboxes
    http: httpx.Client
    sender: WebhookSender

    def post(self, body: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
        return self.http.post(WEBHOOK_PATH, content=body, headers=headers or {})

    def signed(self, payload: dict[str, Any]) -> httpx.Response:
        body = json.dumps(payload).encode()
        return self.post(body, {"x-xero-signature": signature(body, KEY)})


def wire(service: Service, sandboxes: Sandboxes, received: Callable[[], None] | None = None) -> Bot:
    """The service's webhook endpoint, and the sandbox sending its webhooks there (`received` runs after a webhook
    stored new events, as `xerobot serve` starts processing then)."""
    app = wsgi_app(None, dict, webhooks=service.webhooks, received=received)
    http = httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://bot.test")
    sender = sandboxes.xero.send_webhooks_to(
        f"http://bot.test{WEBHOOK_PATH}", KEY, transport=httpx.WSGITransport(app=app)
    )
    return Bot(service, sandboxes, http, sender)
