"""Editing a posted invoice, bill or credit note in Xero, as a person or another app does (`sandboxes/xero/edits.py`):
allowed on an approved document with no payment or allocation, refused once one is applied or inside the lock
date; totals recompute."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from sandboxes.xero.emulator import XeroSandbox
from tests.integration.xero.sandbox_calls import Caller, errors, invoice, item
from tests.support.xero_people import edit_in_xero

ALLOCATED = "This document cannot be edited as it has a payment or credit note allocated to it."


@pytest.fixture
def posted(caller: Caller, northwind: str) -> dict[str, Any]:
    (created,) = caller.created("Invoices", {"Invoices": [invoice("INV-P", northwind, Reference="M-1")]})
    return created


def current(caller: Caller, invoice_id: str) -> dict[str, Any]:
    response = caller.get(f"Invoices/{invoice_id}")
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()["Invoices"][0]
    return found


def refusal(response: Any) -> list[str]:
    assert response.status_code == 400, response.text
    return errors(response.json()["Elements"][0])


def test_an_approved_invoice_without_payments_takes_new_lines_and_its_totals_recompute(
    sandbox: XeroSandbox, caller: Caller, posted: dict[str, Any]
) -> None:
    response = edit_in_xero(
        sandbox, posted["InvoiceID"], LineItems=[item("200.00"), item("50.00", Description="Disbursement")]
    )
    assert response.status_code == 200, response.text
    now = current(caller, posted["InvoiceID"])
    assert (now["SubTotal"], now["TotalTax"], now["Total"], now["AmountDue"]) == (250, 25, 275, 275)
    assert [line["LineAmount"] for line in now["LineItems"]] == [200, 50]
    assert now["Status"] == "AUTHORISED"


def test_date_due_date_contact_and_reference_can_be_changed(
    sandbox: XeroSandbox, caller: Caller, posted: dict[str, Any]
) -> None:
    other = sandbox.add_contact("Contoso Legal")
    response = edit_in_xero(
        sandbox,
        posted["InvoiceID"],
        Date="2026-07-05",
        DueDate="2026-08-05",
        Contact={"ContactID": other},
        Reference="M-2",
    )
    assert response.status_code == 200, response.text
    now = current(caller, posted["InvoiceID"])
    assert (now["DateString"], now["DueDateString"]) == ("2026-07-05T00:00:00", "2026-08-05T00:00:00")
    assert (now["Contact"]["ContactID"], now["Reference"]) == (other, "M-2")
    assert now["InvoiceNumber"] == "INV-P"


def test_a_bill_and_a_credit_note_can_be_edited_too(
    sandbox: XeroSandbox, caller: Caller, northwind: str
) -> None:
    supplier = sandbox.add_contact("Sydney Legal Couriers")
    bill = invoice("B-7", supplier, item(account="420", tax="INPUT"), Type="ACCPAY")
    note = {**invoice(None, northwind, item("40.00")), "Type": "ACCRECCREDIT"}
    (created_bill,) = caller.created("Invoices", {"Invoices": [bill]})
    (created_note,) = caller.created("CreditNotes", {"CreditNotes": [note]})
    assert edit_in_xero(sandbox, created_bill["InvoiceID"], DueDate="2026-09-30").status_code == 200
    assert edit_in_xero(sandbox, created_note["CreditNoteID"], LineItems=[item("60.00")]).status_code == 200
    (now,) = caller.get(f"CreditNotes/{created_note['CreditNoteID']}").json()["CreditNotes"]
    assert (now["Total"], now["RemainingCredit"]) == (66, 66)


def test_an_edit_is_refused_once_a_payment_is_applied(
    sandbox: XeroSandbox, caller: Caller, posted: dict[str, Any]
) -> None:
    payment = {"Invoice": {"InvoiceID": posted["InvoiceID"]}, "Account": {"Code": "090"}, "Amount": 10}
    caller.created("Payments", {"Payments": [payment]})
    assert refusal(edit_in_xero(sandbox, posted["InvoiceID"], Reference="M-9")) == [ALLOCATED]
    assert current(caller, posted["InvoiceID"])["Reference"] == "M-1"


def test_an_edit_is_refused_once_a_credit_note_is_allocated_to_either_side(
    sandbox: XeroSandbox, caller: Caller, posted: dict[str, Any], northwind: str
) -> None:
    (note,) = caller.created(
        "CreditNotes", {"CreditNotes": [{**invoice(None, northwind, item("20.00")), "Type": "ACCRECCREDIT"}]}
    )
    allocation = {"Invoice": {"InvoiceID": posted["InvoiceID"]}, "Amount": 5, "Date": "2026-07-02"}
    caller.created(f"CreditNotes/{note['CreditNoteID']}/Allocations", {"Allocations": [allocation]})
    assert refusal(edit_in_xero(sandbox, posted["InvoiceID"], LineItems=[item("1.00")])) == [ALLOCATED]
    assert refusal(edit_in_xero(sandbox, note["CreditNoteID"], Reference="x")) == [ALLOCATED]


def test_a_fully_paid_invoice_cannot_be_edited(
    sandbox: XeroSandbox, caller: Caller, posted: dict[str, Any]
) -> None:
    payment = {"Invoice": {"InvoiceID": posted["InvoiceID"]}, "Account": {"Code": "090"}, "Amount": 110}
    caller.created("Payments", {"Payments": [payment]})
    assert refusal(edit_in_xero(sandbox, posted["InvoiceID"], Reference="x")) == [ALLOCATED]


def test_a_voided_invoice_cannot_be_edited(
    sandbox: XeroSandbox, caller: Caller, posted: dict[str, Any]
) -> None:
    caller.post(f"Invoices/{posted['InvoiceID']}", {"Invoices": [{"Status": "VOIDED"}]})
    assert refusal(edit_in_xero(sandbox, posted["InvoiceID"], Reference="x")) == [
        "Invoice not of valid status for modification"
    ]


@pytest.mark.parametrize(
    ("new_date", "lock"), [("2026-07-10", date(2026, 7, 1)), ("2026-06-01", date(2026, 6, 15))]
)
def test_an_edit_is_refused_when_the_old_or_the_new_date_is_inside_the_lock_date(
    sandbox: XeroSandbox, caller: Caller, posted: dict[str, Any], new_date: str, lock: date
) -> None:
    sandbox.set_lock_dates(period=lock)
    (message,) = refusal(edit_in_xero(sandbox, posted["InvoiceID"], Date=new_date))
    assert message.startswith("The document date cannot be before the period lock date")
    assert current(caller, posted["InvoiceID"])["DateString"] == "2026-07-01T00:00:00"


def test_new_lines_are_checked_as_at_creation(sandbox: XeroSandbox, posted: dict[str, Any]) -> None:
    assert refusal(edit_in_xero(sandbox, posted["InvoiceID"], LineItems=[item(account="999")])) == [
        "Account code '999' is not a valid code for this document."
    ]


def test_a_field_the_sandbox_does_not_edit_or_a_status_change_with_an_edit_is_refused(
    sandbox: XeroSandbox, posted: dict[str, Any]
) -> None:
    assert refusal(edit_in_xero(sandbox, posted["InvoiceID"], Reference="x", Url="https://elsewhere")) == [
        "The sandbox does not edit Url of an existing document"
    ]
    assert refusal(edit_in_xero(sandbox, posted["InvoiceID"], Reference="x", Status="VOIDED")) == [
        "The sandbox changes a document's Status in a request of its own, not with an edit"
    ]


def test_repeating_the_current_type_status_and_number_is_not_a_change(
    sandbox: XeroSandbox, posted: dict[str, Any]
) -> None:
    response = edit_in_xero(
        sandbox,
        posted["InvoiceID"],
        Type="ACCREC",
        Status="AUTHORISED",
        InvoiceNumber="INV-P",
        Reference="M-3",
    )
    assert response.status_code == 200, response.text


def test_an_edit_in_a_batch_post_names_the_document_by_its_id(caller: Caller, posted: dict[str, Any]) -> None:
    response = caller.post("Invoices", {"Invoices": [{"InvoiceID": posted["InvoiceID"], "Reference": "M-4"}]})
    assert response.status_code == 200, response.text
    assert current(caller, posted["InvoiceID"])["Reference"] == "M-4"


def test_an_approved_invoice_can_be_renumbered_but_not_to_another_live_invoices_number(
    sandbox: XeroSandbox, caller: Caller, posted: dict[str, Any], northwind: str
) -> None:
    caller.created("Invoices", {"Invoices": [invoice("INV-TAKEN", northwind)]})

    assert refusal(edit_in_xero(sandbox, posted["InvoiceID"], InvoiceNumber="INV-TAKEN")) == [
        "Invoice # must be unique."
    ]
    renumbered = edit_in_xero(sandbox, posted["InvoiceID"], InvoiceNumber="INV-NEW")

    assert renumbered.status_code == 200, renumbered.text
    assert current(caller, posted["InvoiceID"])["InvoiceNumber"] == "INV-NEW"
