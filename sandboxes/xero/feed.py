"""Bank statement lines waiting in the sandbox's bank feed, matched in Xero before the bot pays the same invoice.

A line names an invoice by number, with the amount, date and bank account of a payment (Xero's Payment element
shape). It waits until an AUTHORISED invoice of that number exists (the demo's invoices arrive through the bot's
first sync; lines are matched before each request is answered, so never inside the answer to the invoice's own
write), then becomes a payment created reconciled (`"IsReconciled": true`), as when a bookkeeper matches the
statement line to the invoice in Xero's bank reconciliation: no bot involvement, and it cannot be deleted after.
"""

from __future__ import annotations

from typing import Any

from sandboxes.xero import payments
from sandboxes.xero.books import Document, Payment
from sandboxes.xero.rules import Context


def match_all(ctx: Context) -> list[Payment]:
    """Reconcile every waiting line whose invoice now exists; the payments made."""
    numbers = {str(w.get("InvoiceNumber")) for w in ctx.books.bank_feed}
    made = []
    for number in sorted(numbers):
        document = ctx.books.document_by_number(number, credit=False)
        if document is not None:
            made += match_waiting(ctx, document)
    return made


def match_waiting(ctx: Context, document: Document) -> list[Payment]:
    """Reconcile the waiting statement lines that name `document`; the payments made (a line that fails waits on)."""
    if document.is_credit or document.status != "AUTHORISED" or not document.number:
        return []
    made = []
    for line in [w for w in ctx.books.bank_feed if w.get("InvoiceNumber") == document.number]:
        payment, check = payments.create(ctx, {**_payment(line, document), "IsReconciled": True})
        if payment is not None and not check.errors:
            ctx.books.bank_feed.remove(line)
            made.append(payment)
    return made


def _payment(line: dict[str, Any], document: Document) -> dict[str, Any]:
    return {
        "Invoice": {"InvoiceID": document.id},
        **{k: v for k, v in line.items() if k != "InvoiceNumber"},
    }
