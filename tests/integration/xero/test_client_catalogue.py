"""Each Xero validation problem the catalogue knows, provoked in the sandbox and read back with its stable code."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from integration.errors import CATALOGUE
from integration.xero import ElementResult, XeroClient
from sandboxes.xero.emulator import XeroSandbox
from tests.integration.xero import builders as build

CODELESS_ACCOUNT = "a0000000-0000-4000-8000-0000000000e1"

Provoke = Callable[[XeroClient, XeroSandbox, str], ElementResult]


def _invoice(xero: XeroClient, contact: str, number: str = "AS-1", **extra: object) -> ElementResult:
    return xero.create("Invoices", [build.sales_invoice(number, contact, **extra)], f"inv-{number}")[0]


def _paid(xero: XeroClient, contact: str, **payment: object) -> tuple[str, ElementResult]:
    invoice = _invoice(xero, contact)
    assert invoice.xero_id
    return invoice.xero_id, xero.create(
        "Payments", [build.payment(invoice.xero_id, "110.00", **payment)], "pay"
    )[0]


def archived_account(xero: XeroClient, sandbox: XeroSandbox, contact: str) -> ElementResult:
    return _invoice(xero, contact, LineItems=[build.line(account="461", tax="INPUT")])


def account_without_code(xero: XeroClient, sandbox: XeroSandbox, contact: str) -> ElementResult:
    line = {
        "Description": "Lunch",
        "Quantity": Decimal(1),
        "UnitAmount": Decimal("80.00"),
        "AccountID": CODELESS_ACCOUNT,
    }
    return xero.create("Invoices", [build.bill("SUP-1", contact, LineItems=[line])], "bill")[0]


def tax_type_not_for_account(xero: XeroClient, sandbox: XeroSandbox, contact: str) -> ElementResult:
    return _invoice(xero, contact, LineItems=[build.line(account="420", tax="OUTPUT")])


def inside_lock_date(xero: XeroClient, sandbox: XeroSandbox, contact: str) -> ElementResult:
    return _invoice(xero, contact, Date="2026-06-30")


def payment_on_a_draft(xero: XeroClient, sandbox: XeroSandbox, contact: str) -> ElementResult:
    draft = _invoice(xero, contact, Status="DRAFT")
    assert draft.xero_id
    return xero.create("Payments", [build.payment(draft.xero_id, "10.00")], "pay")[0]


def archived_contact(xero: XeroClient, sandbox: XeroSandbox, contact: str) -> ElementResult:
    return _invoice(xero, sandbox.add_contact("Former Client Pty Ltd", archived=True))


def duplicate_number(xero: XeroClient, sandbox: XeroSandbox, contact: str) -> ElementResult:
    assert _invoice(xero, contact).ok
    return xero.create("Invoices", [build.sales_invoice("AS-1", contact)], "again")[0]


def overpayment(xero: XeroClient, sandbox: XeroSandbox, contact: str) -> ElementResult:
    invoice = _invoice(xero, contact)
    assert invoice.xero_id
    return xero.create("Payments", [build.payment(invoice.xero_id, "110.01")], "pay")[0]


def unbalanced_journal(xero: XeroClient, sandbox: XeroSandbox, contact: str) -> ElementResult:
    return xero.create("ManualJournals", [build.journal("Trust", "100.00", "-10.00")], "mj")[0]


def void_with_payment(xero: XeroClient, sandbox: XeroSandbox, contact: str) -> ElementResult:
    invoice_id, payment = _paid(xero, contact)
    assert payment.ok
    return xero.set_status("invoice", invoice_id, "VOIDED", "void")


def delete_reconciled_payment(xero: XeroClient, sandbox: XeroSandbox, contact: str) -> ElementResult:
    _, payment = _paid(xero, contact, IsReconciled=True)
    assert payment.xero_id
    return xero.delete_payment(payment.xero_id, "unpay")


def void_a_draft(xero: XeroClient, sandbox: XeroSandbox, contact: str) -> ElementResult:
    draft = _invoice(xero, contact, Status="DRAFT")
    assert draft.xero_id
    return xero.set_status("invoice", draft.xero_id, "VOIDED", "void")


def payment_on_a_paid_invoice(xero: XeroClient, sandbox: XeroSandbox, contact: str) -> ElementResult:
    invoice_id, payment = _paid(xero, contact)
    assert payment.ok
    return xero.create("Payments", [build.payment(invoice_id, "5.00")], "pay-again")[0]


def _credit(xero: XeroClient, contact: str, amount: str = "50.00") -> str:
    note = xero.create("CreditNotes", [build.credit_note("CN-1", contact, amount)], "cn")[0]
    assert note.xero_id
    return note.xero_id


def allocation_over_the_credit(xero: XeroClient, sandbox: XeroSandbox, contact: str) -> ElementResult:
    invoice = _invoice(xero, contact)
    return xero.allocate_credit_note(
        _credit(xero, contact),
        [{"Invoice": {"InvoiceID": invoice.xero_id}, "Amount": Decimal("56.00"), "Date": "2026-07-20"}],
        "al",
    )[0]


def allocation_to_a_paid_invoice(xero: XeroClient, sandbox: XeroSandbox, contact: str) -> ElementResult:
    invoice_id, payment = _paid(xero, contact)
    assert payment.ok
    return xero.allocate_credit_note(
        _credit(xero, contact),
        [{"Invoice": {"InvoiceID": invoice_id}, "Amount": Decimal("5.00"), "Date": "2026-07-20"}],
        "al",
    )[0]


def line_total_mismatch(xero: XeroClient, sandbox: XeroSandbox, contact: str) -> ElementResult:
    return _invoice(xero, contact, LineItems=[build.line(LineAmount=Decimal("99.99"))])


def bank_transaction_tax_override(xero: XeroClient, sandbox: XeroSandbox, contact: str) -> ElementResult:
    spend = build.trust_receipt(
        "Filing fee",
        contact,
        Type="SPEND",
        LineAmountTypes="Exclusive",
        LineItems=[build.line("261.40", account="420", tax="INPUT", TaxAmount=Decimal("26.09"))],
    )
    return xero.create("BankTransactions", [spend], "spend")[0]


def contact_not_identified(xero: XeroClient, sandbox: XeroSandbox, contact: str) -> ElementResult:
    return _invoice(xero, contact, Contact={})


CASES: dict[str, tuple[Provoke, str]] = {
    "xero.account_invalid": (archived_account, "Account code '461' is not a valid code for this document."),
    "xero.account_no_code": (account_without_code, "Account code must be specified"),
    "xero.tax_type_invalid": (
        tax_type_not_for_account,
        "The TaxType code 'OUTPUT' cannot be used with account code '420'.",
    ),
    "xero.lock_date": (inside_lock_date, "The document date cannot be before the period lock date"),
    "xero.invalid_status": (void_a_draft, "Invoice not of valid status for modification"),
    "xero.payment_not_authorised": (
        payment_on_a_draft,
        "Payments can only be made against Authorised documents",
    ),
    "xero.document_paid": (
        payment_on_a_paid_invoice,
        "Payments can only be made against Authorised documents",
    ),
    "xero.allocation_exceeds_outstanding": (
        allocation_over_the_credit,
        "Credit Note cannot be allocated as amount is greater than amount outstanding",
    ),
    "xero.allocation_paid_off": (
        allocation_to_a_paid_invoice,
        "The invoice you are trying to allocate to has already been paid off",
    ),
    "xero.line_total_mismatch": (
        line_total_mismatch,
        "The line total 99.99 does not match the expected line total 100.00",
    ),
    "xero.tax_amount_incorrect": (
        bank_transaction_tax_override,
        "Tax amount 26.09 is incorrect for INPUT tax type, should be 26.14",
    ),
    "xero.contact_archived": (
        archived_contact,
        "The contact with the specified contact details has been archived.",
    ),
    "xero.duplicate_number": (duplicate_number, "Invoice # must be unique."),
    "xero.payment_exceeds_outstanding": (
        overpayment,
        "Payment amount exceeds the amount outstanding on this document",
    ),
    "xero.journal_unbalanced": (
        unbalanced_journal,
        "The total debits (100.00) must equal total credits (-10.00)",
    ),
    "xero.document_allocated": (void_with_payment, "has a payment or credit note allocated to it"),
    "xero.reconciled_payment": (delete_reconciled_payment, "reconciled and cannot be deleted"),
    "xero.unknown": (contact_not_identified, "The Contact must contain at least 1 of the following elements"),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_xeros_refusal_reaches_the_caller_with_its_catalogue_code_and_its_own_words(
    code: str, xero: XeroClient, sandbox: XeroSandbox, northwind: str
) -> None:
    provoke, words = CASES[code]
    result = provoke(xero, sandbox, northwind)
    assert not result.ok and result.xero_id is None
    assert result.codes[0] == code
    assert result.codes[1:] == (("xero.payment_exceeds_outstanding",) if code == "xero.document_paid" else ())
    assert words in result.errors[0][1]


def test_every_xero_code_in_the_catalogue_is_provoked_by_a_case_above() -> None:
    assert {code for code in CATALOGUE if code.startswith("xero.")} == set(CASES)
