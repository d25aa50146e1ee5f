"""Changes made in Xero to documents the bot posted (drift), found by polling, on SQLite and PostgreSQL.

Each test syncs the demo firm into the Xero sandbox, lets the first drift pass set its cursors, changes something in
Xero as a person would (`tests.support.xero_people`), and runs another pass.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.notifier import Notifier
from bot.scheduler import DRIFT, Plan, Scheduler
from integration.app import Service
from integration.app.slots import SlotDesk
from integration.clock import VirtualClock
from integration.domain import AlertState, RunStatus
from integration.rules.schedule import Every
from integration.store import Store
from sandboxes.server import Sandboxes
from tests.fakes.slack import BOT_TOKEN, FakeSlack
from tests.support.engine import demo_service, drift_alerts, unsettled
from tests.support.xero_people import (
    delete_payment_in_xero,
    edit_in_xero,
    in_xero,
    pay_in_xero,
    void_in_xero,
)

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


def posted_lines(invoice: dict[str, Any], **account_codes: str) -> list[dict[str, Any]]:
    """The invoice's lines as one sends them again, with some account codes changed (by line index, "i0" …)."""
    return [
        {
            "Description": line["Description"],
            "Quantity": line["Quantity"],
            "UnitAmount": line["UnitAmount"],
            "AccountCode": account_codes.get(f"i{n}", line["AccountCode"]),
            "TaxType": line["TaxType"],
        }
        for n, line in enumerate(invoice["LineItems"])
    ]


def test_lines_moved_to_another_account_in_xero_are_reported_though_the_total_is_the_same(
    firm: tuple[Service, Sandboxes],
) -> None:
    service, sandboxes = firm
    sale = unsettled(sandboxes)
    first = sale["LineItems"][0]
    other = next(code for code in ("200", "201", "202") if code != first["AccountCode"])  # income accounts
    edited = edit_in_xero(sandboxes.xero, sale["InvoiceID"], LineItems=posted_lines(sale, i0=other))
    assert edited.status_code == 200, edited.text

    found = service.drift()

    assert [(f.kind.code, [d.what for d in f.drifts]) for f in found.findings] == [
        ("drift.edited", ["lines"])
    ]
    message = drift_alerts(service)[0].message
    amount = f"{Decimal(str(first['LineAmount'])):,.2f}"
    assert f"lines: {first['AccountCode']} {first['Description'][:40]} {amount} {first['TaxType']}" in message
    assert f"→ {other} {first['Description'][:40]} {amount} {first['TaxType']}" in message


def test_reworded_line_descriptions_in_xero_are_not_a_drift(firm: tuple[Service, Sandboxes]) -> None:
    service, sandboxes = firm
    sale = unsettled(sandboxes)
    lines = [{**line, "Description": "Reworded by hand"} for line in posted_lines(sale)]
    assert edit_in_xero(sandboxes.xero, sale["InvoiceID"], LineItems=lines).status_code == 200

    found = service.drift()

    assert found.complete and not found.findings


def test_a_contact_merged_in_xero_is_one_alert_naming_the_contact_it_went_into(
    firm: tuple[Service, Sandboxes],
) -> None:
    service, sandboxes = firm
    sale = unsettled(sandboxes)
    kept = sandboxes.xero.add_contact("The Contact Kept Pty Ltd")
    sandboxes.xero.merge_contacts(sale["Contact"]["ContactID"], kept)
    tick(sandboxes)

    found = service.drift()

    assert [f.kind.code for f in found.findings] == ["drift.contact_merged"]
    alert = drift_alerts(service)[0]
    assert alert.code == "drift.contact_merged" and f"merged into contact {kept}" in alert.message
    assert "merge them in Actionstep too" in alert.fix
    moved = next(i for i in sandboxes.xero.invoices() if i["InvoiceID"] == sale["InvoiceID"])
    assert moved["Contact"]["ContactID"] == kept


def test_a_credit_allocation_the_bot_made_and_a_person_removed_is_a_drift_on_the_credit_note(
    firm: tuple[Service, Sandboxes],
) -> None:
    service, sandboxes = firm
    note = next(c for c in sandboxes.xero.credit_notes() if c["Allocations"])
    allocation = note["Allocations"][0]
    removed = in_xero(
        sandboxes.xero,
        "DELETE",
        f"CreditNotes/{note['CreditNoteID']}/Allocations/{allocation['AllocationID']}",
    )
    assert removed.status_code == 200, removed.text

    found = service.drift()

    assert [(f.xero_id.lower(), f.kind.code) for f in found.findings] == [
        (note["CreditNoteID"].lower(), "drift.allocation_changed")
    ]
    amount = f"{Decimal(str(allocation['Amount'])):,.2f}"
    number = allocation["Invoice"]["InvoiceNumber"]
    assert f"credit allocated to {number}: {amount} → removed" in drift_alerts(service)[0].message


def test_a_bank_transfer_deleted_in_xero_is_found_by_the_sweep_within_one_turn(
    firm: tuple[Service, Sandboxes], store: Store
) -> None:
    service, sandboxes = firm
    with store.unit_of_work() as uow:
        ids = {t["BankTransferID"].lower() for t in sandboxes.xero.bank_transfers()}
        linked = sorted(uow.links.active_by_xero_id(ids))
    assert len(linked) >= 2, "the demo firm posts transfers"
    target = linked[len(linked) // 2]
    sandboxes.xero.delete_transfer(target)
    before = len(sandboxes.xero.requests)

    passes = [service.drift() for _ in linked]

    found = [(f.xero_id.lower(), f.kind.code) for p in passes for f in p.findings]
    assert found == [(target, "drift.deleted")]
    assert all(p.calls <= POLLED + SWEEP + (1 if p.findings else 0) for p in passes)
    read = [r.path for r in sandboxes.xero.requests[before:] if "BankTransfers/" in r.path]
    assert sorted(path.rsplit("/", 1)[-1].lower() for path in read if "History" not in path) == linked


def test_a_scheduled_pass_skips_without_calling_xero_when_the_day_has_less_than_its_share_left(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    service, sandboxes = demo_service(store)
    sandboxes.xero.spend_day(4_700)  # another app of the firm spent most of the day
    try:
        assert service.sync("test", BOOKKEEPER).report.status is RunStatus.OK  # its answers say what is left
        clock = sandboxes.clock
        assert isinstance(clock, VirtualClock)
        plan = Plan(
            summary=None, summary_channel=None, auto_sync=None, health=None, drift=Every(timedelta(hours=1))
        )
        with FakeSlack() as slack:
            client = WebClient(token=BOT_TOKEN, base_url=slack.url)
            scheduler = Scheduler(
                plan, service, client, Notifier(client, service, "CALERTS"), slots=SlotDesk(store, clock)
            )
            clock.advance(3600)
            calls = len(sandboxes.xero.requests)
            with caplog.at_level(logging.INFO, logger="bot.scheduler"):
                assert scheduler.tick(DRIFT) is not None

            assert len(sandboxes.xero.requests) == calls
            assert any(
                "Drift watch" in r.getMessage() and "below drift watching's share of 500" in r.getMessage()
                for r in caplog.records
            )
            skipped = service.drift()
            assert skipped.skipped and "below drift watching's share of 500 (10% of 5000)" in skipped.skipped
            assert not skipped.complete and skipped.calls == 0
            assert len(sandboxes.xero.requests) == calls
    finally:
        service.close()
