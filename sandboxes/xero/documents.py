"""Invoices and credit notes in the sandbox: creation, status changes, and credit-note allocations.

Status transitions follow what Xero support confirmed: DRAFT → SUBMITTED / AUTHORISED / DELETED,
SUBMITTED → DRAFT / AUTHORISED / DELETED, AUTHORISED → VOIDED; an AUTHORISED document becomes PAID when nothing
is left to pay (or, for a credit note, to allocate) and goes back when a payment or allocation is removed. A
document with payments or allocations cannot be voided until they are removed. Sales numbers (ACCREC,
ACCRECCREDIT) are unique among documents that are not deleted and are generated when missing; bill numbers are
free text.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sandboxes.xero import history
from sandboxes.xero import messages as msg
from sandboxes.xero.books import Account, Allocation, Document, new_id
from sandboxes.xero.rules import (
    Check,
    Context,
    check_currency,
    check_lock,
    line_amount_types,
    number,
    parse_date,
    price_line,
    resolve_contact,
    totals,
)

INVOICE_TYPES = ("ACCREC", "ACCPAY")
CREDIT_TYPES = ("ACCRECCREDIT", "ACCPAYCREDIT")
SALES_TYPES = ("ACCREC", "ACCRECCREDIT")
CREATABLE = ("DRAFT", "SUBMITTED", "AUTHORISED")
TRANSITIONS = {
    "DRAFT": ("SUBMITTED", "AUTHORISED", "DELETED"),
    "SUBMITTED": ("DRAFT", "AUTHORISED", "DELETED"),
    "AUTHORISED": ("VOIDED",),
}


def noun(credit: bool) -> str:
    """How Xero names the document kind in its messages."""
    return "Credit Note" if credit else "Invoice"


def _not_bank(account: Account) -> bool:
    return account.type != "BANK"


def create(ctx: Context, raw: dict[str, Any], *, credit: bool) -> tuple[Document | None, Check]:
    """Validate one element and, when it passes, add the document to the books."""
    check = Check()
    books = ctx.books
    type_ = str(raw.get("Type") or "")
    if not type_:
        check.fail(msg.CREDIT_NOTE_TYPE_REQUIRED if credit else msg.INVOICE_TYPE_REQUIRED)
    elif type_ not in (CREDIT_TYPES if credit else INVOICE_TYPES):
        check.fail(f"{noun(credit)} Type '{type_}' is not valid")
    status = str(raw.get("Status") or "DRAFT").upper()
    if status not in CREATABLE:
        check.fail(msg.not_valid_status(noun(credit)))
    draft = status == "DRAFT"
    contact = resolve_contact(ctx, raw.get("Contact"), check)
    day = parse_date(raw.get("Date"), check, "Date") or ctx.today
    due = parse_date(raw.get("DueDate"), check, "DueDate")
    if not draft:
        check_lock(books, day, check)
    currency = check_currency(books, raw, check)
    amounts = line_amount_types(raw, check)
    lines = [
        price_line(ctx, item, amounts, check, allow=_not_bank, draft=draft)
        for item in raw.get("LineItems") or []
    ]
    if not lines and not draft:
        check.fail(msg.LINE_ITEMS_REQUIRED)
    number_key = "CreditNoteNumber" if credit else "InvoiceNumber"
    doc_number = str(raw.get(number_key) or "") or None
    sales = type_ in SALES_TYPES
    if doc_number and sales and books.document_by_number(doc_number, credit=credit, type_=type_):
        check.fail(msg.CREDIT_NOTE_NUMBER_UNIQUE if credit else msg.INVOICE_NUMBER_UNIQUE)
    if check.errors or contact is None:
        return None, check
    if doc_number is None and sales:
        doc_number = books.next_number("CN" if credit else "INV")
    books.contacts.setdefault(contact.id, contact)
    document = Document(
        id=new_id(),
        is_credit=credit,
        type=type_,
        number=doc_number,
        reference=str(raw["Reference"]) if raw.get("Reference") else None,
        contact=contact,
        date=day,
        due_date=due,
        status=status,
        line_amount_types=amounts,
        lines=lines,
        totals=totals(lines, amounts),
        url=str(raw["Url"]) if raw.get("Url") else None,
        currency=currency,
        updated=ctx.now,
    )
    books.documents[document.id] = document
    settle(document, day)
    history.record(books, document.id, "Created", ctx.now, _summary(document))
    return document, check


def _summary(document: Document) -> str:
    return f"{document.number or document.type} to {document.contact.name} for {document.totals.total:.2f}."


def has_settlements(ctx: Context, document: Document) -> bool:
    """Whether a payment or an allocation is applied to the document."""
    books = ctx.books
    return any(books.payments[p].status == "AUTHORISED" for p in document.payment_ids) or any(
        not books.allocations[a].deleted for a in document.allocation_ids
    )


def change_status(ctx: Context, document: Document, status: str) -> Check:
    """Move a document to `status` if Xero would; the returned check says why not."""
    check = Check()
    status = status.upper()
    if status == document.status:
        return check
    if status == "VOIDED" and document.status in ("AUTHORISED", "PAID") and has_settlements(ctx, document):
        check.fail(msg.DOCUMENT_ALLOCATED)
        return check
    if status not in TRANSITIONS.get(document.status, ()):
        check.fail(msg.not_valid_status(noun(document.is_credit)))
        return check
    if status in ("AUTHORISED", "SUBMITTED", "VOIDED"):
        check_lock(ctx.books, document.date, check)
    if status == "AUTHORISED" and any(line.account is None and line.line_amount for line in document.lines):
        check.fail(msg.ACCOUNT_CODE_REQUIRED)
    if not check.errors:
        document.status = status
        document.updated = ctx.now
        settle(document, ctx.today)
        history.record(ctx.books, document.id, history.STATUS_CHANGES[status], ctx.now, _summary(document))
    return check


def settle(document: Document, day: date) -> None:
    """AUTHORISED ⇄ PAID as the outstanding amount reaches or leaves zero."""
    if document.status == "AUTHORISED" and document.outstanding == 0 and document.totals.total:
        document.status = "PAID"
        document.fully_paid_on = day
    elif document.status == "PAID" and document.outstanding > 0:
        document.status = "AUTHORISED"
        document.fully_paid_on = None


def allocate(ctx: Context, credit_note: Document, raw: dict[str, Any]) -> tuple[Allocation | None, Check]:
    """Apply part of an AUTHORISED credit note to an AUTHORISED invoice of the same contact and ledger."""
    check = Check()
    books = ctx.books
    amount = number(raw.get("Amount"))
    day = parse_date(raw.get("Date"), check, "Date") or ctx.today
    target: dict[str, Any] = raw["Invoice"] if isinstance(raw.get("Invoice"), dict) else {}
    invoice = books.documents.get(str(target.get("InvoiceID") or "").lower()) or (
        books.document_by_number(str(target["InvoiceNumber"]), credit=False)
        if target.get("InvoiceNumber")
        else None
    )
    if credit_note.status != "AUTHORISED":
        check.fail(msg.not_valid_status("Credit Note"))
    if invoice is None or invoice.is_credit:
        check.fail(msg.DOCUMENT_NOT_FOUND)
    elif invoice.status == "PAID":
        check.fail(msg.ALLOCATION_PAID_OFF)  # calcinai/xero-php #251
    elif invoice.status != "AUTHORISED":
        check.fail(msg.not_valid_status("Invoice"))
    elif invoice.type != credit_note.type.removesuffix("CREDIT"):
        check.fail(msg.ALLOCATION_TYPE_MISMATCH)
    elif invoice.contact.id != credit_note.contact.id:
        check.fail(msg.ALLOCATION_CONTACT_MISMATCH)
    if amount is None or amount <= 0:
        check.fail(msg.AMOUNT_POSITIVE)
    elif amount > credit_note.outstanding or (
        invoice is not None and invoice.status != "PAID" and amount > invoice.outstanding
    ):
        check.fail(msg.ALLOCATION_EXCEEDS)  # waynerobinson/xeroizer #320
    check_lock(books, day, check)
    if check.errors or invoice is None or amount is None:
        return None, check
    allocation = Allocation(id=new_id(), credit_note=credit_note, invoice=invoice, amount=amount, date=day)
    books.allocations[allocation.id] = allocation
    for document in (credit_note, invoice):
        document.amount_credited += amount
        document.allocation_ids.append(allocation.id)
        document.updated = ctx.now
        settle(document, day)
        history.record(books, document.id, "Credit Applied", ctx.now, _allocated(allocation))
    return allocation, check


def _allocated(allocation: Allocation) -> str:
    return (
        f"{allocation.amount:.2f} of {allocation.credit_note.number or 'a credit note'} on "
        f"{allocation.invoice.number or 'an invoice'}."
    )


def remove_allocation(ctx: Context, allocation: Allocation) -> Check:
    """Take an allocation back off both documents, unless its date is locked."""
    check = Check()
    if allocation.deleted:
        check.fail(msg.DOCUMENT_NOT_FOUND)
        return check
    check_lock(ctx.books, allocation.date, check)
    if check.errors:
        return check
    allocation.deleted = True
    for document in (allocation.credit_note, allocation.invoice):
        document.amount_credited -= allocation.amount
        document.updated = ctx.now
        settle(document, allocation.date)
        history.record(ctx.books, document.id, "Credit Removed", ctx.now, _allocated(allocation))
    return check
