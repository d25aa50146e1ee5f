"""Month-end reconciliation of the demo firm through both sandboxes, on SQLite and PostgreSQL: the synced month
agrees to the cent with only the differences the sync already explains, and each kind of difference is made the
way it happens (a person in Xero, a dishonoured receipt in Actionstep) and named with both amounts and the fix."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from integration.app import ReconcileResult, Service
from integration.domain import AlertSource, AlertState, ControlAccount, Gap, Period, Reconciliation, RunStatus
from integration.errors import XerobotError
from integration.store import Store
from sandboxes.server import Sandboxes
from tests.support.engine import demo_service
from tests.support.xero_people import edit_in_xero, in_xero, void_in_xero

JULY = Period(2026, 7)
BLOCKED = {"INV-1003", "INV-1006", "SUP-2001", "SUP-2004", "SUP-2005"}  # the demo's deliberate problems
D = Decimal


@pytest.fixture
def firm(store: Store) -> Iterator[tuple[Service, Sandboxes]]:
    service, sandboxes = demo_service(store)
    assert service.sync("test", "UBOOK").report.status is RunStatus.OK
    yield service, sandboxes
    service.close()


def reconcile(service: Service, period: Period = JULY) -> ReconcileResult:
    assert service.reconciling is not None
    return service.reconciling.run(period, actor="UBOOK")


def xero_books(sandboxes: Sandboxes) -> tuple[Any, ...]:
    x = sandboxes.xero
    return (x.invoices(), x.payments(), x.bank_transactions(), x.bank_transfers(), len(x.books.contacts))


def balance(rec: Reconciliation, account: ControlAccount) -> tuple[Decimal | None, Decimal, Decimal | None]:
    (line,) = [b for b in rec.balances if b.account is account]
    return line.xero, line.implied, line.unexplained


def test_the_synced_demo_month_agrees_to_the_cent_and_only_the_blocked_documents_differ_with_their_reasons(
    firm: tuple[Service, Sandboxes],
) -> None:
    service, sandboxes = firm
    before = xero_books(sandboxes)
    rec = reconcile(service).reconciliation

    assert xero_books(sandboxes) == before  # reconciling never writes to Xero
    assert not rec.incomplete
    assert {d.number for d in rec.differences} == BLOCKED
    assert all(
        d.gap is Gap.NOT_POSTED and "not synced yet" not in d.reason and d.fix for d in rec.differences
    )
    malformed = next(d for d in rec.differences if d.number == "INV-1006")
    assert "not a number" in malformed.reason
    for tally in rec.tallies:
        blocked = sum(1 for d in rec.differences if d.kind is tally.kind)
        assert tally.xero_count == tally.actionstep_count - blocked + (tally.kind.value == "sales_invoice"), (
            tally
        )
    assert all(b.xero == b.implied and b.unexplained == 0 for b in rec.balances), rec.balances
    assert balance(rec, ControlAccount.ACCOUNTS_RECEIVABLE)[0] == D("7251.50")
    assert rec.trust is not None and rec.trust.reconciled
    assert rec.trust.ledger == rec.trust.bank == D("5958.50")
    assert rec.trust.liability == D("8000.00")  # the ledger plus TT-7201, posted as a bank transfer
    assert rec.xero_calls <= 12 and not rec.hand_entered
    assert not rec.agrees and not rec.ready_to_sign  # blocked documents, open alerts, lock date in June


def test_an_amount_edited_and_a_document_voided_in_xero_are_named_with_both_amounts_and_explain_the_balances(
    firm: tuple[Service, Sandboxes],
) -> None:
    service, sandboxes = firm
    invoices = {i["InvoiceNumber"]: i for i in sandboxes.xero.invoices()}
    sale, august = invoices["INV-1004"], invoices["INV-1009"]  # unpaid: July's and August's
    line = {"Description": "Changed by hand", "Quantity": 1, "UnitAmount": 100, "AccountCode": "200",
            "TaxType": "OUTPUT"}  # fmt: skip
    assert edit_in_xero(sandboxes.xero, sale["InvoiceID"], LineItems=[line]).status_code == 200
    assert void_in_xero(sandboxes.xero, august["InvoiceID"]).status_code == 200

    rec = reconcile(service).reconciliation
    (edited,) = [d for d in rec.differences if d.number not in BLOCKED]
    assert (edited.gap, edited.number) == (Gap.AMOUNT_DIFFERS, "INV-1004")
    assert (edited.actionstep_total, edited.xero_total, edited.actionstep_tax, edited.xero_tax) == (
        D("2041.50"), D("110.00"), D("183.00"), D("10.00"),
    )  # fmt: skip
    assert "Xero shows 110.00" in edited.reason and "Change it back in Xero" in edited.fix
    xero_ar, implied_ar, unexplained_ar = balance(rec, ControlAccount.ACCOUNTS_RECEIVABLE)
    assert xero_ar == implied_ar - D("2041.50") + D("110.00") and unexplained_ar == 0
    assert all(b.unexplained == 0 for b in rec.balances)

    later = reconcile(service, Period(2026, 8)).reconciliation
    voided = next(d for d in later.differences if d.number == "INV-1009")
    assert voided.gap is Gap.VOIDED_OR_DELETED and "Voided in Xero" in voided.reason
    assert "/xero unlink INV-1009" in voided.fix and voided.actionstep_total == D("1309.00")
    # August explains its own void; July's edit is still in Xero's balances, from an earlier period.
    assert balance(later, ControlAccount.ACCOUNTS_RECEIVABLE)[2] == D("-1931.50")
    assert balance(later, ControlAccount.GST)[2] == D("-173.00")


def test_a_bill_entered_by_hand_in_xero_is_counted_and_one_with_our_number_is_not_from_actionstep(
    firm: tuple[Service, Sandboxes],
) -> None:
    service, sandboxes = firm
    stranger = sandboxes.xero.add_contact("Office Cleaning Co")
    sent = in_xero(sandboxes.xero, "PUT", "Invoices", {"Invoices": [
        {"Type": "ACCPAY", "Contact": {"ContactID": stranger}, "Date": "2026-07-21", "DueDate": "2026-08-21",
         "InvoiceNumber": "CLEAN-77", "Status": "AUTHORISED", "LineAmountTypes": "Exclusive",
         "LineItems": [{"Description": "Cleaning", "Quantity": 1, "UnitAmount": 200, "AccountCode": "429",
                        "TaxType": "INPUT"}]},
        {"Type": "ACCPAY", "Contact": {"ContactID": stranger}, "Date": "2026-07-22", "DueDate": "2026-08-22",
         "InvoiceNumber": "SUP-2001", "Status": "AUTHORISED", "LineAmountTypes": "Exclusive",
         "LineItems": [{"Description": "Couriers", "Quantity": 1, "UnitAmount": 60, "AccountCode": "429",
                        "TaxType": "INPUT"}]},
    ]})  # fmt: skip
    assert sent.status_code == 200, sent.text

    rec = reconcile(service).reconciliation

    ours = [d for d in rec.differences if d.gap is Gap.NOT_FROM_ACTIONSTEP]
    assert [(d.number, d.xero_total) for d in ours] == [("SUP-2001", D("66.00"))]
    assert "SUP-2001" in ours[0].reason and "void it in Xero" in ours[0].fix
    assert [(h.what, h.count, h.total) for h in rec.hand_entered] == [("bills (ACCPAY)", 1, D("220.00"))]
    xero_ap, implied_ap, unexplained_ap = balance(rec, ControlAccount.ACCOUNTS_PAYABLE)
    assert (xero_ap, implied_ap, unexplained_ap) == (D("286.00"), D("0.00"), D("0.00"))
    assert balance(rec, ControlAccount.GST)[2] == 0


def test_a_trust_payment_made_only_in_xero_breaks_trust_three_ways_and_is_named(
    firm: tuple[Service, Sandboxes],
) -> None:
    service, sandboxes = firm
    payee = sandboxes.xero.add_contact("Vendor's agent")
    spent = in_xero(sandboxes.xero, "PUT", "BankTransactions", {"BankTransactions": [
        {"Type": "SPEND", "Contact": {"ContactID": payee}, "BankAccount": {"Code": "091"}, "Date": "2026-07-30",
         "LineAmountTypes": "NoTax", "Reference": "by hand",
         "LineItems": [{"Description": "Paid from trust in Xero", "Quantity": 1, "UnitAmount": 750,
                        "AccountCode": "850", "TaxType": "BASEXCLUDED"}]},
    ]})  # fmt: skip
    assert spent.status_code == 200, spent.text

    rec = reconcile(service).reconciliation

    assert rec.trust is not None and not rec.trust.reconciled
    assert rec.trust.bank == rec.trust.ledger - D("750.00")
    assert any("trust bank" in f and "-750.00" in f for f in rec.trust.findings)
    assert any("Trust Liability" in f and "-750.00" in f for f in rec.trust.findings)
    assert [(h.what, h.total) for h in rec.hand_entered] == [("spend bank transactions on 091", D("750.00"))]
    assert balance(rec, ControlAccount.TRUST_BANK)[2] == 0  # the hand entry explains the bank
    assert balance(rec, ControlAccount.TRUST_LIABILITY)[2] == D("-750.00")  # its other side is not known
    trust_item = next(c for c in rec.checklist if c.label == "Trust reconciled")
    assert not trust_item.done


def test_an_overdrawn_matter_raises_an_alert_that_stays_open_until_the_matter_is_back_in_credit(
    firm: tuple[Service, Sandboxes],
) -> None:
    service, sandboxes = firm
    actionstep = sandboxes.actionstep
    receipt = actionstep.enter_trust_receipt("5002", D("1000.00"), date(2026, 7, 10))
    actionstep.enter_trust_payment("5002", D("5500.00"), date(2026, 7, 12))
    actionstep.dishonour_trust_receipt(receipt.id, date(2026, 7, 20))

    first = reconcile(service)
    rec = first.reconciliation

    assert rec.trust is not None
    (overdrawn,) = rec.trust.overdrawn
    assert (overdrawn.matter_id, overdrawn.balance) == ("5002", D("-500.00"))
    (alert,) = [a for a in service.alerts.unresolved() if a.source is AlertSource.TRUST]
    assert alert.code == "trust.overdrawn" and "overdrawn by 500.00" in alert.message
    assert [a.id for a in first.changes.new] == [alert.id]  # for the Slack face to post

    assert [a.id for a in service.alerts.unresolved() if a.source is AlertSource.TRUST] == [alert.id]
    actionstep.faults.server_error(50, status=503, resource="trusttransactions")
    partial = reconcile(
        service
    )  # the trust ledger cannot be read: the alert is neither resolved nor raised again
    actionstep.faults.clear()
    assert partial.reconciliation.trust is not None and not partial.reconciliation.trust.complete
    assert not partial.reconciliation.trust.reconciled and not partial.changes.resolved
    assert any("trust" in why for why in partial.reconciliation.incomplete)
    assert service.alerts.get(alert.id).state is AlertState.OPEN
    reconcile(service)  # still overdrawn: the same alert, counted again
    actionstep.enter_trust_receipt("5002", D("600.00"), date(2026, 7, 25))
    fixed = reconcile(service)
    again = fixed.reconciliation
    assert [a.id for a in fixed.changes.resolved] == [alert.id]
    assert again.trust is not None and not again.trust.overdrawn
    assert not [a for a in service.alerts.unresolved() if a.source is AlertSource.TRUST]
    assert service.alerts.get(alert.id).state is AlertState.RESOLVED


def test_a_month_xero_cannot_fully_answer_is_incomplete_and_never_agrees_nor_signs(
    firm: tuple[Service, Sandboxes],
) -> None:
    service, sandboxes = firm
    sandboxes.xero.faults.fail_next(100, status=503, method="GET", path="Invoices")
    result = reconcile(service)
    sandboxes.xero.faults.clear()
    rec = result.reconciliation
    assert any("Invoices" in why for why in rec.incomplete)
    assert not rec.agrees and not rec.ready_to_sign and not result.close.ready
    assert service.reconciling is not None
    refused = service.reconciling.sign_off(JULY, result.close.fingerprint, "UAPPROVE")
    assert not refused.done and "not ready" in refused.message


def test_a_period_in_the_future_or_malformed_is_refused_with_the_form(
    firm: tuple[Service, Sandboxes],
) -> None:
    service, _ = firm
    assert service.reconciling is not None
    for text in ("2026-13", "next month", "2031-01"):
        with pytest.raises(ValueError, match="YYYY-MM"):
            service.reconciling.parse_period(text)


def test_a_second_reconciliation_while_one_runs_is_refused(
    firm: tuple[Service, Sandboxes], store: Store
) -> None:
    service, _ = firm
    from integration.app.reconciling import LEASE, LEASE_TTL
    from integration.leases import held

    with (
        held(store, LEASE, LEASE_TTL, detail="UOTHER reconciling 2026-07"),
        pytest.raises(XerobotError) as busy,
    ):
        reconcile(service)
    assert busy.value.code == "reconcile.in_progress" and "UOTHER" in str(busy.value)


def test_a_transfer_to_office_without_a_bill_on_or_before_it_is_listed_and_one_with_a_bill_is_not(
    firm: tuple[Service, Sandboxes],
) -> None:
    service, sandboxes = firm
    actionstep = sandboxes.actionstep
    actionstep.enter_trust_receipt("5005", D("1000.00"), date(2026, 7, 12))
    unbilled = actionstep.enter_trust_transfer(
        "5005", D("300.00"), date(2026, 7, 15)
    )  # INV-1005 is of 21 July
    billed = actionstep.enter_trust_transfer("5005", D("400.00"), date(2026, 7, 21))

    rec = reconcile(service).reconciliation

    assert rec.trust is not None
    assert [(t.number, t.amount, t.matter_id) for t in rec.trust.unbilled_transfers] == [
        (unbilled.number, D("300.00"), "5005")
    ]
    assert billed.number not in {t.number for t in rec.trust.unbilled_transfers}
    assert not rec.trust.reconciled


def test_a_signed_off_month_is_reopened_by_a_later_difference_and_the_audit_log_keeps_both(
    store: Store,
) -> None:
    service, sandboxes = demo_service(
        store
    )  # not synced: May 2026 has no documents and is inside the lock date
    try:
        may = Period(2026, 5)
        first = reconcile(service, may)
        assert first.reconciliation.agrees and first.reconciliation.ready_to_sign, first.reconciliation
        done = service.reconciling.sign_off(may, first.close.fingerprint, "UAPPROVE")
        assert done.done and done.close is not None and done.close.signed_off_by == "UAPPROVE"
        again = service.reconciling.sign_off(may, first.close.fingerprint, "UOTHER")
        assert not again.done and "already signed off, by <@UAPPROVE>" in again.message

        sandboxes.xero.set_lock_dates(period=date(2026, 4, 30))  # someone moves Xero's lock date back…
        stranger = sandboxes.xero.add_contact("Walk-in client")
        entered = in_xero(sandboxes.xero, "PUT", "Invoices", {"Invoices": [
            {"Type": "ACCREC", "Contact": {"ContactID": stranger}, "Date": "2026-05-20", "DueDate": "2026-06-20",
             "Status": "AUTHORISED", "LineAmountTypes": "NoTax",
             "LineItems": [{"Description": "Advice", "Quantity": 1, "UnitAmount": 300, "AccountCode": "200",
                            "TaxType": "BASEXCLUDED"}]},
        ]})  # fmt: skip
        assert entered.status_code == 200, entered.text

        later = reconcile(service, may)  # …and enters an invoice in the signed-off month
        assert later.reopened and later.close.state.value == "reopened"
        assert later.close.reopened_because and later.close.signed_off_by == "UAPPROVE"
        assert [(h.what, h.total) for h in later.reconciliation.hand_entered] == [
            ("sales invoices (ACCREC)", D("300.00"))
        ]
        lock = next(c for c in later.reconciliation.checklist if "lock date" in c.label)
        assert not lock.done and "2026-04-30" in lock.detail
        with store.unit_of_work() as uow:
            actions = [e.action for e in uow.audit.recent(50)]
        assert {"reconcile.signed_off", "reconcile.reopened", "reconcile.sign_off_refused"} <= set(actions)
    finally:
        service.close()
