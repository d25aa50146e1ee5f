"""`record`: one record of a Xero list (drift's polls, reconciliation's period reads) in our terms, a `XeroRecord`.

It only reshapes the wire models of `integration.xero.schemas`: the amounts, status and dates drift compares with
what the bot posted, and what reconciliation matches on besides (Xero's type, the reference, the bank accounts
money moved through).
"""

from __future__ import annotations

from typing import Any

from integration.domain import AllocationSummary, LineSummary, XeroPayment, XeroRecord
from integration.rules.posting import LINE_WORDS
from integration.xero import schemas as xero

# What a summary leaves out: the parts reconciliation never reads, and the dearest to validate.
DETAIL = frozenset({"LineItems", "Payments", "Allocations", "CreditNotes", "Prepayments", "Overpayments"})


def record(endpoint: str, item: dict[str, Any], *, summary: bool = False) -> XeroRecord:
    """`item`, a record of `endpoint` as Xero answered it, in our terms. `number` is an invoice's or credit note's
    number, and the reference of a payment, bank transaction or transfer. A `summary` leaves out the lines,
    payments and allocations (`lines` and `allocations` None: not compared), for reconciliation's listings."""
    if summary:
        item = {key: value for key, value in item.items() if key not in DETAIL}
    if endpoint == "Invoices" or endpoint == "CreditNotes":
        doc: xero.Invoice | xero.CreditNote = (
            xero.Invoice.model_validate(item)
            if endpoint == "Invoices"
            else xero.CreditNote.model_validate(item)
        )
        due = doc.amount_due if isinstance(doc, xero.Invoice) else doc.remaining_credit
        return XeroRecord(
            endpoint, doc.id, doc.status, doc.updated_date_utc, doc.number, doc.total, doc.total_tax, doc.date,
            doc.contact_id, tuple(XeroPayment(p.payment_id, p.amount) for p in doc.payments), amount_due=due,
            lines=_lines(doc), allocations=_allocations(doc) if isinstance(doc, xero.CreditNote) else None,
            xero_type=doc.type, reference=doc.reference,
        )  # fmt: skip
    if endpoint == "Payments":
        payment = xero.Payment.model_validate(item)
        return XeroRecord(
            endpoint, payment.id, payment.status, payment.updated_date_utc, payment.reference, payment.amount,
            date=payment.date, settles=payment.document_id, xero_type=payment.payment_type or "PAYMENT",
            reference=payment.reference, account_code=payment.account.code if payment.account else None,
        )  # fmt: skip
    if endpoint == "BankTransactions":
        entry = xero.BankTransaction.model_validate(item)
        return XeroRecord(
            endpoint, entry.id, entry.status, entry.updated_date_utc, entry.reference, entry.total, entry.total_tax,
            entry.date, entry.contact_id, xero_type=entry.type, reference=entry.reference,
            account_code=entry.bank_account.code if entry.bank_account else None,
        )  # fmt: skip
    if endpoint == "BankTransfers":
        transfer = xero.BankTransfer.model_validate(item)
        source, target = transfer.from_bank_account, transfer.to_bank_account
        return XeroRecord(
            endpoint, transfer.id, transfer.status, transfer.created_date_utc, transfer.reference, transfer.amount,
            date=transfer.date, xero_type="TRANSFER", reference=transfer.reference,
            account_code=source.code if source else None, to_account_code=target.code if target else None,
        )  # fmt: skip
    contact = xero.Contact.model_validate(item)
    return XeroRecord(
        endpoint, contact.contact_id, contact.contact_status, contact.updated_date_utc,
        merged_to=contact.merged_to_contact_id or None,
    )  # fmt: skip


def _lines(doc: xero.Invoice | xero.CreditNote) -> tuple[LineSummary, ...] | None:
    """The document's lines; None when the answer carried none (an approved document always has one)."""
    if not doc.line_items:
        return None
    return tuple(
        LineSummary(
            x.account_code or "",
            x.tax_type or "",
            x.line_amount,
            x.tax_amount,
            (x.description or "")[:LINE_WORDS],
        )
        for x in doc.line_items
    )


def _allocations(note: xero.CreditNote) -> tuple[AllocationSummary, ...]:
    found = []
    for line in note.allocations:
        invoice = line.invoice or {}
        number = invoice.get("InvoiceNumber")
        found.append(
            AllocationSummary(
                str(invoice.get("InvoiceID") or ""), line.amount, str(number) if number else None
            )
        )
    return tuple(found)
