"""Unlinking through the real Xero client and the Xero sandbox, on SQLite and PostgreSQL: payments and allocations
come off before the document, a confirmed request runs once however many confirm it, a failed step leaves an exact
record that a retry carries on from, and Xero's refusals (reconciled payments, expiry, the two-person rule) hold."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from integration.app import Service, UnlinkPolicy
from integration.clock import VirtualClock
from integration.domain import DocumentKind, Link, LinkState, RunStatus, SourceRef, UnlinkRequest, UnlinkState
from integration.errors import XerobotError
from integration.store import Store
from integration.xero import XeroClient
from sandboxes.server import Sandboxes
from tests.integration.xero.sandbox_calls import Caller
from tests.support.engine import demo_service

BOOKKEEPER, APPROVER, SECOND = "UBOOK", "UAPPROVE", "USECOND"


@pytest.fixture
def firm(store: Store) -> Iterator[tuple[Service, Sandboxes]]:
    """The demo firm, synced once: INV-1001 has two payments (RCT-5001, RCT-5002), CN-4001 is applied to INV-1002."""
    service, sandboxes = demo_service(store)
    assert service.sync("test", BOOKKEEPER).report.status is RunStatus.OK
    yield service, sandboxes
    service.close()


def links(store: Store, number: str) -> list[Link]:
    with store.unit_of_work() as uow:
        return uow.links.by_number(number)


def active(store: Store, number: str) -> bool:
    return any(link.state is LinkState.LINKED for link in links(store, number))


def writes(sandboxes: Sandboxes) -> list[str]:
    """The Xero resources unlinking changed, in the order the requests reached Xero."""
    return [
        r.path.split("/")[3] + (" allocation" if "Allocations" in r.path else "")
        for r in sandboxes.xero.requests
        if r.method in ("POST", "DELETE") and r.path.startswith("/api.xro/2.0/") and r.status == 200
    ]


def invoice(sandboxes: Sandboxes, number: str) -> dict[str, object]:
    return next(i for i in sandboxes.xero.invoices() if i["InvoiceNumber"] == number)


def audit_steps(store: Store) -> list[str]:
    with store.unit_of_work() as uow:
        return [str((e.detail or {})["step"]) for e in reversed(uow.audit.recent(200, action="unlink.step"))]


def test_void_in_xero_deletes_the_payments_before_voiding_the_invoice(
    firm: tuple[Service, Sandboxes],
    store: Store,
) -> None:
    service, sandboxes = firm
    request = service.unlinks.request("INV-1001", BOOKKEEPER)
    assert [s.key.split(":")[0] for s in request.plan.void_steps] == ["payment", "payment", "document"]

    outcome = service.unlinks.confirm(request.id, APPROVER, void_in_xero=True)

    assert outcome.changed and outcome.request.state is UnlinkState.DONE
    assert outcome.request.approved_by == APPROVER
    assert writes(sandboxes) == ["Payments", "Payments", "Invoices"]
    assert invoice(sandboxes, "INV-1001")["Status"] == "VOIDED"
    assert not any(active(store, n) for n in ("INV-1001", "RCT-5001", "RCT-5002"))
    assert all(link.voided_in_xero for n in ("INV-1001", "RCT-5001") for link in links(store, n))
    assert audit_steps(store) == [s.key for s in request.plan.void_steps]


def test_unlink_only_turns_the_payments_then_the_invoice_into_history_and_leaves_xero_alone(
    firm: tuple[Service, Sandboxes],
    store: Store,
) -> None:
    service, sandboxes = firm
    request = service.unlinks.request("INV-1001", BOOKKEEPER)
    assert "the Xero copy of INV-1001 stays" in request.plan.unlink_effect

    service.unlinks.confirm(request.id, APPROVER, void_in_xero=False)

    assert writes(sandboxes) == []
    assert invoice(sandboxes, "INV-1001")["Status"] == "PAID"
    done = [s.key.split(":")[0] for s in service.unlinks.get(request.id).steps_done]
    assert done == ["payment", "payment", "document"]
    assert not any(link.voided_in_xero for link in links(store, "INV-1001"))


def test_a_credit_note_allocation_comes_off_before_the_invoice_is_voided(
    firm: tuple[Service, Sandboxes],
    store: Store,
) -> None:
    service, sandboxes = firm
    request = service.unlinks.request("INV-1002", BOOKKEEPER)
    service.unlinks.confirm(request.id, APPROVER, void_in_xero=True)

    assert writes(sandboxes) == ["CreditNotes allocation", "Invoices"]
    assert invoice(sandboxes, "INV-1002")["Status"] == "VOIDED"
    (note,) = [c for c in sandboxes.xero.credit_notes() if c["CreditNoteNumber"] == "CN-4001"]
    assert note["Status"] == "AUTHORISED" and note["Allocations"] == []
    assert active(store, "CN-4001"), "the credit note itself stays linked"


def test_a_payment_number_unlinks_that_payment_alone(firm: tuple[Service, Sandboxes], store: Store) -> None:
    service, sandboxes = firm
    request = service.unlinks.request("RCT-5001", BOOKKEEPER)
    service.unlinks.confirm(request.id, APPROVER, void_in_xero=True)

    assert writes(sandboxes) == ["Payments"]
    assert not active(store, "RCT-5001")
    assert active(store, "RCT-5002") and active(store, "INV-1001")
    assert invoice(sandboxes, "INV-1001")["Status"] == "AUTHORISED"


def test_twenty_concurrent_confirmations_carry_the_request_out_once(
    firm: tuple[Service, Sandboxes], store: Store
) -> None:
    service, sandboxes = firm
    request = service.unlinks.request("INV-1001", BOOKKEEPER)
    start = threading.Barrier(20)

    def confirm(n: int) -> bool:
        start.wait()
        return service.unlinks.confirm(request.id, f"UAPP{n}", void_in_xero=True).changed

    with ThreadPoolExecutor(20) as pool:
        changed = list(pool.map(confirm, range(20)))

    assert changed.count(True) == 1
    assert writes(sandboxes) == ["Payments", "Payments", "Invoices"]
    assert len(audit_steps(store)) == 3
    finished = service.unlinks.get(request.id)
    assert finished.state is UnlinkState.DONE and finished.approved_by == f"UAPP{changed.index(True)}"


def test_a_step_failing_midway_leaves_an_exact_record_and_a_retry_completes_the_rest(
    firm: tuple[Service, Sandboxes],
    store: Store,
) -> None:
    service, sandboxes = firm
    request = service.unlinks.request("INV-1001", BOOKKEEPER)
    sandboxes.xero.faults.fail_next(10, method="POST", path="Invoices/")

    failed = service.unlinks.confirm(request.id, APPROVER, void_in_xero=True).request

    assert failed.state is UnlinkState.FAILED
    assert [s.key for s in failed.steps_done] == [s.key for s in request.plan.void_steps[:2]]
    assert failed.error is not None and failed.error.startswith("Step 3 of 3 (Void sales invoice INV-1001")
    assert not active(store, "RCT-5001") and not active(store, "RCT-5002")
    assert active(store, "INV-1001")
    assert (
        invoice(sandboxes, "INV-1001")["Status"] == "AUTHORISED"
    )  # its payments are gone, it is still there

    sandboxes.xero.faults.clear()
    retried = service.unlinks.retry(request.id, SECOND)

    assert retried.changed and retried.request.state is UnlinkState.DONE
    assert [s.key for s in retried.request.steps_done] == [s.key for s in request.plan.void_steps]
    assert writes(sandboxes) == ["Payments", "Payments", "Invoices"], "no payment was deleted twice"
    assert invoice(sandboxes, "INV-1001")["Status"] == "VOIDED" and not active(store, "INV-1001")


def test_running_a_finished_request_again_does_nothing(firm: tuple[Service, Sandboxes], store: Store) -> None:
    service, sandboxes = firm
    request = service.unlinks.request("INV-1001", BOOKKEEPER)
    service.unlinks.confirm(request.id, APPROVER, void_in_xero=True)
    sent = len(sandboxes.xero.requests)

    again = service.unlinks.confirm(request.id, SECOND, void_in_xero=True)
    retried = service.unlinks.retry(request.id, SECOND)

    assert not again.changed and not retried.changed and again.request.approved_by == APPROVER
    assert len(sandboxes.xero.requests) == sent and len(audit_steps(store)) == 3


def test_a_step_whose_xero_side_was_already_done_only_records_it(
    firm: tuple[Service, Sandboxes], store: Store
) -> None:
    service, sandboxes = firm
    request = service.unlinks.request("INV-1001", BOOKKEEPER)
    first = request.plan.payments[0].xero.xero_id
    with sandboxes.xero._lock:  # a person deletes the first payment in Xero meanwhile
        payment = sandboxes.xero.books.payments[first.lower()]
        payment.status = "DELETED"
        payment.document.amount_paid -= payment.amount

    done = service.unlinks.confirm(request.id, APPROVER, void_in_xero=True).request

    assert done.state is UnlinkState.DONE and [s.already for s in done.steps_done] == [True, False, False]
    assert writes(sandboxes) == ["Payments", "Invoices"] and not active(store, "RCT-5001")


def test_a_reconciled_payment_refuses_void_in_xero_with_the_reason_and_unlink_only_still_works(
    firm: tuple[Service, Sandboxes],
    store: Store,
) -> None:
    service, sandboxes = firm
    (payment,) = [p for p in links(store, "RCT-5001")]
    sandboxes.xero.reconcile_payment(payment.xero_id)
    request = service.unlinks.request("INV-1001", BOOKKEEPER)
    assert request.plan.void_refused is not None and "RCT-5001 is reconciled" in request.plan.void_refused

    with pytest.raises(XerobotError) as refused:
        service.unlinks.confirm(request.id, APPROVER, void_in_xero=True)
    assert refused.value.code == "unlink.void_refused"
    assert service.unlinks.get(request.id).state is UnlinkState.PENDING

    service.unlinks.confirm(request.id, APPROVER, void_in_xero=False)
    assert writes(sandboxes) == [] and not active(store, "INV-1001")


def pay_in_xero(sandboxes: Sandboxes, number: str, amount: str, **extra: object) -> str:
    """A payment entered in Xero itself over HTTP (by a person, or a bank feed with `IsReconciled: true`)."""
    body = {"Invoice": {"InvoiceNumber": number}, "Account": {"Code": "090"}, "Date": "2026-07-20",
            "Amount": Decimal(amount), **extra}  # fmt: skip
    (created,) = Caller(sandboxes.xero).created("Payments", {"Payments": [body]})
    return str(created["PaymentID"])


def test_an_invoice_with_a_payment_created_reconciled_is_refused_a_void_before_anything_changes_in_xero(
    firm: tuple[Service, Sandboxes],
    store: Store,
) -> None:
    service, sandboxes = firm
    pay_in_xero(sandboxes, "INV-1002", "100.00", Reference="counter")
    reconciled = pay_in_xero(sandboxes, "INV-1002", "50.00", Reference="bank feed", IsReconciled=True)
    before = invoice(sandboxes, "INV-1002")
    assert all("IsReconciled" not in p for p in before["Payments"])  # Xero does not say it there
    seen = len(sandboxes.xero.requests)

    request = service.unlinks.request("INV-1002", BOOKKEEPER)

    assert [p.xero.reconciled for p in request.plan.payments] == [False, True]
    assert request.plan.void_refused is not None
    assert "bank feed is reconciled in Xero" in request.plan.void_refused
    assert "Unreconcile it in Xero first" in request.plan.void_refused
    asked = [r for r in sandboxes.xero.requests[seen:] if r.path.lower().startswith("/api.xro/2.0/payments")]
    assert [(r.method, reconciled.lower() in r.query.lower()) for r in asked] == [("GET", True)]

    with pytest.raises(XerobotError) as refused:
        service.unlinks.confirm(request.id, APPROVER, void_in_xero=True)

    assert refused.value.code == "unlink.void_refused"
    assert writes(sandboxes) == [] and invoice(sandboxes, "INV-1002") == before
    assert active(store, "INV-1002") and service.unlinks.get(request.id).state is UnlinkState.PENDING


def test_a_payment_get_payments_does_not_return_leaves_its_reconciliation_unknown_and_nothing_is_planned(
    firm: tuple[Service, Sandboxes],
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    service, sandboxes = firm
    monkeypatch.setattr(XeroClient, "find_payments", lambda self, **_: [])

    with pytest.raises(XerobotError) as unknown:
        service.unlinks.request("INV-1001", BOOKKEEPER)

    assert unknown.value.code == "remote.unavailable" and "whether it is reconciled is unknown" in str(
        unknown.value
    )
    assert service.unlinks.open() == [] and writes(sandboxes) == [] and active(store, "INV-1001")


def test_a_payment_reconciled_after_the_plan_was_shown_stops_the_void_before_anything_changes(
    firm: tuple[Service, Sandboxes],
    store: Store,
) -> None:
    service, sandboxes = firm
    request = service.unlinks.request("INV-1001", BOOKKEEPER)
    sandboxes.xero.reconcile_payment(request.plan.payments[1].xero.xero_id)

    stopped = service.unlinks.confirm(request.id, APPROVER, void_in_xero=True).request

    assert stopped.state is UnlinkState.FAILED and stopped.steps_done == ()
    assert stopped.error is not None and "RCT-5002 is reconciled" in stopped.error
    assert writes(sandboxes) == [] and active(store, "RCT-5001")


def test_an_expired_request_cannot_be_confirmed(firm: tuple[Service, Sandboxes], store: Store) -> None:
    service, sandboxes = firm
    request = service.unlinks.request("INV-1001", BOOKKEEPER)
    clock = sandboxes.clock
    assert isinstance(clock, VirtualClock)
    clock.advance(31 * 60)

    with pytest.raises(XerobotError) as expired:
        service.unlinks.confirm(request.id, APPROVER, void_in_xero=False)

    assert expired.value.code == "unlink.expired" and "/xero unlink INV-1001" in str(expired.value)
    assert active(store, "INV-1001") and service.unlinks.open() == []


def test_with_the_two_person_rule_the_requester_cannot_confirm_and_someone_else_can(
    firm: tuple[Service, Sandboxes],
    store: Store,
) -> None:
    service, _ = firm
    service.unlinks.policy = replace(service.unlinks.policy, two_person=True)
    request = service.unlinks.request("INV-1001", APPROVER)

    with pytest.raises(XerobotError) as refused:
        service.unlinks.confirm(request.id, APPROVER, void_in_xero=False)
    assert refused.value.code == "unlink.two_person"
    assert service.unlinks.get(request.id).state is UnlinkState.PENDING

    assert service.unlinks.confirm(request.id, SECOND, void_in_xero=False).changed
    assert not active(store, "INV-1001")


def test_without_the_two_person_rule_an_approver_may_confirm_their_own_request(
    firm: tuple[Service, Sandboxes],
) -> None:
    service, _ = firm
    assert service.unlinks.policy == UnlinkPolicy()
    request = service.unlinks.request("INV-1001", APPROVER)
    assert service.unlinks.confirm(request.id, APPROVER, void_in_xero=False).changed


def test_a_cancelled_request_cannot_be_confirmed_and_says_who_cancelled(
    firm: tuple[Service, Sandboxes],
    store: Store,
) -> None:
    service, _ = firm
    request = service.unlinks.request("INV-1001", BOOKKEEPER)
    assert service.unlinks.cancel(request.id, BOOKKEEPER).changed
    late = service.unlinks.confirm(request.id, APPROVER, void_in_xero=False)
    assert not late.changed and late.request.state is UnlinkState.CANCELLED
    assert late.request.approved_by == BOOKKEEPER and active(store, "INV-1001")


def test_an_unknown_number_suggests_the_closest_linked_numbers(firm: tuple[Service, Sandboxes]) -> None:
    service, _ = firm
    with pytest.raises(XerobotError) as unknown:
        service.unlinks.plan("inv-101")
    assert unknown.value.code == "unlink.unknown_number"
    assert "Did you mean INV-1010 or INV-1001 or INV-1009?" in str(unknown.value)


def test_an_already_unlinked_document_says_when_and_by_whom(firm: tuple[Service, Sandboxes]) -> None:
    service, _ = firm
    request = service.unlinks.request("INV-1004", BOOKKEEPER)
    service.unlinks.confirm(request.id, APPROVER, void_in_xero=True)
    with pytest.raises(XerobotError) as already:
        service.unlinks.plan("INV-1004")
    assert already.value.code == "unlink.already_unlinked"
    assert str(already.value) == (
        "INV-1004 was already unlinked and its Xero copy voided on 02 Nov 2026 09:00 UTC by UAPPROVE."
    )


def test_transfers_and_trust_transactions_are_not_unlinked_here(firm: tuple[Service, Sandboxes]) -> None:
    service, _ = firm
    with pytest.raises(XerobotError) as refused:
        service.unlinks.plan("TR-7001")
    assert refused.value.code == "unlink.not_unlinkable"


def test_a_run_that_dies_midway_is_shown_as_stopped_and_retry_carries_it_on(
    firm: tuple[Service, Sandboxes],
) -> None:
    service, sandboxes = firm
    request = service.unlinks.request("INV-1001", BOOKKEEPER)

    def die_after_the_first_step(seen: UnlinkRequest) -> None:
        if len(seen.steps_done) == 1:
            raise KeyboardInterrupt("the process is stopped")

    with pytest.raises(KeyboardInterrupt):
        service.unlinks.confirm(request.id, APPROVER, void_in_xero=True, progress=die_after_the_first_step)

    (stopped,) = service.unlinks.open()
    assert stopped.state is UnlinkState.FAILED and len(stopped.steps_done) == 1
    assert stopped.error is not None and "Retry carries it on" in stopped.error
    done = service.unlinks.retry(request.id, SECOND).request
    assert done.state is UnlinkState.DONE and len(done.steps_done) == 3
    assert writes(sandboxes) == ["Payments", "Payments", "Invoices"]


def test_a_request_left_running_by_a_dead_process_is_recorded_as_stopped_once_its_lease_lapses(
    firm: tuple[Service, Sandboxes],
    store: Store,
) -> None:
    service, _ = firm
    request = service.unlinks.request("INV-1004", BOOKKEEPER)
    with store.unit_of_work() as uow:  # a process decided it, took the lease, then was killed
        uow.unlinks.confirm(request.id, by=APPROVER, void_in_xero=False, now=request.created_at)
        uow.leases.acquire(f"unlink:{request.plan.source}", "elsewhere:1:dead", timedelta(seconds=-1))
        uow.commit()

    (stopped,) = service.unlinks.open()

    assert stopped.state is UnlinkState.FAILED and stopped.steps_done == ()
    assert service.unlinks.retry(request.id, SECOND).request.state is UnlinkState.DONE


def test_a_number_two_linked_documents_share_asks_which_and_kind_and_id_say_which(
    firm: tuple[Service, Sandboxes],
    store: Store,
) -> None:
    service, _ = firm
    (first,) = links(store, "SUP-2002")
    other = Link(SourceRef(DocumentKind.SUPPLIER_INVOICE, "99"), "v1", "SUP-2002", "another-bill", "SUP-2002",
                 "ACCPAY", Decimal("12.00"))  # fmt: skip
    with store.unit_of_work() as uow:  # another supplier's bill with the same number
        uow.links.add(other)
        uow.commit()

    with pytest.raises(XerobotError) as ambiguous:
        service.unlinks.plan("SUP-2002")
    assert ambiguous.value.code == "unlink.ambiguous" and "`supplier_invoice:99`" in str(ambiguous.value)

    plan = service.unlinks.plan(str(first.source))
    assert plan.link.xero_id == first.xero_id and plan.xero is not None and plan.xero.status == "PAID"
