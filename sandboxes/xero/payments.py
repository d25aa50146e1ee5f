"""Payments in the sandbox: applied to AUTHORISED invoices or credit notes, never more than is outstanding.

A payment's account must be a bank account or one with `EnablePaymentsToAccount`. The document becomes PAID when
fully paid. Payments cannot be edited, only deleted, and a reconciled payment cannot be deleted.

Reconciliation, with its sources:
- A payment is created reconciled when its element says `"IsReconciled": true`, as a bank feed or another app
  does (spec `Payment.IsReconciled`: "whether you would like the payment to be created as reconciled when using
  PUT"). Any other value, or none, creates it unreconciled (the sandbox reads only a JSON `true`: its choice).
- Only `GET /Payments` says whether a payment is reconciled; the list embedded in its document does not
  (`render.payment_on_document`, fidelity digest first row).
- Deleting a reconciled payment is refused: in Xero a payment matched to a bank statement line must be
  unreconciled there first. The wording of Xero's refusal is not confirmed (fidelity digest, "Not confirmed either
  way"), so the sandbox chose `messages.RECONCILED_PAYMENT`, answered as a 400 ValidationException on the element
  like Xero's other refused deletions.
"""

from __future__ import annotations

from typing import Any

from sandboxes.xero import history
from sandboxes.xero import messages as msg
from sandboxes.xero.books import Account, Document, Payment, new_id
from sandboxes.xero.documents import settle
from sandboxes.xero.rules import Check, Context, check_lock, number, parse_date, resolve_account


def _payable_to(account: Account) -> bool:
    return account.type == "BANK" or account.enable_payments


def _target(ctx: Context, raw: dict[str, Any]) -> Document | None:
    books = ctx.books
    for key, credit in (("Invoice", False), ("CreditNote", True)):
        ref = raw.get(key)
        if not isinstance(ref, dict):
            continue
        found = books.documents.get(str(ref.get(f"{key}ID") or "").lower())
        number_key = f"{key}Number"
        if found is None and ref.get(number_key):
            found = books.document_by_number(str(ref[number_key]), credit=credit)
        return found if found is not None and found.is_credit == credit else None
    for key, credit in (("InvoiceNumber", False), ("CreditNoteNumber", True)):
        if raw.get(key):
            return books.document_by_number(str(raw[key]), credit=credit)
    return None


def create(ctx: Context, raw: dict[str, Any]) -> tuple[Payment | None, Check]:
    """Validate one payment element and apply it."""
    check = Check()
    document = _target(ctx, raw)
    if document is None:
        names_one = any(raw.get(k) for k in ("Invoice", "CreditNote", "InvoiceNumber", "CreditNoteNumber"))
        check.fail(msg.DOCUMENT_NOT_FOUND if names_one else msg.PAYMENT_TARGET_REQUIRED)
    account_ref = raw.get("Account") if isinstance(raw.get("Account"), dict) else {"Code": raw.get("Code")}
    account = resolve_account(ctx.books, account_ref, check, allow=_payable_to)
    day = parse_date(raw.get("Date"), check, "Date") or ctx.today
    amount = number(raw.get("Amount"))
    if document is not None:
        if document.status == "PAID":  # both errors together, as a production log shows (unconfirmed)
            check.fail(msg.PAYMENT_NOT_AUTHORISED)
            check.fail(msg.PAYMENT_EXCEEDS)
        elif document.status != "AUTHORISED":
            check.fail(msg.PAYMENT_NOT_AUTHORISED)
        elif amount is not None and amount > document.outstanding:
            check.fail(msg.PAYMENT_EXCEEDS)
    if amount is None or amount <= 0:
        check.fail(msg.AMOUNT_POSITIVE)
    check_lock(ctx.books, day, check)
    if check.errors or document is None or account is None or amount is None:
        return None, check
    payment = Payment(
        id=new_id(),
        document=document,
        account=account,
        date=day,
        amount=amount,
        reference=str(raw["Reference"]) if raw.get("Reference") else None,
        is_reconciled=raw.get("IsReconciled") is True,
        updated=ctx.now,
    )
    ctx.books.payments[payment.id] = payment
    document.amount_paid += amount
    document.payment_ids.append(payment.id)
    document.updated = ctx.now
    settle(document, day)
    _recorded(ctx, payment, "Payment Received")
    return payment, check


def _recorded(ctx: Context, payment: Payment, changes: str) -> None:
    details = f"{changes}: {payment.amount:.2f} on {payment.date.isoformat()}."
    history.record(ctx.books, payment.document.id, changes, ctx.now, details)
    history.record(ctx.books, payment.id, changes, ctx.now, details)


def delete(ctx: Context, payment: Payment) -> Check:
    """Delete a payment, putting its amount back on the document."""
    check = Check()
    if payment.status != "AUTHORISED":
        check.fail(msg.not_valid_status("Payment"))
    elif payment.is_reconciled:
        check.fail(msg.RECONCILED_PAYMENT)
    else:
        check_lock(ctx.books, payment.date, check)
    if check.errors:
        return check
    payment.status = "DELETED"
    payment.updated = ctx.now
    payment.document.amount_paid -= payment.amount
    payment.document.updated = ctx.now
    settle(payment.document, payment.date)
    _recorded(ctx, payment, "Payment Deleted")
    return check
