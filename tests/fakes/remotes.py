"""In-memory Xero and Actionstep behind the engine's gateway protocols (`integration.ports`), for tests of
the Slack face. Small on purpose: the demo firm's books, documents the test adds, and switches for the refusals a
test needs (Xero refusing a document or a contact). The real sandboxes, with Xero's and Actionstep's wire formats,
are tested with the connectors.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from integration.domain import (
    AccountingBasis,
    Contact,
    Document,
    DocumentKind,
    ElementOutcome,
    Endpoint,
    Identity,
    MalformedDocument,
    Matter,
    SourceBooks,
    XeroChart,
    XeroDocument,
    XeroDocumentState,
    XeroOrganisation,
    XeroPaymentState,
)
from sandboxes import demo_chart
from tests.support.books import demo_books, demo_xero_chart

NUMBER_FIELDS = ("InvoiceNumber", "CreditNoteNumber", "Reference")
UNTYPED = {Endpoint.PAYMENTS: "PAYMENT", Endpoint.BANK_TRANSFERS: "TRANSFER"}  # bodies without a Type field


class FakeActionstep:
    """The demo firm's Actionstep: its books and contacts, and whatever approved documents a test adds."""

    def __init__(self, documents: Iterable[Document] = ()) -> None:
        self.api_calls = 0
        self.basis = AccountingBasis.ACCRUAL
        self._documents: list[Document] = list(documents)

    def add(self, *documents: Document) -> None:
        self._documents.extend(documents)

    def accounting_basis(self) -> AccountingBasis:
        self.api_calls += 1
        return self.basis

    def books(self) -> SourceBooks:
        self.api_calls += 1
        return demo_books()

    def contacts(self, ids: Iterable[str]) -> dict[str, Contact]:
        self.api_calls += 1
        wanted = set(ids)
        return {
            c["id"]: Contact(c["id"], c["name"], c["email"], c["is_company"])
            for c in demo_chart.ACTIONSTEP_CONTACTS
            if c["id"] in wanted
        }

    def matters(self, ids: Iterable[str]) -> dict[str, Matter]:
        wanted = set(ids)
        return {
            m["id"]: Matter(m["id"], m["name"], m["reference"], m["client_id"])
            for m in demo_chart.ACTIONSTEP_MATTERS
            if m["id"] in wanted
        }

    def documents(self, kind: DocumentKind, since: datetime | None) -> Iterator[Document | MalformedDocument]:
        self.api_calls += 1
        listed = [d for d in self._documents if d.kind is kind and (since is None or d.modified_at >= since)]
        yield from sorted(listed, key=lambda d: d.modified_at)

    def documents_by_id(
        self, kind: DocumentKind, ids: Iterable[str]
    ) -> Iterator[Document | MalformedDocument]:
        wanted = set(ids)
        if not wanted:
            return
        self.api_calls += 1
        yield from (d for d in self._documents if d.kind is kind and d.ref.id in wanted)


class FakeXero:
    """The demo firm's Xero organisation: chart, contacts and the documents posted to it.

    `refuse_documents[number] = (code, message)` makes Xero refuse that document (as a validation error) until
    the entry is removed; `refuse_contacts[name] = message` does the same for creating a contact. `before_create`,
    when set, runs before each batch is created: a test uses it to hold a sync in the middle. `failing`, when set,
    is raised by every read of the organisation and chart (a revoked connection); `day_remaining` is what Xero's
    X-DayLimit-Remaining header would say. Unlinking can void or delete what was posted (`statuses`) and delete the
    payments on it.
    """

    def __init__(self, short_code: str | None = demo_chart.XERO_SHORT_CODE) -> None:
        self.api_calls = 0
        self.short_code = short_code
        self.refuse_documents: dict[str, tuple[str, str]] = {}
        self.refuse_contacts: dict[str, str] = {}
        self.posted: list[XeroDocument] = []
        self.before_create: Callable[[], object] | None = None
        self.failing: Exception | None = None
        self.day_remaining: int | None = None
        self._contacts: dict[str, tuple[str, str]] = {}  # ContactNumber -> (ContactID, Name)
        self.statuses: dict[str, str] = {}  # Xero id -> status, once voided or deleted
        self._paid: dict[str, str] = {}  # payment id -> id of the invoice it pays
        self.invoice_reads = 0  # `payments_listed_on` calls
        self.payment_reads: list[list[str]] = []  # the invoice ids of each `payments_on` call
        self._lock = threading.Lock()

    def day_calls_remaining(self) -> int | None:
        return self.day_remaining

    def organisation(self) -> XeroOrganisation:
        self.api_calls += 1
        if self.failing is not None:
            raise self.failing
        return XeroOrganisation(
            demo_chart.FIRM_NAME,
            self.short_code,
            "AUD",
            demo_chart.PERIOD_LOCK_DATE,
            demo_chart.END_OF_YEAR_LOCK_DATE,
        )

    def chart(self) -> XeroChart:
        self.api_calls += 1
        if self.failing is not None:
            raise self.failing
        return demo_xero_chart()

    def currencies(self) -> frozenset[str]:
        self.api_calls += 1
        if self.failing is not None:
            raise self.failing
        return frozenset({"AUD"})

    def all_contacts(self) -> list[tuple[str, str | None, str]]:
        self.api_calls += 1
        return [(contact_id, number, name) for number, (contact_id, name) in self._contacts.items()]

    def create_contacts(self, bodies: list[dict[str, Any]], key: str) -> list[ElementOutcome]:
        self.api_calls += 1
        outcomes = []
        for body in bodies:
            refusal = self.refuse_contacts.get(body["Name"])
            if refusal is not None:
                outcomes.append(ElementOutcome(False, errors=(("remote.rejected", refusal),)))
                continue
            contact_id = str(uuid.uuid4())
            self._contacts[body["ContactNumber"]] = (contact_id, body["Name"])
            outcomes.append(ElementOutcome(True, xero_id=contact_id))
        return outcomes

    def create(self, endpoint: Endpoint, bodies: list[dict[str, Any]], key: str) -> list[ElementOutcome]:
        self.api_calls += 1
        if self.before_create is not None:
            self.before_create()
        return [self._create_one(endpoint, body) for body in bodies]

    def _create_one(self, endpoint: Endpoint, body: dict[str, Any]) -> ElementOutcome:
        number = next((body[f] for f in NUMBER_FIELDS if body.get(f)), None)
        refusal = self.refuse_documents.get(number or "")
        if refusal is not None:
            return ElementOutcome(False, errors=(refusal,))
        document = XeroDocument(
            str(uuid.uuid4()),
            body.get("Type") or UNTYPED.get(endpoint, endpoint.value),
            number,
            body.get("Reference"),
            body.get("Amount")
            or sum((i["LineAmount"] + i["TaxAmount"] for i in body.get("LineItems", [])), 0),
            "AUTHORISED",
        )
        with self._lock:
            self.posted.append(document)
            if isinstance(body.get("Invoice"), dict):
                self._paid[document.xero_id] = body["Invoice"].get("InvoiceID", "")
        return ElementOutcome(True, xero_id=document.xero_id, number=number)

    def allocate(self, credit_note_id: str, allocations: list[dict[str, Any]], key: str) -> ElementOutcome:
        self.api_calls += 1
        return ElementOutcome(True, xero_id=credit_note_id)

    def document_state(self, xero_type: str, xero_id: str) -> XeroDocumentState | None:
        self.api_calls += 1
        found = {d.xero_id: d for d in self.posted}
        document = found.get(xero_id)
        if document is None:
            return None
        payments = tuple(
            XeroPaymentState(p, found[p].total, None, found[p].reference)
            for p, invoice in self._paid.items()
            if invoice == xero_id and self.statuses.get(p) != "DELETED"
        )
        status = self.statuses.get(xero_id, document.status)
        number = document.number or document.reference
        return XeroDocumentState(
            xero_id, document.xero_type, number, status, document.total, None, payments=payments
        )

    def payments_on(self, document_ids: Iterable[str]) -> dict[str, list[XeroPaymentState]]:
        self.api_calls += 1
        self.payment_reads.append(sorted(i.lower() for i in document_ids))
        wanted = {i.lower() for i in document_ids}
        found: dict[str, list[XeroPaymentState]] = {}
        by_id = {d.xero_id: d for d in self.posted}
        for payment, invoice in self._paid.items():
            if invoice.lower() in wanted and self.statuses.get(payment) != "DELETED":
                doc = by_id[payment]
                found.setdefault(invoice.lower(), []).append(
                    XeroPaymentState(payment, doc.total, doc.date, doc.reference, doc.reference is None)
                )
        return found

    def payments_listed_on(self, invoice_ids: Iterable[str]) -> dict[str, frozenset[str] | None]:
        self.api_calls += 1
        self.invoice_reads += 1
        wanted = {i.lower() for i in invoice_ids}
        found: dict[str, set[str]] = {}
        for payment, invoice in self._paid.items():
            if invoice.lower() in wanted and self.statuses.get(payment) != "DELETED":
                found.setdefault(invoice.lower(), set()).add(payment.lower())
        return {invoice: frozenset(payments) for invoice, payments in found.items()}

    def bank_feed_payment(self, invoice_id: str, amount: Decimal, when: date) -> str:
        """A payment made in Xero, as a bank-feed match would make it: no reference, reconciled; its id."""
        payment = XeroDocument(str(uuid.uuid4()), "PAYMENT", None, None, amount, "AUTHORISED", date=when)
        with self._lock:
            self.posted.append(payment)
            self._paid[payment.xero_id] = invoice_id
        return payment.xero_id

    def delete_payment(self, payment_id: str, key: str) -> ElementOutcome:
        return self.set_status("PAYMENT", payment_id, "DELETED", key)

    def remove_allocation(self, credit_note_id: str, allocation_id: str) -> ElementOutcome:
        self.api_calls += 1
        return ElementOutcome(True, xero_id=allocation_id)

    def set_status(self, xero_type: str, xero_id: str, status: str, key: str) -> ElementOutcome:
        self.api_calls += 1
        self.statuses[xero_id] = status
        return ElementOutcome(True, xero_id=xero_id)

    def find(self, identity: Identity) -> list[XeroDocument]:
        self.api_calls += 1
        wanted = identity.number or identity.reference
        return [
            d for d in self.posted if wanted in (d.number, d.reference) and d.xero_type == identity.xero_type
        ]
