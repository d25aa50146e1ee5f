"""Xero's webhooks, as the sandbox sends them: signed, batched, retried.

When a request through the API creates or changes an invoice, a credit note or a contact, the sandbox sends one
webhook to the configured URL naming each record (`send_webhooks_to`). The rules, with their sources:

- The payload is `{"events": [...], "firstEventSequence": n, "lastEventSequence": m, "entropy": "..."}`; each
  event has `resourceUrl`, `resourceId`, `eventDateUtc`, `eventType` (CREATE or UPDATE), `eventCategory` (INVOICE,
  CREDITNOTE or CONTACT), `tenantId` and `tenantType` ("ORGANISATION"). Sources: developer.xero.com, webhooks
  overview ("Payload" and its example); XeroAPI/Xero-OpenAPI `xero-webhooks.yaml` (`WebhookEvent`, `WebhookPayload`).
- A payment changes the invoice it pays (its AmountDue, AmountPaid): Xero raises INVOICE UPDATE for it; there are
  no payment events. Source: webhooks overview ("Events": categories INVOICE, CONTACT, CREDITNOTE, SUBSCRIPTION).
- Header `x-xero-signature`: base64 of HMAC-SHA256 of the raw body under the webhook key. Source: webhooks overview,
  "Configuring your server" ("Signature").
- A delivery counts as received only on a 200 with an empty body; anything else (or no answer) is a failure and is
  retried. Source: "Configuring your server" (intent to receive) and the overview ("retries ... up to 24 hours,
  then the subscription is disabled"). Choice here: `attempts` tries per flush (3 by default, no wait between them
  unless `retry_wait` says so, so tests stay fast); a webhook still undelivered stays queued and is tried again
  with the next change's delivery (`flush`), standing in for Xero's 24-hour schedule.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx

from integration.clock import Clock

log = logging.getLogger(__name__)
ENDPOINT_OF = {"INVOICE": "Invoices", "CREDITNOTE": "CreditNotes", "CONTACT": "Contacts"}


def signature(body: bytes, key: str) -> str:
    """Xero's `x-xero-signature` of `body` under `key`."""
    return base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()


@dataclass(frozen=True, slots=True)
class Change:
    """One record created or changed through the API."""

    category: str  # INVOICE, CREDITNOTE, CONTACT
    resource_id: str
    event_type: str  # CREATE, UPDATE


@dataclass(slots=True)
class Delivery:
    """One webhook as sent: its body and every answer it got (a status, or the error's name)."""

    body: bytes
    answers: list[int | str] = field(default_factory=list)

    @property
    def delivered(self) -> bool:
        return bool(self.answers) and self.answers[-1] == 200

    @property
    def payload(self) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self.body)
        return result


class WebhookSender:
    """Sends the sandbox's webhooks to one URL, signed with one key."""

    def __init__(
        self,
        url: str,
        key: str,
        *,
        tenant_id: str,
        clock: Clock,
        api_url: str = "https://api.xero.com/api.xro/2.0",
        transport: httpx.BaseTransport | None = None,
        attempts: int = 3,
        retry_wait: float = 0.0,
    ) -> None:
        self.url = url
        self._key = key
        self._tenant_id = tenant_id
        self._clock = clock
        self._api_url = api_url.rstrip("/")
        self._http = httpx.Client(transport=transport, timeout=httpx.Timeout(5.0))  # Xero's 5-second limit
        self._attempts = max(1, attempts)
        self._retry_wait = retry_wait
        self._sequence = 0
        self._lock = threading.Lock()
        self.queued: list[Delivery] = []
        self.sent: list[Delivery] = []
        self.paused = False  # while paused, webhooks are queued, not sent (a test's Xero holding them back)

    def payload(self, changes: Iterable[Change]) -> bytes:
        """One webhook's body naming each change, numbered on from the last."""
        changes = list(changes)
        with self._lock:
            first = self._sequence + 1
            self._sequence += len(changes)
        at = self._clock.now().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
        events = [
            {
                "resourceUrl": f"{self._api_url}/{ENDPOINT_OF[c.category]}/{c.resource_id}",
                "resourceId": c.resource_id,
                "eventDateUtc": at,
                "eventType": c.event_type,
                "eventCategory": c.category,
                "tenantId": self._tenant_id,
                "tenantType": "ORGANISATION",
            }
            for c in changes
        ]
        body = {
            "events": events,
            "firstEventSequence": first,
            "lastEventSequence": first + len(events) - 1,
            "entropy": secrets.token_hex(10).upper(),
        }
        return json.dumps(body).encode()

    def changed(self, changes: Iterable[Change]) -> None:
        """Queue one webhook for `changes` and deliver everything queued (unless paused)."""
        changes = list(changes)
        if changes:
            delivery = Delivery(self.payload(changes))
            with self._lock:
                self.queued.append(delivery)
        if not self.paused:
            self.flush()

    def intent_to_receive(self, *, correctly_signed: bool = True) -> int | str:
        """Xero's check when a webhook is set up: an empty event list, signed or deliberately not."""
        body = self.payload(())
        return self._post(body, signature(body, self._key if correctly_signed else self._key + "wrong"))

    def flush(self) -> int:
        """Try every queued webhook (`attempts` tries each); returns how many are still undelivered."""
        with self._lock:
            waiting, self.queued = self.queued, []
        left: list[Delivery] = []
        for delivery in waiting:
            for attempt in range(self._attempts):
                if attempt and self._retry_wait:
                    self._clock.sleep(self._retry_wait)
                delivery.answers.append(self._post(delivery.body, signature(delivery.body, self._key)))
                if delivery.delivered:
                    break
            (self.sent if delivery.delivered else left).append(delivery)
        with self._lock:
            self.queued = left + self.queued
            return len(self.queued)

    def _post(self, body: bytes, signed: str) -> int | str:
        try:
            response = self._http.post(
                self.url,
                content=body,
                headers={"x-xero-signature": signed, "content-type": "application/json"},
            )
        except httpx.HTTPError as error:
            return type(error).__name__
        if response.status_code == 200 and response.content:
            return "200 with a body"  # Xero counts only an empty 200 as received
        return response.status_code

    def close(self) -> None:
        self._http.close()
