"""Lookups against a high-volume Xero organisation, and supplier numbers that are not unique across suppliers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import httpx

from integration.clock import VirtualClock
from integration.domain import Endpoint, RunStatus
from integration.store import Store
from sandboxes.server import Sandboxes
from tests.support.engine import demo_service, gateways, xero_copies
from tests.support.recording import RecordingTransport

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_a_whole_demo_sync_passes_when_xero_refuses_every_non_optimised_where_filter(store: Store) -> None:
    sandboxes = Sandboxes.demo(clock=VirtualClock(START), high_volume=True)
    service, _ = demo_service(store, sandboxes)
    report = service.sync("test", "U1").report
    assert report.status is RunStatus.OK, report.error
    assert all(n == 1 for n in xero_copies(sandboxes).values())
    assert not [r for r in sandboxes.xero.requests if r.status == 400 and r.method == "GET"]


def test_the_high_volume_sandbox_refuses_a_where_on_a_field_xero_has_not_optimised() -> None:
    sandboxes = Sandboxes.demo(clock=VirtualClock(START), high_volume=True)
    http = httpx.Client(transport=httpx.WSGITransport(app=sandboxes))
    token = sandboxes.xero.issue_tokens()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "xero-tenant-id": sandboxes.xero.tenant_id}
    url = "http://sandbox/xero/api.xro/2.0/CreditNotes"
    refused = http.get(url, params={"where": 'CreditNoteNumber=="CN-1"', "page": "1"}, headers=headers)
    assert refused.status_code == 400
    assert refused.text.startswith("Your request is not filtering creditnotes efficiently")
    allowed = http.get(url, params={"where": 'Type=="ACCPAYCREDIT"', "page": "1"}, headers=headers)
    assert allowed.status_code == 200


def test_two_suppliers_with_the_same_credit_note_number_are_never_confused_after_a_lost_answer(
    store: Store,
) -> None:
    sandboxes = Sandboxes.demo(clock=VirtualClock(START), high_volume=True)
    recorder = RecordingTransport(httpx.WSGITransport(app=sandboxes))
    service, _ = demo_service(store, sandboxes, transport=recorder)
    number = "CN-4002"  # the demo firm's supplier credit note
    sandboxes.xero.faults.time_out_next(50, method="PUT", path="CreditNotes")
    first = service.sync("test", "U1").report
    assert first.status is not RunStatus.OK  # the credit note's send timed out: its outbox row stays SENT
    sent = next(
        element
        for request in recorder.writes()
        if request.url.path.endswith("/CreditNotes")
        for element in json.loads(request.body, parse_float=Decimal)["CreditNotes"]
        if element["CreditNoteNumber"] == number
    )
    ours = sent["Contact"]["ContactID"]
    other = sandboxes.xero.add_contact("Another Supplier Pty Ltd")
    sandboxes.xero.faults.clear()
    twin = {**sent, "Contact": {"ContactID": other}}  # same number, date and total, another supplier
    (made,) = gateways(store, sandboxes).xero.create(Endpoint.CREDIT_NOTES, [twin], "twin")
    assert made.ok and made.xero_id

    second = service.sync("test", "U1").report
    assert second.status is RunStatus.OK, second.error
    notes = [c for c in sandboxes.xero.credit_notes() if c["CreditNoteNumber"] == number]
    assert sorted(c["Contact"]["ContactID"].lower() for c in notes) == sorted([ours.lower(), other.lower()])
    (item,) = [i for i in second.items if i.number == number]
    assert item.xero_id and item.xero_id.lower() != made.xero_id.lower()
