"""The Xero sandbox's webhooks: Xero's payload shape and signature, and a failed delivery retried."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

import httpx

from integration.clock import VirtualClock
from sandboxes.xero.webhooks import Change, WebhookSender

KEY = "sandbox-webhook-key"


def receiver(answers: list[int]) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(answers.pop(0) if answers else 200)

    return httpx.MockTransport(handle), seen


def sender(transport: httpx.BaseTransport, attempts: int = 3) -> WebhookSender:
    return WebhookSender(
        "http://bot.test/xero/webhooks", KEY, tenant_id="T-1", clock=VirtualClock(), transport=transport,
        attempts=attempts,
    )  # fmt: skip


def test_a_webhook_has_xeros_shape_and_signature() -> None:
    transport, seen = receiver([])
    webhooks = sender(transport)
    webhooks.changed([Change("INVOICE", "inv-1", "UPDATE"), Change("CONTACT", "c-1", "CREATE")])
    webhooks.changed([Change("CREDITNOTE", "cn-1", "CREATE")])

    first, second = seen
    body = first.content
    expected = base64.b64encode(hmac.new(KEY.encode(), body, hashlib.sha256).digest()).decode()
    assert first.headers["x-xero-signature"] == expected
    payload: dict[str, Any] = webhooks.sent[0].payload
    assert (payload["firstEventSequence"], payload["lastEventSequence"]) == (1, 2)
    assert webhooks.sent[1].payload["firstEventSequence"] == 3
    assert payload["entropy"]
    event = payload["events"][0]
    assert set(event) == {
        "resourceUrl", "resourceId", "eventDateUtc", "eventType", "eventCategory", "tenantId", "tenantType",
    }  # fmt: skip
    assert event["resourceUrl"].endswith("/Invoices/inv-1")
    assert (event["tenantId"], event["tenantType"]) == ("T-1", "ORGANISATION")
    assert second.content != body


def test_a_failed_delivery_is_retried_and_one_still_failing_stays_queued_for_the_next_flush() -> None:
    transport, seen = receiver([503, 200])
    webhooks = sender(transport)
    webhooks.changed([Change("INVOICE", "inv-1", "UPDATE")])
    assert webhooks.sent[0].answers == [503, 200]

    transport, seen = receiver([500, 500])
    webhooks = sender(transport, attempts=2)
    webhooks.changed([Change("INVOICE", "inv-2", "UPDATE")])
    assert len(webhooks.queued) == 1 and not webhooks.sent
    assert webhooks.flush() == 0
    assert webhooks.sent[0].answers == [500, 500, 200]
    assert len({r.content for r in seen}) == 1  # the same signed body each time
