"""Every kind of drift reaches the bot by webhook and raises the alert polling raises, on SQLite and PostgreSQL.

Each test syncs the demo firm into the Xero sandbox and lets a first polling pass set its cursors; then a person
changes something in Xero (`tests.support.xero_people`), the sandbox sends its signed webhook to the bot's endpoint,
the bot stores the events and answers 200, and the job runner processes them into drift alerts. A polling pass
afterwards finds the same drift and raises nothing new: the alert is the same one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from bot.jobs import JobRunner
from integration.app import Service
from integration.clock import VirtualClock
from integration.domain import RunStatus
from integration.store import Store
from sandboxes.server import Sandboxes
from sandboxes.xero.webhooks import signature
from tests.support.engine import demo_service, drift_alerts, unsettled
from tests.support.webhooks import KEY, Bot, wire
from tests.support.xero_people import (
    delete_payment_in_xero,
    edit_in_xero,
    in_xero,
    pay_in_xero,
    void_in_xero,
)

BOOKKEEPER = "UBOOK"


@pytest.fixture
def synced(store: Store) -> Iterator[tuple[Service, Sandboxes]]:
    service, sandboxes = demo_service(store, environment={"XERO_WEBHOOK_KEY": KEY})
    assert service.sync("test", BOOKKEEPER).report.status is RunStatus.OK
    first = service.drift()  # polling's cursors set, as in production
    assert first.complete and not first.findings, first.findings
    clock = sandboxes.clock
    assert isinstance(clock, VirtualClock)
    clock.advance(5)  # what changes next is after the cursors
    yield service, sandboxes
    service.close()


def subject(xero_id: str, *, contact: bool = False) -> str:
    return f"{'xero-contact' if contact else 'xero'}:{xero_id.lower()}"


# What a person does in Xero, and the subject of the alert it must raise (the drifted document, payment or contact).
Act = Callable[[Sandboxes, Store], str]


def void(sandboxes: Sandboxes, store: Store) -> str:
    sale = unsettled(sandboxes)
    assert void_in_xero(sandboxes.xero, sale["InvoiceID"]).status_code == 200
    return subject(sale["InvoiceID"])


def edit(field: str) -> Act:
    def act(sandboxes: Sandboxes, store: Store) -> str:
        sale = unsettled(sandboxes)
        changes: dict[str, Any] = {
            "total": {"LineItems": [{"Description": "By hand", "Quantity": 3, "UnitAmount": 77.7, "AccountCode": "200"}]},
            "tax": {
                "LineItems": [
                    {"Description": "By hand", "Quantity": 1, "UnitAmount": 100, "AccountCode": "200", "TaxType": "EXEMPTOUTPUT"}
                ]
            },
            "date": {"Date": "2026-10-20"},
            "contact": {"Contact": {"ContactID": sandboxes.xero.add_contact("Someone Else Pty Ltd")}},
            "number": {"InvoiceNumber": f"{sale['InvoiceNumber']}-B"},
        }[field]  # fmt: skip
        edited = edit_in_xero(sandboxes.xero, sale["InvoiceID"], **changes)
        assert edited.status_code == 200, edited.text
        return subject(sale["InvoiceID"])

    return act


def pay_elsewhere(sandboxes: Sandboxes, store: Store) -> str:
    sale = unsettled(sandboxes)
    paid = pay_in_xero(sandboxes.xero, sale["InvoiceID"], Decimal("10.00"), "090", "2026-11-01")
    assert paid.status_code == 200, paid.text
    return subject(sale["InvoiceID"])


def delete_bot_payment(sandboxes: Sandboxes, store: Store) -> str:
    payments = sandboxes.xero.payments()
    with store.unit_of_work() as uow:
        ours = set(uow.links.active_by_xero_id(p["PaymentID"] for p in payments))
    # Any of ours but the demo's bank-feed payment, which is reconciled (Xero refuses to delete it).
    target = next(p for p in payments if p["PaymentID"].lower() in ours and not p.get("IsReconciled"))
    deleted = delete_payment_in_xero(sandboxes.xero, target["PaymentID"])
    assert deleted.status_code == 200, deleted.text
    return subject(target["PaymentID"])


def archive_contact(sandboxes: Sandboxes, store: Store) -> str:
    contact = unsettled(sandboxes)["Contact"]["ContactID"]
    sandboxes.xero.archive_contact(contact)
    return subject(contact, contact=True)


def move_lines(sandboxes: Sandboxes, store: Store) -> str:
    sale = unsettled(sandboxes)
    lines = [
        {k: line[k] for k in ("Description", "Quantity", "UnitAmount", "AccountCode", "TaxType")}
        for line in sale["LineItems"]
    ]
    lines[0]["AccountCode"] = next(c for c in ("200", "201", "202") if c != lines[0]["AccountCode"])
    edited = edit_in_xero(sandboxes.xero, sale["InvoiceID"], LineItems=lines)
    assert edited.status_code == 200, edited.text
    return subject(sale["InvoiceID"])


def merge_contact(sandboxes: Sandboxes, store: Store) -> str:
    contact = unsettled(sandboxes)["Contact"]["ContactID"]
    sandboxes.xero.merge_contacts(contact, sandboxes.xero.add_contact("The Contact Kept Pty Ltd"))
    return subject(contact, contact=True)


def remove_allocation(sandboxes: Sandboxes, store: Store) -> str:
    note = next(c for c in sandboxes.xero.credit_notes() if c["Allocations"])
    path = f"CreditNotes/{note['CreditNoteID']}/Allocations/{note['Allocations'][0]['AllocationID']}"
    removed = in_xero(sandboxes.xero, "DELETE", path)
    assert removed.status_code == 200, removed.text
    return subject(note["CreditNoteID"])


@dataclass(frozen=True)
class Kind:
    code: str
    act: Act
    category: str  # the webhook's event category
    what: str | None = None  # an edit: the field the alert names


KINDS = {
    "voided": Kind("drift.voided", void, "INVOICE"),
    **{
        f"edited {field}": Kind("drift.edited", edit(field), "INVOICE", field)
        for field in ("total", "tax", "date", "contact", "number")
    },
    "paid elsewhere": Kind("drift.paid_elsewhere", pay_elsewhere, "INVOICE"),
    "payment deleted": Kind("drift.payment_deleted", delete_bot_payment, "INVOICE"),
    "contact archived": Kind("drift.contact_archived", archive_contact, "CONTACT"),
    "lines edited": Kind("drift.edited", move_lines, "INVOICE", "lines"),
    "contact merged": Kind("drift.contact_merged", merge_contact, "CONTACT"),
    "allocation removed": Kind("drift.allocation_changed", remove_allocation, "CREDITNOTE"),
}


@pytest.mark.parametrize("name", list(KINDS))
def test_each_drift_kind_reaches_the_bot_by_webhook_and_raises_the_alert_polling_raises(
    synced: tuple[Service, Sandboxes], store: Store, name: str
) -> None:
    kind = KINDS[name]
    service, sandboxes = synced
    jobs = JobRunner(workers=1, queue=8)
    bot = wire(service, sandboxes, received=lambda: bool(jobs.submit("webhooks", service.webhooks.process)))

    expected = kind.act(sandboxes, store)
    assert jobs.wait_idle(30)
    jobs.shutdown()

    delivered = bot.sender.sent[-1]
    assert delivered.answers == [200]
    # Removing a credit allocation changes the invoice too (its AmountCredited): both are sent.
    assert kind.category in {e["eventCategory"] for e in delivered.payload["events"]}
    by_webhook = drift_alerts(service)
    assert [(a.code, a.subject) for a in by_webhook] == [(kind.code, expected)]
    if kind.what is not None:
        assert f"{kind.what}: " in by_webhook[0].message
    counts = service.webhooks.counts()
    assert counts.get("checked", 0) >= 1 and "pending" not in counts, counts

    polled = service.drift()  # polling finds the same change: the same alert, counted, not a second one
    assert polled.complete
    assert (kind.code, expected) in [(f.kind.code, f.subject) for f in polled.findings]
    assert not polled.changes.new
    assert [(a.id, a.fingerprint, a.message) for a in drift_alerts(service)] == [
        (a.id, a.fingerprint, a.message) for a in by_webhook
    ]


def test_a_document_xero_no_longer_has_when_its_webhook_is_processed_is_reported_deleted(
    synced: tuple[Service, Sandboxes],
) -> None:
    service, sandboxes = synced
    bot = wire(service, sandboxes)  # stored now, processed below
    sale = unsettled(sandboxes)
    # Xero refuses to delete an approved invoice (only drafts are deleted), so the document goes away the other way
    # a linked one can: the webhook names it, and by the time it is read Xero answers 404 for it.
    assert void_in_xero(sandboxes.xero, sale["InvoiceID"]).status_code == 200
    assert bot.sender.sent[-1].answers == [200]
    sandboxes.xero.books.documents.pop(sale["InvoiceID"].lower())

    run = service.webhooks.process()

    assert run.outcomes == {"checked": 1}
    assert [(a.code, a.subject) for a in drift_alerts(service)] == [
        ("drift.deleted", subject(sale["InvoiceID"]))
    ]
    assert not service.drift().changes.new  # polling no longer lists it: the alert stays, raised once


def test_a_forged_webhook_about_a_real_change_raises_nothing_and_asks_xero_nothing(
    synced: tuple[Service, Sandboxes],
) -> None:
    service, sandboxes = synced
    bot: Bot = wire(service, sandboxes)
    bot.sender.paused = True  # Xero holds its own webhook back: only the forgery arrives
    sale = unsettled(sandboxes)
    assert void_in_xero(sandboxes.xero, sale["InvoiceID"]).status_code == 200
    body = bot.sender.queued[-1].body
    calls = len(sandboxes.xero.requests)

    forged = bot.post(body, {"x-xero-signature": signature(body, "a-guessed-key")})
    tampered = json.loads(body)
    tampered["events"][0]["tenantId"] = "00000000-0000-0000-0000-0000000000ff"
    retargeted = bot.post(json.dumps(tampered).encode(), {"x-xero-signature": signature(body, KEY)})
    run = service.webhooks.process()

    assert (forged.status_code, retargeted.status_code) == (401, 401)
    assert run.outcomes == {} and service.webhooks.counts() == {}
    assert not drift_alerts(service)
    assert len(sandboxes.xero.requests) == calls
