"""The sandbox's rules for payments and credit-note allocations: only on AUTHORISED documents, never too much."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from sandboxes.xero.emulator import XeroSandbox
from tests.integration.xero.sandbox_calls import Caller, errors, invoice, item


@pytest.fixture
def client_id(sandbox: XeroSandbox) -> str:
    found = sandbox.books.contact_by_name("Northwind Holdings Pty Ltd")
    assert found is not None
    return found.id


@pytest.fixture
def authorised(caller: Caller, client_id: str) -> dict[str, Any]:
    """An AUTHORISED sales invoice of 110.00."""
    (created,) = caller.created("Invoices", {"Invoices": [invoice("INV-1", client_id)]})
    return created


def pay(caller: Caller, invoice_id: str, amount: str, **extra: Any) -> dict[str, Any]:
    body = {
        "Invoice": {"InvoiceID": invoice_id},
        "Account": {"Code": "090"},
        "Date": "2026-07-20",
        "Amount": Decimal(amount),
    }
    (element,) = caller.created("Payments", {"Payments": [{**body, **extra}]})
    return element


def test_part_then_full_payment_marks_the_invoice_paid(caller: Caller, authorised: dict[str, Any]) -> None:
    first = pay(caller, authorised["InvoiceID"], "10.00")
    assert first["Status"] == "AUTHORISED" and first["PaymentType"] == "ACCRECPAYMENT"
    second = pay(caller, authorised["InvoiceID"], "100.00")
    assert errors(second) == []
    (paid,) = caller.get(f"Invoices/{authorised['InvoiceID']}").json(parse_float=Decimal)["Invoices"]
    assert (
        paid["Status"] == "PAID"
        and paid["AmountDue"] == Decimal("0.00")
        and paid["AmountPaid"] == Decimal("110.00")
    )
    assert paid["FullyPaidOnDateString"] == "2026-07-20T00:00:00" and len(paid["Payments"]) == 2


def test_a_payment_larger_than_what_is_outstanding_is_refused(
    caller: Caller, authorised: dict[str, Any]
) -> None:
    refused = pay(caller, authorised["InvoiceID"], "110.01")
    assert refused["HasValidationErrors"] is True
    assert errors(refused) == ["Payment amount exceeds the amount outstanding on this document"]


def test_payments_go_only_to_authorised_documents_and_to_bank_accounts(
    caller: Caller, client_id: str
) -> None:
    (draft,) = caller.created("Invoices", {"Invoices": [invoice("INV-1", client_id, Status="DRAFT")]})
    assert errors(pay(caller, draft["InvoiceID"], "1.00")) == [
        "Payments can only be made against Authorised documents"
    ]
    (live,) = caller.created("Invoices", {"Invoices": [invoice("INV-2", client_id)]})
    to_revenue = pay(caller, live["InvoiceID"], "1.00", Account={"Code": "200"})
    assert errors(to_revenue) == ["Account code '200' is not a valid code for this document."]


def test_deleting_a_payment_reopens_the_invoice_unless_the_payment_is_reconciled(
    caller: Caller, sandbox: XeroSandbox, authorised: dict[str, Any]
) -> None:
    payment = pay(caller, authorised["InvoiceID"], "110.00")
    deleted = caller.post(f"Payments/{payment['PaymentID']}", {"Status": "DELETED"}, summarize=None)
    assert deleted.status_code == 200 and deleted.json()["Payments"][0]["Status"] == "DELETED"
    (reopened,) = caller.get(f"Invoices/{authorised['InvoiceID']}").json()["Invoices"]
    assert reopened["Status"] == "AUTHORISED" and reopened["Payments"] == []
    again = pay(caller, authorised["InvoiceID"], "5.00")
    sandbox.reconcile_payment(again["PaymentID"])
    refused = caller.post(
        f"Payments/{again['PaymentID']}", {"Payments": [{"Status": "DELETED"}]}, summarize=None
    )
    assert refused.status_code == 400
    assert errors(refused.json()["Elements"][0]) == ["This payment has been reconciled and cannot be deleted"]


def test_a_paid_invoice_cannot_be_voided_until_its_payment_is_removed(
    caller: Caller, authorised: dict[str, Any]
) -> None:
    payment = pay(caller, authorised["InvoiceID"], "110.00")
    path = f"Invoices/{authorised['InvoiceID']}"
    refused = caller.post(path, {"Invoices": [{"Status": "VOIDED"}]}, summarize=None)
    assert errors(refused.json()["Elements"][0]) == [
        "This document cannot be edited as it has a payment or credit note allocated to it."
    ]
    caller.post(f"Payments/{payment['PaymentID']}", {"Status": "DELETED"}, summarize=None)
    assert (
        caller.post(path, {"Invoices": [{"Status": "VOIDED"}]}, summarize=None).json()["Invoices"][0][
            "Status"
        ]
        == "VOIDED"
    )


def _credit(caller: Caller, client_id: str, amount: str = "22.00", **extra: Any) -> dict[str, Any]:
    note = {**invoice(None, client_id, item(amount)), "Type": "ACCRECCREDIT", **extra}
    (created,) = caller.created("CreditNotes", {"CreditNotes": [note]})
    return created


def _allocate(caller: Caller, note: dict[str, Any], invoice_id: str, amount: str) -> dict[str, Any]:
    body = {
        "Allocations": [
            {"Invoice": {"InvoiceID": invoice_id}, "Amount": Decimal(amount), "Date": "2026-07-05"}
        ]
    }
    (element,) = caller.created(f"CreditNotes/{note['CreditNoteID']}/Allocations", body)
    return element


def test_a_credit_note_allocation_reduces_what_the_invoice_owes_and_can_be_removed(
    caller: Caller, client_id: str, authorised: dict[str, Any]
) -> None:
    note = _credit(caller, client_id)
    allocation = _allocate(caller, note, authorised["InvoiceID"], "24.20")
    assert allocation["AllocationID"] and allocation["Amount"] == Decimal("24.20")
    (owing,) = caller.get(f"Invoices/{authorised['InvoiceID']}").json(parse_float=Decimal)["Invoices"]
    assert owing["AmountDue"] == Decimal("85.80") and owing["AmountCredited"] == Decimal("24.20")
    (spent,) = caller.get(f"CreditNotes/{note['CreditNoteID']}").json(parse_float=Decimal)["CreditNotes"]
    assert spent["Status"] == "PAID" and spent["RemainingCredit"] == Decimal("0.00")
    voided = caller.post(
        f"CreditNotes/{note['CreditNoteID']}", {"CreditNotes": [{"Status": "VOIDED"}]}, summarize=None
    )
    assert voided.status_code == 400
    removed = caller.http.delete(
        f"/api.xro/2.0/CreditNotes/{note['CreditNoteID']}/Allocations/{allocation['AllocationID']}",
        headers=caller.headers(),
    )
    assert removed.status_code == 200 and removed.json()["IsDeleted"] is True
    (restored,) = caller.get(f"Invoices/{authorised['InvoiceID']}").json(parse_float=Decimal)["Invoices"]
    assert restored["AmountDue"] == Decimal("110.00")


def test_an_allocation_cannot_exceed_the_credit_left_or_what_the_invoice_owes(
    caller: Caller, client_id: str, authorised: dict[str, Any]
) -> None:
    note = _credit(caller, client_id, "200.00")
    over = "Credit Note cannot be allocated as amount is greater than amount outstanding"
    assert errors(_allocate(caller, note, authorised["InvoiceID"], "221.00")) == [over]
    assert errors(_allocate(caller, note, authorised["InvoiceID"], "110.01")) == [over]


def test_an_allocation_to_an_invoice_already_paid_off_is_refused_in_xeros_words(
    caller: Caller, client_id: str, authorised: dict[str, Any]
) -> None:
    note = _credit(caller, client_id, "50.00")
    assert errors(pay(caller, authorised["InvoiceID"], "110.00")) == []
    assert errors(_allocate(caller, note, authorised["InvoiceID"], "10.00")) == [
        "The invoice you are trying to allocate to has already been paid off"
    ]


def test_a_payment_on_a_paid_invoice_draws_two_errors_together(
    caller: Caller, authorised: dict[str, Any]
) -> None:
    assert errors(pay(caller, authorised["InvoiceID"], "110.00")) == []
    assert errors(pay(caller, authorised["InvoiceID"], "5.00")) == [
        "Payments can only be made against Authorised documents",
        "Payment amount exceeds the amount outstanding on this document",
    ]


def test_an_allocation_needs_the_same_contact_and_an_authorised_credit_note(
    caller: Caller, sandbox: XeroSandbox, client_id: str, authorised: dict[str, Any]
) -> None:
    stranger = _credit(caller, sandbox.add_contact("Someone Else"))
    assert errors(_allocate(caller, stranger, authorised["InvoiceID"], "1.00")) == [
        "The ContactID and the TargetTransaction ContactID do not match"
    ]
    draft = _credit(caller, client_id, Status="DRAFT")
    assert errors(_allocate(caller, draft, authorised["InvoiceID"], "1.00")) == [
        "Credit Note not of valid status for modification"
    ]


def test_payments_listed_on_an_invoice_carry_no_reconciliation_while_get_payments_does(
    caller: Caller, authorised: dict[str, Any]
) -> None:
    reconciled = pay(caller, authorised["InvoiceID"], "10.00", IsReconciled=True, Reference="bank feed")
    plain = pay(caller, authorised["InvoiceID"], "5.00")
    (listed,) = caller.get(f"Invoices/{authorised['InvoiceID']}").json(parse_float=Decimal)["Invoices"]
    assert [sorted(p) for p in listed["Payments"]] == [
        sorted(
            ["PaymentID", "Date", "Amount", "Reference", "CurrencyRate", "HasAccount", "HasValidationErrors"]
        ),
        sorted(["PaymentID", "Date", "Amount", "CurrencyRate", "HasAccount", "HasValidationErrors"]),
    ]
    wanted = " OR ".join(f'PaymentID==Guid("{p["PaymentID"]}")' for p in (reconciled, plain))
    found = caller.get("Payments", where=wanted).json()["Payments"]
    assert {p["PaymentID"]: p["IsReconciled"] for p in found} == {
        reconciled["PaymentID"]: True, plain["PaymentID"]: False,
    }  # fmt: skip


def test_a_payment_created_reconciled_cannot_be_deleted_and_leaves_its_invoice_as_it_was(
    caller: Caller, authorised: dict[str, Any]
) -> None:
    payment = pay(caller, authorised["InvoiceID"], "10.00", IsReconciled=True)
    refused = caller.post(f"Payments/{payment['PaymentID']}", {"Status": "DELETED"}, summarize=None)
    assert refused.status_code == 400
    assert errors(refused.json()["Elements"][0]) == ["This payment has been reconciled and cannot be deleted"]
    (after,) = caller.get(f"Invoices/{authorised['InvoiceID']}").json(parse_float=Decimal)["Invoices"]
    assert after["AmountPaid"] == Decimal("10.00") and [p["PaymentID"] for p in after["Payments"]] == [
        payment["PaymentID"]
    ]
