"""Xero webhooks: receive (verify, store, answer) and process (check each named record for drift).

Receiving is what `POST /xero/webhooks` does before it answers, and Xero wants the answer within 5 seconds: the
signature (`x-xero-signature`, base64 of HMAC-SHA256 of the raw body under the webhook key) is compared in constant
time before the body is parsed; a correctly signed payload's events are stored in the ledger (`Store.webhooks`: one
INSERT that skips the events already stored, so a redelivery stores nothing new) and only then is the webhook
answered 200. Nothing else is read or decided before the answer. An intent-to-receive payload (no events) is
answered the same way. Processing marks the events of another organisation than our Xero connection's
`other_tenant`, so they are counted in the ledger (`XeroWebhooks.counts`) and never checked.

Processing runs after the answer, on the job runner, and again at start-up and with each scheduled drift pass, so
events stored by a process that died after answering are picked up by the next run. It holds a lease (one run at a
time across replicas) and takes the events by batch: the records of our documents are checked for drift
(`DriftWatching.check_ids`: the alerts are polling's) and the events are marked processed in the transaction that
settles those alerts; an event about a record the bot never posted is marked `not_ours` (counted, ignored).
Raising an alert is idempotent by its fingerprint, so a run cut short before it marks its events only counts the
same alert again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from enum import IntEnum
from typing import Any

from integration.app.drift import DriftWatching
from integration.domain import WebhookCounts, WebhookOutcome, WebhookRun, XeroEvent
from integration.leases import LeaseBusy, held
from integration.store import Store, UnitOfWork

log = logging.getLogger(__name__)
LEASE = "xero-webhooks"
LEASE_TTL = timedelta(minutes=10)
BATCH = 100
# Webhook categories and the endpoint whose records they name (Xero also sends SUBSCRIPTION: not ours to check).
ENDPOINTS = {"INVOICE": "Invoices", "CREDITNOTE": "CreditNotes", "CONTACT": "Contacts"}
EVENT_TYPES = {"CREATE", "UPDATE"}
MAX_FIELD = 100  # longest id, date or name a stored field takes (the ledger's columns)


class Answer(IntEnum):
    """The HTTP status a webhook gets."""

    OK = 200
    BAD_REQUEST = 400  # signed correctly, yet not a webhook payload: nothing stored
    UNAUTHORISED = 401  # unsigned, forged, or the body changed after signing: nothing stored
    NOT_CONFIGURED = 404  # no webhook key here


@dataclass(frozen=True, slots=True)
class Receipt:
    """What receiving one webhook did: the answer, and how many new events it stored."""

    answer: Answer
    stored: int = 0


class XeroWebhooks:
    """Receives and processes Xero's webhooks for one firm; `Service.webhooks`."""

    def __init__(self, store: Store, drift: DriftWatching | None, key: bytes | None) -> None:
        self._store = store
        self._drift = drift
        self._key = key

    @property
    def enabled(self) -> bool:
        """Whether a webhook key is configured (without one the endpoint answers 404)."""
        return self._key is not None

    def signed(self, body: bytes, signature: str | None) -> bool:
        """Whether `signature` is the webhook key's signature of exactly `body` (compared in constant time)."""
        if self._key is None or not signature:
            return False
        expected = base64.b64encode(hmac.new(self._key, body, hashlib.sha256).digest())
        return hmac.compare_digest(expected, signature.strip().encode("latin-1", errors="replace"))

    def receive(self, body: bytes, signature: str | None) -> Receipt:
        """Verify, then store the events; the answer to give. Nothing is parsed or stored unless signed."""
        if self._key is None:
            return Receipt(Answer.NOT_CONFIGURED)
        if not self.signed(body, signature):
            return Receipt(Answer.UNAUTHORISED)
        events = _events(body)
        if events is None:
            log.warning("A signed Xero webhook was not a webhook payload (%d bytes): answered 400", len(body))
            return Receipt(Answer.BAD_REQUEST)
        if not events:
            return Receipt(Answer.OK)  # intent to receive, or only categories we do not watch
        stored = self._store.webhooks.add(events)
        return Receipt(Answer.OK, stored)

    def pending(self) -> int:
        """Events stored and not yet processed."""
        with self._store.unit_of_work() as uow:
            return uow.webhooks.counts().get("pending", 0)

    def counts(self) -> dict[str, int]:
        """Stored events per outcome (`checked`, `not_ours`, `other_tenant`) and `pending`."""
        with self._store.unit_of_work() as uow:
            return uow.webhooks.counts()

    def tally(self) -> WebhookCounts:
        """The events in the ledger: received, checked, not ours, another tenant's, waiting to be processed."""
        return WebhookCounts.of(self.counts())

    def process(self) -> WebhookRun:
        """Process every stored event not yet processed; a run already under way elsewhere is left to it."""
        run = WebhookRun()
        while True:
            try:
                with held(self._store, LEASE, LEASE_TTL, detail="webhooks"):
                    finished = self._drain(run)
            except LeaseBusy:
                run.skipped = "another run is processing webhooks"
                return run
            # An event stored while the lease was being released saw it busy: look once more before leaving.
            if not finished or not self.pending():
                return run

    def _drain(self, run: WebhookRun) -> bool:
        """Process batches until none is left (True) or Xero cannot be read or watched now (False)."""
        while True:
            with self._store.unit_of_work() as uow:
                events = uow.webhooks.unprocessed(BATCH)
                ours = uow.connections.tenant_of("xero")
            if not events:
                return True
            for endpoint, batch in _by_endpoint(events, ours, run).items():
                if not self._endpoint(endpoint, batch, run):
                    return False

    def _endpoint(self, endpoint: str, events: list[XeroEvent], run: WebhookRun) -> bool:
        if endpoint == WebhookOutcome.OTHER_TENANT.value:
            self._mark(events, WebhookOutcome.OTHER_TENANT, run)
            return True
        ids = {e.resource_id.lower() for e in events}
        with self._store.unit_of_work() as uow:
            if endpoint == "Contacts":
                known = set(uow.links.active_by_contact(ids))
            else:
                known = set(uow.links.active_by_xero_id(ids))
        strangers = [e for e in events if e.resource_id.lower() not in known]
        self._mark(strangers, WebhookOutcome.NOT_OURS, run)
        checked = [e for e in events if e.resource_id.lower() in known]
        if not checked:
            return True
        if self._drift is None:
            run.skipped = "Xero is not watched for changes here"
            return False

        def mark(uow: UnitOfWork) -> None:
            _count(
                run, WebhookOutcome.CHECKED, uow.webhooks.mark(_ids(checked), WebhookOutcome.CHECKED.value)
            )

        found = self._drift.check_ids(endpoint, known, then=mark)
        if not found.complete:
            run.skipped = found.skipped or found.error
            return False
        run.findings.extend(found.findings)
        run.changes.new.extend(found.changes.new)
        run.changes.repeated.extend(found.changes.repeated)
        run.changes.resolved.extend(found.changes.resolved)
        return True

    def _mark(self, events: list[XeroEvent], outcome: WebhookOutcome, run: WebhookRun) -> None:
        if not events:
            return
        with self._store.unit_of_work() as uow:
            _count(run, outcome, uow.webhooks.mark(_ids(events), outcome.value))
            uow.commit()


def _ids(events: list[XeroEvent]) -> list[int]:
    return [e.id for e in events if e.id is not None]


def _count(run: WebhookRun, outcome: WebhookOutcome, n: int) -> None:
    run.outcomes[outcome.value] = run.outcomes.get(outcome.value, 0) + n


def _by_endpoint(events: list[XeroEvent], ours: str | None, run: WebhookRun) -> dict[str, list[XeroEvent]]:
    """Events by the endpoint to check; another tenant's (once our tenant is known) under `other_tenant`."""
    groups: dict[str, list[XeroEvent]] = defaultdict(list)
    for event in events:
        if ours is not None and event.tenant_id.lower() != ours.lower():
            groups[WebhookOutcome.OTHER_TENANT.value].append(event)
        else:
            groups[ENDPOINTS[event.category.upper()]].append(event)
    return groups


def _events(body: bytes) -> list[XeroEvent] | None:
    """The payload's events we watch, or None when the body is not a webhook payload."""
    try:
        payload: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("events"), list):
        return None
    found = []
    for raw in payload["events"]:
        if not isinstance(raw, dict):
            return None
        values = [
            raw.get(k) for k in ("tenantId", "resourceId", "eventCategory", "eventType", "eventDateUtc")
        ]
        if not all(isinstance(v, str) and 0 < len(v) <= MAX_FIELD for v in values):
            return None
        tenant, resource, category, event_type, at = (str(v) for v in values)
        if category.upper() in ENDPOINTS and event_type.upper() in EVENT_TYPES:
            found.append(XeroEvent(tenant, resource, category.upper(), event_type.upper(), at))
    return found
