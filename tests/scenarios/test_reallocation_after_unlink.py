"""Credit applied again after an unlink, through the real connectors and both sandboxes, on SQLite and PostgreSQL:
unlinking INV-1002 with "void in Xero" takes CN-4001's 352.00 off it; once the corrected invoice posts, the sync
applies the 352.00 to it again, once, settles a lost answer by reading the credit note, and where Xero cannot take
it raises an alert that says exactly what to allocate by hand."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from integration.app import Service
from integration.domain import AlertState, Outcome, ReallocationState, Reapplied, RunStatus
from integration.store import Store
from sandboxes.server import Sandboxes
from tests.support.engine import demo_service, gateways
from tests.support.xero_people import in_xero, pay_in_xero

APPROVER = "UAPPROVE"
CREDIT = Decimal("352.00")


@pytest.fixture
def firm(store: Store) -> Iterator[tuple[Service, Sandboxes]]:
    """The demo firm synced once (CN-4001 applied to INV-1002), then INV-1002 unlinked with its Xero copy voided."""
    service, sandboxes = demo_service(store)
    assert service.sync("test", APPROVER).report.status is RunStatus.OK
    request = service.unlinks.request("INV-1002", APPROVER)
    assert service.unlinks.confirm(request.id, APPROVER, void_in_xero=True).changed
    yield service, sandboxes
    service.close()


def correct(sandboxes: Sandboxes) -> None:
    """Correct INV-1002 in Actionstep under a new number (Xero keeps a voided invoice's) and approve it again."""
    record = next(r for r in sandboxes.actionstep.records("bills") if r["ourReference"] == "INV-1002")
    sandboxes.clock.advance(60)  # type: ignore[attr-defined]
    sandboxes.actionstep.update("bills", str(record["id"]), ourReference="INV-1002A")


def credit_note(sandboxes: Sandboxes) -> dict[str, Any]:
    return next(c for c in sandboxes.xero.credit_notes() if c["CreditNoteNumber"] == "CN-4001")


def allocations_to(sandboxes: Sandboxes, number: str) -> list[Decimal]:
    """The amounts of CN-4001 applied to the invoice `number` in Xero."""
    return [
        Decimal(str(a["Amount"]))
        for a in credit_note(sandboxes)["Allocations"]
        if a["Invoice"].get("InvoiceNumber") == number
    ]


def allocation_writes(sandboxes: Sandboxes) -> int:
    return len(sandboxes.xero.requests_to("Allocations", "PUT"))


def test_unlinking_with_void_remembers_the_credit_note_allocation_it_removed(
    firm: tuple[Service, Sandboxes], store: Store
) -> None:
    with store.unit_of_work() as uow:
        (removed,) = uow.reallocations.all()
    assert (removed.credit_note_number, removed.old_invoice_number) == ("CN-4001", "INV-1002")
    assert removed.amount == CREDIT and removed.state is ReallocationState.REMOVED


def test_the_corrected_invoice_gets_the_removed_credit_back_once_and_a_second_sync_does_nothing(
    firm: tuple[Service, Sandboxes], store: Store
) -> None:
    service, sandboxes = firm
    correct(sandboxes)
    writes_before = allocation_writes(sandboxes)

    report = service.sync("test", APPROVER).report

    assert report.status is RunStatus.OK
    (posted,) = [i for i in report.items if i.number == "INV-1002A"]
    assert posted.outcome is Outcome.POSTED
    assert report.reallocations == [Reapplied("CN-4001", "INV-1002A", CREDIT)]
    assert allocations_to(sandboxes, "INV-1002A") == [CREDIT]
    assert Decimal(str(credit_note(sandboxes)["RemainingCredit"])) == 0
    (write,) = sandboxes.xero.requests_to("Allocations", "PUT")[writes_before:]
    assert write.idempotency_key and posted.xero_id and posted.xero_id.lower() in write.idempotency_key
    with store.unit_of_work() as uow:
        (removed,) = uow.reallocations.all()
    assert removed.state is ReallocationState.REAPPLIED and removed.invoice_id == posted.xero_id

    again = service.sync("test", APPROVER).report

    assert again.reallocations == []
    assert allocations_to(sandboxes, "INV-1002A") == [CREDIT]
    assert allocation_writes(sandboxes) == writes_before + 1


def test_a_lost_answer_on_the_allocation_is_settled_by_reading_the_credit_note_without_a_second_allocation(
    firm: tuple[Service, Sandboxes], store: Store
) -> None:
    service, sandboxes = firm
    correct(sandboxes)
    sandboxes.xero.faults.drop_response_next(10, method="PUT", path="Allocations")

    report = service.sync("test", APPROVER).report

    assert report.status is RunStatus.OK
    assert report.reallocations == [Reapplied("CN-4001", "INV-1002A", CREDIT)]
    assert allocations_to(sandboxes, "INV-1002A") == [CREDIT], "applied once, however many answers were lost"
    keys = {r.idempotency_key for r in sandboxes.xero.requests_to("Allocations", "PUT")[-4:]}
    assert len(keys) == 1, "every attempt carried the same key"
    sandboxes.xero.faults.clear()

    assert service.sync("test", APPROVER).report.reallocations == []
    assert allocations_to(sandboxes, "INV-1002A") == [CREDIT]


def test_an_allocation_left_sending_by_an_interrupted_run_is_settled_by_reading_before_anything_is_sent_again(
    firm: tuple[Service, Sandboxes], store: Store
) -> None:
    service, sandboxes = firm
    correct(sandboxes)
    sandboxes.xero.faults.fail_next(10, status=503, method="PUT", path="Allocations")
    first = service.sync("test", APPROVER).report
    assert first.status is RunStatus.INTERRUPTED
    sandboxes.xero.faults.clear()
    with store.unit_of_work() as uow:
        (removed,) = uow.reallocations.all()
    assert removed.state is ReallocationState.SENDING and removed.invoice_id
    key = sandboxes.xero.requests_to("Allocations", "PUT")[-1].idempotency_key
    assert key is not None
    # What the unconfirmed send would have done had it reached Xero.
    landed = gateways(store, sandboxes).xero.allocate(
        removed.credit_note_id, [{"Invoice": {"InvoiceID": removed.invoice_id}, "Amount": CREDIT}], key
    )
    assert landed.ok
    writes = allocation_writes(sandboxes)

    report = service.sync("test", APPROVER).report

    assert report.status is RunStatus.OK
    assert report.reallocations == [Reapplied("CN-4001", "INV-1002A", CREDIT)]
    assert allocation_writes(sandboxes) == writes, "settled by the read: nothing sent again"
    assert allocations_to(sandboxes, "INV-1002A") == [CREDIT]


def test_an_allocation_whose_send_never_reached_xero_is_sent_again_once_under_the_same_key(
    firm: tuple[Service, Sandboxes], store: Store
) -> None:
    service, sandboxes = firm
    correct(sandboxes)
    sandboxes.xero.faults.fail_next(10, status=503, method="PUT", path="Allocations")
    assert service.sync("test", APPROVER).report.status is RunStatus.INTERRUPTED
    sandboxes.xero.faults.clear()

    report = service.sync("test", APPROVER).report

    assert report.reallocations == [Reapplied("CN-4001", "INV-1002A", CREDIT)]
    assert allocations_to(sandboxes, "INV-1002A") == [CREDIT]
    keys = {r.idempotency_key for r in sandboxes.xero.requests_to("Allocations", "PUT")[-5:]}
    assert len(keys) == 1


def test_credit_xero_cannot_apply_again_raises_an_alert_saying_what_to_allocate_by_hand_once(
    firm: tuple[Service, Sandboxes], store: Store
) -> None:
    service, sandboxes = firm
    note_id = str(credit_note(sandboxes)["CreditNoteID"])
    voided = gateways(store, sandboxes).xero.set_status("ACCRECCREDIT", note_id, "VOIDED", "by-hand-void")
    assert voided.ok
    correct(sandboxes)
    writes_before = allocation_writes(sandboxes)

    result = service.sync("test", APPROVER)

    (done,) = result.report.reallocations
    assert not done.ok and "voided" in (done.reason or "")
    (alert,) = [a for a in result.changes.new if a.code == "doc.allocation_not_reapplied"]
    assert "allocate 352.00 of credit note CN-4001 to invoice INV-1002A" in alert.fix
    assert "INV-1002" in alert.message and "voided" in alert.message
    assert allocation_writes(sandboxes) == writes_before, "nothing was sent that Xero would refuse"
    with store.unit_of_work() as uow:
        (removed,) = uow.reallocations.all()
    assert removed.state is ReallocationState.NOT_REAPPLIED

    later = service.sync("test", APPROVER)
    assert later.report.reallocations == []
    assert alert.id not in {a.id for a in later.changes.resolved}
    assert service.alerts.get(alert.id).state is AlertState.OPEN, "it stays until a person deals with it"


def test_a_credit_note_with_too_little_credit_left_is_not_sent_and_the_alert_names_what_is_left(
    firm: tuple[Service, Sandboxes], store: Store
) -> None:
    service, sandboxes = firm
    note = credit_note(sandboxes)
    contact_id = note["Contact"]["ContactID"]
    made = in_xero(
        sandboxes.xero,
        "PUT",
        "Invoices",
        {
            "Invoices": [
                {
                    "Type": "ACCREC",
                    "Contact": {"ContactID": contact_id},
                    "Date": note["DateString"][:10],
                    "DueDate": note["DateString"][:10],
                    "Status": "AUTHORISED",
                    "LineAmountTypes": "Exclusive",
                    "LineItems": [
                        {
                            "Description": "Entered by hand",
                            "Quantity": 1,
                            "UnitAmount": 500,
                            "AccountCode": "200",
                        }
                    ],
                }
            ]
        },
    )
    assert made.status_code == 200, made.text
    by_hand = made.json()["Invoices"][0]["InvoiceID"]
    taken = in_xero(
        sandboxes.xero,
        "PUT",
        f"CreditNotes/{note['CreditNoteID']}/Allocations",
        {
            "Allocations": [
                {"Invoice": {"InvoiceID": by_hand}, "Amount": 100, "Date": note["DateString"][:10]}
            ]
        },
    )
    assert taken.status_code == 200, taken.text
    correct(sandboxes)
    writes_before = allocation_writes(sandboxes)

    result = service.sync("test", APPROVER)

    (done,) = result.report.reallocations
    assert done.reason == "the credit note has only 252.00 left to apply"
    (alert,) = [a for a in result.changes.new if a.code == "doc.allocation_not_reapplied"]
    assert "252.00 left" in alert.message and "allocate 352.00 of credit note CN-4001" in alert.fix
    assert allocation_writes(sandboxes) == writes_before, "nothing was sent that Xero would refuse"
    assert allocations_to(sandboxes, "INV-1002A") == []


def test_a_corrected_invoice_owing_less_than_the_credit_is_not_sent_and_the_alert_says_what_it_owes(
    firm: tuple[Service, Sandboxes], store: Store
) -> None:
    service, sandboxes = firm
    correct(sandboxes)
    # The first sync posts INV-1002A but is cut off reading the credit note, before re-applying anything.
    sandboxes.xero.faults.fail_next(20, status=503, method="GET", path="CreditNotes")
    assert service.sync("test", APPROVER).report.status is RunStatus.INTERRUPTED
    sandboxes.xero.faults.clear()
    with store.unit_of_work() as uow:
        (removed,) = uow.reallocations.all()
    assert removed.state is ReallocationState.REMOVED
    invoice = next(i for i in sandboxes.xero.invoices() if i.get("InvoiceNumber") == "INV-1002A")
    owing = Decimal(str(invoice["AmountDue"]))
    assert owing > CREDIT
    paid = pay_in_xero(
        sandboxes.xero, invoice["InvoiceID"], owing - Decimal("100.00"), "090", invoice["DateString"][:10]
    )
    assert paid.status_code == 200, paid.text
    writes_before = allocation_writes(sandboxes)

    result = service.sync("test", APPROVER)

    (done,) = result.report.reallocations
    assert done.reason == "invoice INV-1002A owes only 100.00"
    (alert,) = [a for a in result.changes.new if a.code == "doc.allocation_not_reapplied"]
    assert "owes only 100.00" in alert.message
    assert allocation_writes(sandboxes) == writes_before
