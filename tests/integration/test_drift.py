"""Changes made in Xero to documents the bot posted (drift), found by polling, on SQLite and PostgreSQL.

Each test syncs the demo firm into the Xero sandbox, lets the first drift pass set its cursors, changes something in
Xero as a person would (`tests.support.xero_people`), and runs another pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from integration.app import Service
from integration.clock import VirtualClock
from integration.domain import AlertSource, AlertState, RunStatus
from integration.store import Store
from sandboxes.server import Sandboxes
from tests.support.engine import demo_service
from tests.support.xero_people import delete_payment_in_xero, edit_in_xero, pay_in_xero, void_in_xero

BOOKKEEPER = "UBOOK"
POLLED = 6  # Invoices, CreditNotes, Payments, BankTransactions, BankTransfers, Contacts
SWEEP = 1  # one linked bank transfer read by id (the demo firm posts transfers)


@pytest.fixture
def firm(store: Store) -> Iterator[tuple[Service, Sandboxes]]:
    service, sandboxes = demo_service(store)
    assert service.sync("test", BOOKKEEPER).report.status is RunStatus.OK
    first = service.drift()
    assert first.complete and not first.findings, first.findings
    tick(sandboxes)
    yield service, sandboxes
    service.close()


def tick(sandboxes: Sandboxes) -> None:
    clock = sandboxes.clock
    assert isinstance(clock, VirtualClock)
    clock.advance(5)


def unsettled(sandboxes: Sandboxes, type_: str = "ACCREC") -> dict[str, Any]:
    return next(
        i
        for i in sandboxes.xero.invoices()
        if i["Type"] == type_
        and i["Status"] == "AUTHORISED"
        and not i["AmountPaid"]
        and not i["AmountCredited"]
    )


def drift_alerts(service: Service) -> list[Any]:
    return [a for a in service.alerts.unresolved() if a.source is AlertSource.DRIFT]


def test_a_pass_with_nothing_changed_costs_one_call_per_polled_endpoint_and_one_for_the_sweep(
    firm: tuple[Service, Sandboxes],
) -> None:
    service, _ = firm
    found = service.drift()
    assert found.complete and not found.findings
    assert found.calls == POLLED + SWEEP


def test_an_invoice_voided_in_xero_is_one_alert_naming_who_and_what_it_breaks(
    firm: tuple[Service, Sandboxes],
) -> None:
    service, sandboxes = firm
    sale = unsettled(sandboxes)
    assert void_in_xero(sandboxes.xero, sale["InvoiceID"]).status_code == 200

    found = service.drift()

    assert [f.kind.code for f in found.findings] == ["drift.voided"]
    assert found.findings[0].changed_at is not None
    alert = drift_alerts(service)[0]
    assert alert.code == "drift.voided"
    assert sale["InvoiceNumber"] in alert.message and "posted → voided" in alert.message
    assert "Payments can only be made against Authorised documents" in alert.message
    assert found.open_alerts == 1
    assert service.status().open_drift == 1


def test_an_edit_in_xero_is_reported_with_before_and_after(firm: tuple[Service, Sandboxes]) -> None:
    service, sandboxes = firm
    sale = unsettled(sandboxes)
    line = {"Description": "Changed by hand", "Quantity": 3, "UnitAmount": 77.7, "AccountCode": "200"}
    other = sandboxes.xero.add_contact("Someone Else Pty Ltd")
    edited = edit_in_xero(
        sandboxes.xero, sale["InvoiceID"], LineItems=[line], Contact={"ContactID": other}, Date="2026-10-20"
    )
    assert edited.status_code == 200, edited.text

    found = service.drift()

    assert [f.kind.code for f in found.findings] == ["drift.edited"]
    whats = {d.what for d in found.findings[0].drifts}
    assert {"total", "tax", "date", "contact"} <= whats
    assert f"total: {Decimal(str(sale['Total'])):,.2f} →" in drift_alerts(service)[0].message


def test_a_payment_entered_in_xero_is_paid_elsewhere(firm: tuple[Service, Sandboxes]) -> None:
    service, sandboxes = firm
    sale = unsettled(sandboxes)
    paid = pay_in_xero(sandboxes.xero, sale["InvoiceID"], Decimal("10.00"), "090", "2026-11-01")
    assert paid.status_code == 200, paid.text

    found = service.drift()

    assert [f.kind.code for f in found.findings] == ["drift.paid_elsewhere"]
    assert "part-paid in Xero" in drift_alerts(service)[0].message


def test_a_bot_payment_deleted_in_xero_is_reported(firm: tuple[Service, Sandboxes], store: Store) -> None:
    service, sandboxes = firm
    with store.unit_of_work() as uow:
        payment_ids = {p["PaymentID"].lower() for p in sandboxes.xero.payments()}
        ours = [x for x in uow.links.active_by_xero_id(payment_ids)]
    assert ours, "the demo firm posts payments"
    target = next(
        p
        for p in sandboxes.xero.payments()
        # Any of ours but the demo's bank-feed payment, which is reconciled (the ledger lists them in no order).
        if p["PaymentID"].lower() in set(ours) and not p.get("IsReconciled")
    )
    deleted = delete_payment_in_xero(sandboxes.xero, target["PaymentID"])
    assert deleted.status_code == 200, deleted.text

    found = service.drift()

    assert "drift.payment_deleted" in [f.kind.code for f in found.findings]


def test_an_archived_contact_is_one_alert_naming_its_documents(firm: tuple[Service, Sandboxes]) -> None:
    service, sandboxes = firm
    sale = unsettled(sandboxes)
    sandboxes.xero.archive_contact(sale["Contact"]["ContactID"])

    found = service.drift()

    assert [f.kind.code for f in found.findings] == ["drift.contact_archived"]
    assert drift_alerts(service)[0].code == "drift.contact_archived"


def test_a_linked_document_xero_no_longer_has_is_reported_as_deleted(firm: tuple[Service, Sandboxes]) -> None:
    service, sandboxes = firm
    sale = unsettled(sandboxes)
    assert void_in_xero(sandboxes.xero, sale["InvoiceID"]).status_code == 200
    # Xero lists the change, then no longer has the record when its History is asked for (404).
    original = sandboxes.xero.books.documents.pop
    history_of = sandboxes.xero._api._history  # type: ignore[attr-defined]

    def gone(ctx: Any, request: Any, resource: str, record_id: str) -> Any:
        original(record_id.lower(), None)
        return history_of(ctx, request, resource, record_id)

    sandboxes.xero._api._history = gone  # type: ignore[attr-defined]

    found = service.drift()

    assert [f.kind.code for f in found.findings] == ["drift.deleted"]


def test_alerts_are_raised_once_and_resolved_when_the_drift_goes_away(
    firm: tuple[Service, Sandboxes],
) -> None:
    service, sandboxes = firm
    sale = unsettled(sandboxes)
    line = {"Description": "Changed by hand", "Quantity": 1, "UnitAmount": 1, "AccountCode": "200"}
    before = sandboxes.xero.invoices()
    original = next(i for i in before if i["InvoiceID"] == sale["InvoiceID"])
    assert edit_in_xero(sandboxes.xero, sale["InvoiceID"], LineItems=[line]).status_code == 200
    first = service.drift()
    assert len(first.changes.new) == 1
    tick(sandboxes)
    assert not service.drift().changes.new  # nothing changed since: the alert stays, raised once
    assert len(drift_alerts(service)) == 1
    tick(sandboxes)
    back = edit_in_xero(sandboxes.xero, sale["InvoiceID"], LineItems=original["LineItems"])
    assert back.status_code == 200, back.text

    fixed = service.drift()

    assert [a.code for a in fixed.changes.resolved] == ["drift.edited"]
    assert not drift_alerts(service)
    assert all(a.state is not AlertState.OPEN for a in fixed.changes.resolved)


def test_a_pass_interrupted_by_a_xero_outage_resumes_from_its_cursor(firm: tuple[Service, Sandboxes]) -> None:
    service, sandboxes = firm
    sale = unsettled(sandboxes)
    assert void_in_xero(sandboxes.xero, sale["InvoiceID"]).status_code == 200
    sandboxes.xero.faults.fail_next(100, status=503, method="GET", path="Invoices")

    cut = service.drift()

    assert not cut.complete and cut.error
    assert not cut.findings
    sandboxes.xero.faults.clear()
    resumed = service.drift()
    assert resumed.complete
    assert [f.kind.code for f in resumed.findings] == ["drift.voided"]
