"""Edits of an existing invoice, bill or credit note: its lines, date, due date, contact and reference.

Each rule with its source:
- The operation is `POST /Invoices/{InvoiceID}` (spec `updateInvoice`, "Updates a specific sales invoices or
  purchase bills") or `POST /CreditNotes/{CreditNoteID}` (`updateCreditNote`), and `POST /Invoices` with the id in
  the element ("Updates or creates one or more…"), carrying the fields to change.
- A DRAFT or SUBMITTED document may be edited ("Allows you to add or update draft or submitted invoices",
  developer.xero.com/documentation/api/invoices), and so may an AUTHORISED one with no payment or allocation
  (issue 12, "Edits": a person or an app edits an approved invoice, bill or credit note that has no payments).
- Once a payment or credit note is applied the edit is refused: "This document cannot be edited as it has a
  payment or credit note allocated to it." (waynerobinson/xeroizer PR #211; `messages.DOCUMENT_ALLOCATED`).
- A VOIDED or DELETED document is refused with "… not of valid status for modification" (Xero-NetStandard #79,
  Xero staff).
- An approved document whose current date or new date is on or before a lock date is refused with Xero's lock-date
  wording (waynerobinson/xeroizer #92; `rules.check_lock`); a draft is not checked, as at creation.
- Lines are priced and totals recomputed with the arithmetic of creation (`rules.price_line`, `rules.totals`).
- The number (`InvoiceNumber`, `CreditNoteNumber`) may be changed too: the spec's `Invoice.InvoiceNumber` is an
  element of `updateInvoice`'s body, and Xero's web app edits it on an approved invoice. A sales number another live
  document already has is refused as at creation ("Invoice # must be unique.", `documents.create`).
Choices of the sandbox (Xero's behaviour is not documented): the lines sent replace the document's lines whole;
a field other than those six is refused with `messages.not_editable` unless it repeats the current value (the
id, `Type`, `Status`, `LineAmountTypes`, `CurrencyCode`, the number); a status change sent with an edit is refused
(send it in its own request); every edit is kept in the document's history as "Edited".
"""

from __future__ import annotations

from typing import Any

from sandboxes.xero import history
from sandboxes.xero import messages as msg
from sandboxes.xero.books import Account, Document
from sandboxes.xero.documents import SALES_TYPES, has_settlements, noun, settle
from sandboxes.xero.rules import (
    Check,
    Context,
    check_lock,
    parse_date,
    price_line,
    resolve_contact,
    totals,
)

EDITABLE = ("LineItems", "Date", "DueDate", "Contact", "Reference")
EDITABLE_STATUSES = ("DRAFT", "SUBMITTED", "AUTHORISED", "PAID")


def is_edit(raw: dict[str, Any], document: Document | None = None) -> bool:
    """Whether an element sent for an existing document changes more than its status."""
    return any(field in raw for field in EDITABLE) or (
        document is not None and _renumbered(document, raw) is not None
    )


def _number_key(document: Document) -> str:
    return "CreditNoteNumber" if document.is_credit else "InvoiceNumber"


def _renumbered(document: Document, raw: dict[str, Any]) -> str | None:
    """The new number `raw` gives the document, or None when it keeps its number."""
    number = str(raw.get(_number_key(document)) or "")
    return number if number and number != (document.number or "") else None


def _current(document: Document) -> dict[str, str]:
    number_key = "CreditNoteNumber" if document.is_credit else "InvoiceNumber"
    return {
        "Type": document.type,
        "Status": document.status,
        "LineAmountTypes": document.line_amount_types,
        "CurrencyCode": document.currency,
        number_key: document.number or "",
    }


def _not_bank(account: Account) -> bool:
    return account.type != "BANK"


def _refusals(ctx: Context, document: Document, raw: dict[str, Any], check: Check) -> None:
    id_field = "CreditNoteID" if document.is_credit else "InvoiceID"
    current = _current(document)
    changed = sorted(
        key
        for key, value in raw.items()
        if key not in EDITABLE
        and key not in (id_field, _number_key(document))
        and str(value or "").upper() != current.get(key, "\0").upper()
    )
    if "Status" in changed:
        check.fail(msg.EDIT_WITH_STATUS)
        changed.remove("Status")
    if changed:
        check.fail(msg.not_editable(changed))
    if document.status not in EDITABLE_STATUSES:
        check.fail(msg.not_valid_status(noun(document.is_credit)))
    elif has_settlements(ctx, document):
        check.fail(msg.DOCUMENT_ALLOCATED)


def edit(ctx: Context, document: Document, raw: dict[str, Any]) -> Check:
    """Change the fields `raw` names, if Xero would; the returned check says why not."""
    check = Check()
    _refusals(ctx, document, raw, check)
    if check.errors:
        return check
    books = ctx.books
    draft = document.status == "DRAFT"
    contact = resolve_contact(ctx, raw.get("Contact"), check) if "Contact" in raw else document.contact
    day = (parse_date(raw.get("Date"), check, "Date") or document.date) if "Date" in raw else document.date
    due = parse_date(raw.get("DueDate"), check, "DueDate") if "DueDate" in raw else document.due_date
    if not draft:
        check_lock(books, document.date, check)
        check_lock(books, day, check)
    lines = document.lines
    if "LineItems" in raw:
        lines = [
            price_line(ctx, item, document.line_amount_types, check, allow=_not_bank, draft=draft)
            for item in raw.get("LineItems") or []
        ]
        if not lines and not draft:
            check.fail(msg.LINE_ITEMS_REQUIRED)
    number = _renumbered(document, raw)
    if number and document.type in SALES_TYPES:
        other = books.document_by_number(number, credit=document.is_credit, type_=document.type)
        if other is not None and other is not document:
            check.fail(msg.CREDIT_NOTE_NUMBER_UNIQUE if document.is_credit else msg.INVOICE_NUMBER_UNIQUE)
    if check.errors or contact is None:
        return check
    changed = [field for field in EDITABLE if field in raw] + ([_number_key(document)] if number else [])
    if number:
        document.number = number
    books.contacts.setdefault(contact.id, contact)
    document.contact, document.date, document.due_date, document.lines = contact, day, due, lines
    if "Reference" in raw:
        document.reference = str(raw["Reference"]) if raw.get("Reference") else None
    document.totals = totals(lines, document.line_amount_types)
    document.updated = ctx.now
    settle(document, ctx.today)
    history.record(books, document.id, "Edited", ctx.now, f"{', '.join(changed)} changed through the API.")
    return check
