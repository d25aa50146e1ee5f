"""The buttons of a drift alert as use cases, on SQLite and PostgreSQL: Unlink in the ledger, Adopt Xero's payment and
Check again, over the demo firm synced into the Xero sandbox, with drift made as a person makes it in Xero (through
Xero's API: a void, an edit, a payment created reconciled as a bank-feed match)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import text

from integration.app import Service
from integration.clock import VirtualClock
from integration.domain import (
    Alert,
    AlertSource,
    AlertState,
    DocumentKind,
    Link,
    LinkState,
    Outcome,
    PaymentDecisionKind,
    RunStatus,
    SourceRef,
)
from integration.store import Store
from sandboxes.server import Sandboxes
from sandboxes.xero.webhooks import signature
from tests.support.engine import demo_service, unsettled
from tests.support.xero_people import delete_payment_in_xero, edit_in_xero, in_xero, void_in_xero

BOOKKEEPER = "UBOOK"
WEBHOOK_KEY = "webhook-key-for-tests"


def start(store: Store, adopt: str = "auto") -> tuple[Service, Sandboxes]:
    """The demo firm synced into the sandboxes, with drift's cursors set by a first pass. Unless `adopt` is `auto`
    (the demo's setting), the demo's bank-feed payment on INV-1010 is held and INV-1010 shows paid elsewhere."""
    environment = {"XEROBOT_ADOPT_XERO_PAYMENTS": adopt, "XERO_WEBHOOK_KEY": WEBHOOK_KEY}
    service, sandboxes = demo_service(store, environment=environment)
    assert service.sync("test", BOOKKEEPER).report.status is RunStatus.OK
    first = service.drift()
    expected = [] if adopt == "auto" else ["INV-1010"]
    assert first.complete and [f.xero_number for f in first.findings] == expected, first.findings
    tick(sandboxes)
    return service, sandboxes


@pytest.fixture
def firm(store: Store) -> Iterator[tuple[Service, Sandboxes]]:
    service, sandboxes = start(store)
    yield service, sandboxes
    service.close()


def tick(sandboxes: Sandboxes, seconds: int = 5) -> None:
    clock = sandboxes.clock
    assert isinstance(clock, VirtualClock)
    clock.advance(seconds)


def link_of(store: Store, xero_id: str) -> Link:
    """The newest link of the Actionstep document the bot posted as `xero_id`."""
    return history(store, xero_id)[-1]


def history(store: Store, xero_id: str) -> list[Link]:
    """Every link of the Actionstep document the bot posted as `xero_id`, oldest first."""
    with store.engine.connect() as connection:
        row = connection.execute(
            text("SELECT source_kind, source_id FROM links WHERE lower(xero_id) = :x"), {"x": xero_id.lower()}
        ).first()
    assert row is not None, f"the bot never linked {xero_id}"
    with store.unit_of_work() as uow:
        return uow.links.history(SourceRef(DocumentKind(row[0]), row[1]))


def drift_alert(service: Service, code: str, xero_id: str | None = None) -> Alert:
    (alert,) = [
        a
        for a in service.alerts.unresolved()
        if a.source is AlertSource.DRIFT
        and a.code == code
        and (xero_id is None or a.subject == f"xero:{xero_id.lower()}")
    ]
    return alert


def bank_feed_payment(sandboxes: Sandboxes, invoice_id: str, amount: Decimal, day: str) -> str:
    """A payment created reconciled, as Xero's bank reconciliation makes one when a statement line is matched."""
    body = {
        "Payments": [
            {
                "Invoice": {"InvoiceID": invoice_id},
                "Account": {"Code": "090"},
                "Date": day,
                "Amount": amount,
                "Reference": "Bank feed",
                "IsReconciled": True,
            }
        ]
    }
    made = in_xero(sandboxes.xero, "PUT", "Payments", body)
    assert made.status_code == 200, made.text
    return str(made.json()["Payments"][0]["PaymentID"])


def receipt_in_actionstep(sandboxes: Sandboxes, bill_id: str, amount: Decimal, day: str, number: str) -> None:
    """A receipt for the bill entered and posted in Actionstep."""
    tick(sandboxes, 60)
    bill = sandboxes.actionstep.get("bills", bill_id)
    assert bill is not None
    now = sandboxes.actionstep.now().isoformat()
    matter = bill["links"]["action"]
    sandboxes.actionstep.put(
        "receipts",
        {
            "status": "Posted", "reference": number, "date": day, "amount": amount, "description": "Client payment",
            "createdTimestamp": now, "modifiedTimestamp": now,
            "links": {"bill": bill_id, "bankAccount": "1000", "participant": None,
                      "action": str(matter[0] if isinstance(matter, list) else matter)},
        },
    )  # fmt: skip


def webhook_event(sandboxes: Sandboxes, invoice_id: str) -> dict[str, Any]:
    """One event of a Xero webhook saying the invoice was updated."""
    return {
        "resourceUrl": f"https://api.xero.com/api.xro/2.0/Invoices/{invoice_id}",
        "resourceId": invoice_id,
        "eventDateUtc": "2026-11-02T09:00:30.000",
        "eventType": "UPDATE",
        "eventCategory": "INVOICE",
        "tenantId": sandboxes.xero.tenant_id,
        "tenantType": "ORGANISATION",
    }


def payments_on(sandboxes: Sandboxes, invoice_id: str) -> list[dict[str, Any]]:
    return [
        p
        for p in sandboxes.xero.payments()
        if p["Invoice"]["InvoiceID"].lower() == invoice_id.lower() and p["Status"] != "DELETED"
    ]


def audited(store: Store, action: str) -> list[Any]:
    with store.unit_of_work() as uow:
        return uow.audit.recent(500, action=action)


# Unlink in the ledger -------------------------------------------------------------------------------------------


def test_an_invoice_voided_in_xero_is_unlinked_in_the_ledger_only_and_the_reply_says_what_the_next_sync_does(
    firm: tuple[Service, Sandboxes], store: Store
) -> None:
    service, sandboxes = firm
    sale = unsettled(sandboxes)
    assert void_in_xero(sandboxes.xero, sale["InvoiceID"]).status_code == 200
    service.drift()
    alert = drift_alert(service, "drift.voided")
    before = (sandboxes.xero.invoices(), sandboxes.xero.payments())

    done = service.drift_actions.unlink(alert.id, BOOKKEEPER)

    assert done.changed and done.alert.state is AlertState.RESOLVED
    number = sale["InvoiceNumber"]
    assert done.text.startswith(f"{number} is no longer linked in the ledger (Xero was not changed).")
    assert "leaves it alone while it is unchanged in Actionstep" in done.text
    assert f"Xero refuses it while the voided copy holds {number}" in done.text
    link = history(store, sale["InvoiceID"])[-1]
    assert link.state is LinkState.UNLINKED and link.unlinked_by == BOOKKEEPER and link.voided_in_xero
    (event,) = audited(store, "alert.unlink_in_ledger")
    assert event.detail["drift"] == "drift.voided" and BOOKKEEPER in event.detail["reason"]
    assert "voided" in event.detail["reason"]
    assert (sandboxes.xero.invoices(), sandboxes.xero.payments()) == before  # Xero is never written to

    # What the reply promised: nothing while unchanged; once changed, refused while the voided copy holds the number.
    quiet = service.sync("test", BOOKKEEPER).report
    assert number not in [i.number for i in quiet.items if i.outcome is Outcome.POSTED]
    tick(sandboxes)
    assert not [f for f in service.drift().findings if f.xero_id.lower() == sale["InvoiceID"].lower()]
    bill_id = link.source.id
    tick(sandboxes, 60)
    sandboxes.actionstep.update("bills", bill_id, dueDate="2026-12-31")
    changed = service.sync("test", BOOKKEEPER).report
    (item,) = [i for i in changed.items if i.number == number]
    assert item.outcome is Outcome.FAILED and item.error_code == "doc.number_held_by_old_copy"


def test_a_drift_that_went_away_is_resolved_instead_of_unlinked(
    firm: tuple[Service, Sandboxes], store: Store
) -> None:
    service, sandboxes = firm
    sale = unsettled(sandboxes)
    line = {"Description": "Changed by hand", "Quantity": 1, "UnitAmount": 1, "AccountCode": "200"}
    assert edit_in_xero(sandboxes.xero, sale["InvoiceID"], LineItems=[line]).status_code == 200
    service.drift()
    alert = drift_alert(service, "drift.edited")
    tick(sandboxes)
    back = edit_in_xero(sandboxes.xero, sale["InvoiceID"], LineItems=sale["LineItems"])
    assert back.status_code == 200, back.text

    done = service.drift_actions.unlink(alert.id, BOOKKEEPER)

    assert not done.changed and done.alert.state is AlertState.RESOLVED
    assert done.text == "Xero matches what the bot posted again: nothing to unlink."
    assert history(store, sale["InvoiceID"])[-1].state is LinkState.LINKED
    assert audited(store, "alert.unlink_in_ledger") == []


def test_the_bots_payments_on_a_voided_invoice_that_xero_no_longer_has_are_unlinked_with_it(
    firm: tuple[Service, Sandboxes], store: Store
) -> None:
    service, sandboxes = firm
    with store.unit_of_work() as uow:
        ours = uow.links.active_by_xero_id(p["PaymentID"] for p in sandboxes.xero.payments())
    invoices = {i["InvoiceID"].lower(): i for i in sandboxes.xero.invoices()}
    payment = next(
        p
        for p in sandboxes.xero.payments()
        if p["PaymentID"].lower() in ours
        and not p.get("IsReconciled")
        and not invoices[p["Invoice"]["InvoiceID"].lower()]["AmountCredited"]
        and all(q["PaymentID"].lower() in ours and not q.get("IsReconciled")
                for q in payments_on(sandboxes, p["Invoice"]["InvoiceID"]))
    )  # fmt: skip
    invoice_id = payment["Invoice"]["InvoiceID"]
    paid = payments_on(sandboxes, invoice_id)
    for each in paid:  # Xero voids a document only once its payments are removed
        assert delete_payment_in_xero(sandboxes.xero, each["PaymentID"]).status_code == 200
    assert void_in_xero(sandboxes.xero, invoice_id).status_code == 200
    service.drift()
    alert = drift_alert(service, "drift.voided")
    assert [a.code for a in service.alerts.unresolved() if a.source is AlertSource.DRIFT].count(
        "drift.payment_deleted"
    ) == len(paid)

    done = service.drift_actions.unlink(alert.id, BOOKKEEPER)

    assert done.changed
    for each in paid:
        assert history(store, each["PaymentID"])[-1].state is LinkState.UNLINKED
    numbers = {ours[p["PaymentID"].lower()].source_number for p in paid}
    assert all(n in done.text for n in numbers) and "are unlinked too" in done.text
    assert not [a for a in service.alerts.unresolved() if a.source is AlertSource.DRIFT]
    assert {a.code for a in done.changes.resolved} == {"drift.payment_deleted"}


def test_a_bot_payment_deleted_in_xero_is_unlinked_and_posted_again_once_it_changes_in_actionstep(
    firm: tuple[Service, Sandboxes], store: Store
) -> None:
    service, sandboxes = firm
    with store.unit_of_work() as uow:
        ours = uow.links.active_by_xero_id(p["PaymentID"] for p in sandboxes.xero.payments())
    payment = next(
        p for p in sandboxes.xero.payments() if p["PaymentID"].lower() in ours and not p["IsReconciled"]
    )
    assert delete_payment_in_xero(sandboxes.xero, payment["PaymentID"]).status_code == 200
    service.drift()
    alert = drift_alert(service, "drift.payment_deleted", payment["PaymentID"])

    done = service.drift_actions.unlink(alert.id, BOOKKEEPER)

    link = history(store, payment["PaymentID"])[-1]
    assert done.changed and link.state is LinkState.UNLINKED and link.voided_in_xero
    assert done.text.endswith("once it changes there, the sync posts it again as a new payment.")
    tick(sandboxes, 60)
    receipt = sandboxes.actionstep.get("receipts", link.source.id)
    assert receipt is not None
    later = date.fromisoformat(receipt["date"]) + timedelta(
        days=1
    )  # a change to what is posted: a new version
    sandboxes.actionstep.update("receipts", link.source.id, date=later.isoformat())
    report = service.sync("test", BOOKKEEPER).report
    (item,) = [i for i in report.items if i.number == link.source_number]
    assert item.outcome is Outcome.POSTED and item.xero_id != payment["PaymentID"]


def test_ten_unlink_calls_unlink_once(firm: tuple[Service, Sandboxes], store: Store) -> None:
    from concurrent.futures import ThreadPoolExecutor

    service, sandboxes = firm
    sale = unsettled(sandboxes)
    assert void_in_xero(sandboxes.xero, sale["InvoiceID"]).status_code == 200
    service.drift()
    alert = drift_alert(service, "drift.voided")

    with ThreadPoolExecutor(10) as pool:
        results = list(pool.map(lambda _: service.drift_actions.unlink(alert.id, BOOKKEEPER), range(10)))

    assert sum(r.changed for r in results) == 1
    assert len(audited(store, "alert.unlink_in_ledger")) == 1
    assert [link.state for link in history(store, sale["InvoiceID"])] == [LinkState.UNLINKED]


# Adopt Xero's payment -------------------------------------------------------------------------------------------


def paid_elsewhere(
    service: Service, sandboxes: Sandboxes, amount: Decimal | None = None
) -> tuple[dict[str, Any], str, Alert]:
    sale = unsettled(sandboxes)
    fed = bank_feed_payment(sandboxes, sale["InvoiceID"], amount or Decimal(str(sale["Total"])), "2026-11-01")
    service.drift()
    return sale, fed, drift_alert(service, "drift.paid_elsewhere", sale["InvoiceID"])


def test_adopting_resolves_the_drift_and_later_passes_do_not_raise_it_again(
    firm: tuple[Service, Sandboxes], store: Store
) -> None:
    service, sandboxes = firm
    sale, fed, alert = paid_elsewhere(service, sandboxes)

    done = service.drift_actions.adopt(alert.id, BOOKKEEPER)

    assert done.changed and done.alert.state is AlertState.RESOLVED
    assert f"Adopted Xero's payment on {sale['InvoiceNumber']}" in done.text and fed in done.text
    with store.unit_of_work() as uow:
        (decision,) = uow.payment_decisions.of_kind(PaymentDecisionKind.ADOPT, [fed]).values()
    assert decision.decided_by == BOOKKEEPER and decision.xero_document_id == sale["InvoiceID"].lower()
    assert decision.alert_id == alert.id and decision.source is None
    # A later pass that reads every invoice again compares this one too, and finds no drift.
    with store.unit_of_work() as uow:
        uow.cursors.set("xero:Invoices", "")
        uow.commit()
    later = service.drift()
    assert later.examined >= 1 and not later.findings
    # So does a webhook naming the invoice.
    body = json.dumps({"events": [webhook_event(sandboxes, sale["InvoiceID"])], "firstEventSequence": 1,
                       "lastEventSequence": 1, "entropy": "ABC"}).encode()  # fmt: skip
    assert service.webhooks.receive(body, signature(body, WEBHOOK_KEY)).stored == 1
    assert service.webhooks.process().outcomes == {"checked": 1}
    assert not [a for a in service.alerts.unresolved() if a.source is AlertSource.DRIFT]
    assert service.alerts.get(alert.id).state is AlertState.RESOLVED
    again = service.drift_actions.adopt(alert.id, BOOKKEEPER)
    assert not again.changed and again.text == "Nothing to do: this alert is already resolved."


@pytest.mark.parametrize("mode", ["off", "ask"])
def test_the_next_sync_links_the_arriving_receipt_to_the_adopted_payment_whatever_the_setting(
    store: Store, mode: str
) -> None:
    service, sandboxes = start(store, adopt=mode)
    try:
        sale, fed, alert = paid_elsewhere(service, sandboxes)
        assert service.drift_actions.adopt(alert.id, BOOKKEEPER).changed
        bill_id = link_of(store, sale["InvoiceID"]).source.id
        receipt_in_actionstep(sandboxes, bill_id, Decimal(str(sale["Total"])), "2026-11-03", "RCT-7001")

        report = service.sync("test", BOOKKEEPER).report

        (item,) = [i for i in report.items if i.number == "RCT-7001"]
        assert item.outcome is Outcome.ADOPTED and item.xero_id == fed
        assert item.message and f"{BOOKKEEPER} chose to adopt it" in item.message
        assert [p["PaymentID"] for p in payments_on(sandboxes, sale["InvoiceID"])] == [fed]
        with store.unit_of_work() as uow:
            (decision,) = uow.payment_decisions.of_kind(PaymentDecisionKind.ADOPT, [fed]).values()
        assert decision.source is not None and decision.source.kind is DocumentKind.PAYMENT_RECEIVED
        tick(sandboxes)
        assert sale["InvoiceNumber"] not in [f.xero_number for f in service.drift().findings]
    finally:
        service.close()


def test_a_receipt_of_another_amount_is_not_adopted_and_is_asked_about(store: Store) -> None:
    service, sandboxes = start(store, adopt="off")
    try:
        sale = unsettled(sandboxes)
        part = (Decimal(str(sale["Total"])) / 2).quantize(Decimal("0.01"))
        sale, fed, alert = paid_elsewhere(service, sandboxes, part)
        assert service.drift_actions.adopt(alert.id, BOOKKEEPER).changed
        bill_id = link_of(store, sale["InvoiceID"]).source.id
        receipt_in_actionstep(sandboxes, bill_id, Decimal(str(sale["Total"])), "2026-11-03", "RCT-7002")

        report = service.sync("test", BOOKKEEPER).report

        (item,) = [i for i in report.items if i.number == "RCT-7002"]
        assert item.outcome is Outcome.BLOCKED and item.error_code == "payment.paid_in_xero"
        assert [p["PaymentID"] for p in payments_on(sandboxes, sale["InvoiceID"])] == [fed]
        assert [a.code for a in service.alerts.unresolved() if a.code == "payment.paid_in_xero"]
    finally:
        service.close()


def test_adopting_links_a_receipt_an_open_paid_in_xero_alert_already_holds(store: Store) -> None:
    service, sandboxes = start(store, adopt="ask")
    try:
        sale = unsettled(sandboxes)
        fed = bank_feed_payment(sandboxes, sale["InvoiceID"], Decimal(str(sale["Total"])), "2026-11-01")
        bill_id = link_of(store, sale["InvoiceID"]).source.id
        receipt_in_actionstep(sandboxes, bill_id, Decimal(str(sale["Total"])), "2026-11-02", "RCT-7003")
        service.sync("test", BOOKKEEPER)
        held, other = sorted(
            (a for a in service.alerts.unresolved() if a.code == "payment.paid_in_xero"),
            key=lambda a: "RCT-7003" not in a.message,
        )  # the other is the demo's RCT-5004 on INV-1010, held in `ask`
        service.drift()
        alert = drift_alert(service, "drift.paid_elsewhere", sale["InvoiceID"])

        done = service.drift_actions.adopt(alert.id, BOOKKEEPER)

        assert done.changed and "Linked RCT-7003 to the payment Xero already shows" in done.text
        assert service.alerts.get(held.id).state is AlertState.RESOLVED
        assert service.alerts.get(other.id).state is AlertState.OPEN  # another invoice's: left alone
        assert [a.id for a in done.changes.resolved] == [held.id]
        with store.unit_of_work() as uow:
            link = uow.links.active_by_xero_id([fed])[fed.lower()]
        assert link.source_number == "RCT-7003"
        assert [p["PaymentID"] for p in payments_on(sandboxes, sale["InvoiceID"])] == [fed]
    finally:
        service.close()


# Check again ----------------------------------------------------------------------------------------------------


def test_check_again_says_a_drift_is_still_there_and_resolves_one_that_went_away(
    firm: tuple[Service, Sandboxes], store: Store
) -> None:
    service, sandboxes = firm
    sale = unsettled(sandboxes)
    line = {"Description": "Changed by hand", "Quantity": 1, "UnitAmount": 1, "AccountCode": "200"}
    assert edit_in_xero(sandboxes.xero, sale["InvoiceID"], LineItems=[line]).status_code == 200
    service.drift()
    alert = drift_alert(service, "drift.edited")

    still = service.drift_actions.check_again(alert.id, BOOKKEEPER)
    assert not still.changed and still.alert.state is AlertState.OPEN and still.text.startswith("Still there")

    tick(sandboxes)
    assert edit_in_xero(sandboxes.xero, sale["InvoiceID"], LineItems=sale["LineItems"]).status_code == 200
    gone = service.drift_actions.check_again(alert.id, BOOKKEEPER)
    assert gone.changed and gone.alert.state is AlertState.RESOLVED
    assert gone.text == "Xero matches what the bot posted again: the alert is resolved."
    assert [e.detail["result"] for e in audited(store, "alert.check_again")] == [
        "resolved: Xero matches again",
        "still there",
    ]
