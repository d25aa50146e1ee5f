"""A sync meets Xero's real refusals (as the sandbox now words them) and reports each with its own code and fix."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest

from integration.clock import VirtualClock
from integration.domain import Endpoint, Outcome
from integration.store import Store
from integration.sync.contacts import ContactDirectory
from sandboxes.server import Sandboxes
from tests.support.engine import demo_service, gateways


def _keyed_and_paid_in_xero(
    store: Store, sandboxes: Sandboxes, number: str, participant: str, total: Decimal
) -> None:
    """A bookkeeper keyed the invoice into Xero by hand, with Actionstep's total, and recorded its payment there."""
    remotes = gateways(store, sandboxes)
    contact = ContactDirectory(remotes.xero, remotes.actionstep).ensure([participant])[participant]
    (invoice,) = remotes.xero.create(
        Endpoint.INVOICES,
        [{"Type": "ACCREC", "Contact": {"ContactID": contact}, "InvoiceNumber": number, "Date": "2026-07-21",
          "DueDate": "2026-08-21", "Status": "AUTHORISED", "LineAmountTypes": "Inclusive",
          "LineItems": [{"Description": "Fees", "Quantity": 1, "UnitAmount": total, "AccountCode": "200",
                         "TaxType": "OUTPUT"}]}],
        f"by-hand-{number}",
    )  # fmt: skip
    assert invoice.ok and invoice.xero_id
    (payment,) = remotes.xero.create(
        Endpoint.PAYMENTS,
        [{"Invoice": {"InvoiceID": invoice.xero_id}, "Account": {"Code": "090"}, "Date": "2026-07-30",
          "Amount": total}],
        f"paid-by-hand-{number}",
    )  # fmt: skip
    assert payment.ok


def test_a_receipt_on_an_invoice_paid_in_xero_by_hand_is_held_with_an_alert_naming_both_sides(
    store: Store,
) -> None:
    service, sandboxes = demo_service(store, environment={"XEROBOT_ADOPT_XERO_PAYMENTS": "ask"})
    total = next(i.total for i in service.preview("test", "U1").items if i.number == "INV-1005")
    _keyed_and_paid_in_xero(store, sandboxes, "INV-1005", "105", total)
    result = service.sync("test", "U1")
    item = next(i for i in result.report.items if i.number == "RCT-5003")
    assert (item.outcome, item.error_code) == (Outcome.BLOCKED, "payment.paid_in_xero")
    assert item.message and "RCT-5003" in item.message and "INV-1005" in item.message
    assert "a payment of 1,160.50 dated 30 Jul 2026" in item.message and "did not post" in item.message
    # RCT-5004 is held too: the demo firm's bank feed matched it in Xero first.
    assert [a.code for a in result.changes.new].count("payment.paid_in_xero") == 2


def test_a_payment_on_an_invoice_already_paid_in_xero_is_reported_as_already_paid_with_its_fix(
    store: Store,
) -> None:
    service, sandboxes = demo_service(store, environment={"XEROBOT_ADOPT_XERO_PAYMENTS": "off"})
    total = next(i.total for i in service.preview("test", "U1").items if i.number == "INV-1005")
    _keyed_and_paid_in_xero(store, sandboxes, "INV-1005", "105", total)
    report = service.sync("test", "U1").report
    assert next(i for i in report.items if i.number == "INV-1005").outcome is Outcome.ADOPTED
    item = next(i for i in report.items if i.number == "RCT-5003")
    assert (item.outcome, item.error_code) == (Outcome.FAILED, "xero.document_paid")
    assert item.message == (
        "Payments can only be made against Authorised documents; "
        "Payment amount exceeds the amount outstanding on this document"
    )
    assert item.fix and "invoice's payments in Xero" in item.fix


def test_a_credit_note_allocated_to_an_invoice_paid_in_xero_posts_and_says_why_its_allocation_was_refused(
    store: Store,
) -> None:
    service, sandboxes = demo_service(store)
    total = next(i.total for i in service.preview("test", "U1").items if i.number == "INV-1002")
    _keyed_and_paid_in_xero(store, sandboxes, "INV-1002", "101", total)
    report = service.sync("test", "U1").report
    item = next(i for i in report.items if i.number == "CN-4001")
    assert (item.outcome, item.error_code) == (Outcome.POSTED, "xero.allocation_paid_off")
    assert (
        item.message and "The invoice you are trying to allocate to has already been paid off" in item.message
    )
    assert item.fix and "credit note" in item.fix


class _NewWording(httpx.BaseTransport):
    """Xero as it might answer tomorrow: one invoice refused in words the catalogue has never seen. The request is
    not passed on for that invoice, so nothing is created behind the refusal."""

    def __init__(self, inner: httpx.BaseTransport, number: str, words: str) -> None:
        self.inner, self.number, self.words = inner, number, words

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "PUT" or not request.url.path.endswith("/Invoices"):
            return self.inner.handle_request(request)
        sent = json.loads(request.read())["Invoices"]
        if not any(e.get("InvoiceNumber") == self.number for e in sent):
            return self.inner.handle_request(request)
        refused = {"InvoiceNumber": self.number, "HasErrors": True, "StatusAttributeString": "ERROR",
                   "ValidationErrors": [{"Message": self.words}]}  # fmt: skip
        others = [e for e in sent if e.get("InvoiceNumber") != self.number]
        created: list[dict[str, object]] = []
        if others:
            inner = self.inner.handle_request(
                httpx.Request("PUT", request.url, headers=self._headers(request), json={"Invoices": others})
            )
            inner.read()
            created = inner.json()["Invoices"]
        answers = iter(created)
        body = {
            "Invoices": [refused if e.get("InvoiceNumber") == self.number else next(answers) for e in sent]
        }
        return httpx.Response(200, json=body)

    @staticmethod
    def _headers(request: httpx.Request) -> dict[str, str]:
        kept = {
            k: v for k, v in request.headers.items() if k.lower() not in ("content-length", "idempotency-key")
        }
        return {**kept, "Idempotency-Key": request.headers["Idempotency-Key"] + "-rest"}


def test_an_unknown_refusal_is_kept_verbatim_in_the_note_and_logged_once_as_xero_unknown(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    words = "The organisation's plan does not allow this document"
    sandboxes = Sandboxes.demo(clock=VirtualClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC)))
    transport = _NewWording(httpx.WSGITransport(app=sandboxes), "INV-1005", words)
    service, _ = demo_service(store, sandboxes, transport=transport)
    with caplog.at_level(logging.WARNING, logger="integration.sync.delivery"):
        report = service.sync("test", "U1").report
    item = next(i for i in report.items if i.number == "INV-1005")
    assert (item.outcome, item.error_code, item.message) == (Outcome.FAILED, "xero.unknown", words)
    assert item.fix == "Read Xero's message; correct the document or mapping and sync again."
    logged = [r.getMessage() for r in caplog.records if "xero.unknown" in r.getMessage()]
    assert logged == [f"xero.unknown: Xero refused INV-1005: {words}"]
