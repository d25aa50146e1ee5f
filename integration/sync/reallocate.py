"""Credit applied again after an unlink: the allocations voiding an invoice removed, re-applied to its corrected copy.

Unlinking an invoice with "void in Xero" takes the credit notes' allocations off it first, and the ledger remembers
each one (`removed_allocations`). Once the corrected invoice is linked (a new Xero copy, not the voided one), each
is applied to it again exactly once, with the same care as any write:

1. The credit note is read first. An allocation of that amount to the new invoice already there (our earlier send
   whose answer was lost, or a person's) settles it as re-applied: nothing is sent twice.
2. Xero must be able to take it: the credit note still AUTHORISED with that much remaining credit, the new invoice
   AUTHORISED and owing at least that much. Otherwise nothing is sent, and an alert
   (`doc.allocation_not_reapplied`) says exactly what to allocate by hand.
3. The row is marked SENDING and committed before the send, under an Idempotency-Key derived from the credit note,
   the new invoice and the amount, so a replayed request is one allocation in Xero.
4. A lost answer (Xero unavailable, outcome unknown) is settled at once by reading the credit note's allocations;
   if the read does not show it either, the row stays SENDING and the error interrupts the run like any outage, and
   the next sync settles it by the same read before sending again.

With nothing waiting this costs no Xero call.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from integration.domain import (
    Link,
    ReallocationState,
    Reapplied,
    RemovedAllocation,
    XeroDocumentState,
)
from integration.errors import Retriable
from integration.ports import XeroGateway
from integration.store import Store
from integration.sync.problems import ProblemBook

CODE = "doc.allocation_not_reapplied"


def reallocation_key(credit_note_id: str, invoice_id: str, amount: Decimal) -> str:
    """The Idempotency-Key of re-applying `amount` of a credit note to an invoice: the same three, the same key."""
    return f"xerobot-realloc-{credit_note_id}-{invoice_id}-{amount:.2f}".lower()


class Reallocator:
    """Re-applies, within one run, the allocations unlinks removed whose invoice has posted again."""

    def __init__(self, store: Store, xero: XeroGateway, problems: ProblemBook, *, actor: str) -> None:
        self._actor = actor
        self._store = store
        self._xero = xero
        self._problems = problems

    def run(self) -> list[Reapplied]:
        """Re-apply (or alert) every removed allocation whose corrected invoice is now linked; what was done."""
        with self._store.unit_of_work() as uow:
            waiting = uow.reallocations.waiting()
            links = uow.links.active_for({w.source for w in waiting}) if waiting else {}
        done: list[Reapplied] = []
        for removed in waiting:
            link = links.get(removed.source)
            # Until the voided copy's own link is history (an unlink still running), there is no corrected copy.
            if link is not None and link.xero_id.lower() != removed.old_invoice_id.lower():
                done.append(self._one(removed, link))
        return done

    def _one(self, removed: RemovedAllocation, link: Link) -> Reapplied:
        note_type = f"{link.xero_type}CREDIT"
        note = self._xero.document_state(note_type, removed.credit_note_id)
        if note is not None and _applied(note, link.xero_id, removed.amount):
            return self._settle(removed, link, None)
        reason = _refusal(removed, note)
        if reason is not None:
            return self._settle(removed, link, reason)
        invoice = self._xero.document_state(link.xero_type, link.xero_id)
        reason = _not_owing(removed, link, invoice)
        if reason is not None:
            return self._settle(removed, link, reason)
        with self._store.unit_of_work() as uow:
            uow.reallocations.sending(removed.allocation_id, link.xero_id, link.xero_number)
            uow.commit()
        body: dict[str, object] = {"Invoice": {"InvoiceID": link.xero_id}, "Amount": removed.amount}
        day = _date(removed, note, invoice)
        if day is not None:
            body["Date"] = day.isoformat()
        key = reallocation_key(removed.credit_note_id, link.xero_id, removed.amount)
        try:
            outcome = self._xero.allocate(removed.credit_note_id, [body], key)
        except Retriable:
            again = self._xero.document_state(note_type, removed.credit_note_id)
            if again is not None and _applied(again, link.xero_id, removed.amount):
                return self._settle(removed, link, None)
            raise
        if outcome.ok:
            return self._settle(removed, link, None)
        said = "; ".join(text for _, text in outcome.errors) or "Xero refused it without a reason"
        return self._settle(removed, link, f"Xero refused the allocation: {said}")

    def _settle(self, removed: RemovedAllocation, link: Link, reason: str | None) -> Reapplied:
        """Record the outcome (and, when it could not be done, the alert that says what to do by hand)."""
        note_number = removed.credit_note_number or f"(Xero id {removed.credit_note_id})"
        invoice_number = link.xero_number or link.source_number
        state = ReallocationState.REAPPLIED if reason is None else ReallocationState.NOT_REAPPLIED
        with self._store.unit_of_work() as uow:
            uow.reallocations.settle(
                removed.allocation_id, state, invoice_id=link.xero_id, invoice_number=invoice_number,
                note=reason,
            )  # fmt: skip
            uow.audit.record(
                self._actor, f"allocation.{state.value}", f"credit_note:{removed.credit_note_id}",
                detail={"credit_note": note_number, "invoice": invoice_number, "amount": str(removed.amount),
                        "reason": reason},
            )  # fmt: skip
            uow.commit()
        if reason is not None:
            amount = f"{removed.amount:,.2f}"
            message = (
                f"The {amount} of credit note {note_number} that was applied to {removed.old_invoice_number} "
                f"before it was unlinked and voided could not be applied again to the corrected invoice "
                f"{invoice_number}: {reason}."
            )
            fix = (
                f"In Xero, allocate {amount} of credit note {note_number} to invoice {invoice_number} by hand "
                "(Allocate credit on the credit note), or refund the credit as the firm decides; then Ignore this "
                "alert saying so: it stays open until someone has dealt with it."
            )
            self._problems.add(CODE, f"reallocation:{removed.allocation_id}", message, fix, removed.source)
        return Reapplied(note_number, invoice_number, removed.amount, reason)


def _applied(note: XeroDocumentState, invoice_id: str, amount: Decimal) -> bool:
    """Whether the credit note already carries an allocation of `amount` to the invoice."""
    return any(
        (a.invoice_id or "").lower() == invoice_id.lower() and a.amount == amount for a in note.allocations
    )


def _refusal(removed: RemovedAllocation, note: XeroDocumentState | None) -> str | None:
    """Why the credit note cannot give the amount again; None when it can."""
    if note is None:
        return "Xero no longer has the credit note"
    if note.status != "AUTHORISED":
        return f"the credit note is {note.status.lower()} in Xero"
    if note.outstanding < removed.amount:
        return f"the credit note has only {note.outstanding:,.2f} left to apply"
    return None


def _not_owing(removed: RemovedAllocation, link: Link, invoice: XeroDocumentState | None) -> str | None:
    """Why the corrected invoice cannot take the amount; None when it can."""
    number = link.xero_number or link.source_number
    if invoice is None:
        return f"Xero does not have invoice {number}"
    if invoice.status != "AUTHORISED":
        return f"invoice {number} is {invoice.status.lower()} in Xero"
    if invoice.outstanding < removed.amount:
        return f"invoice {number} owes only {invoice.outstanding:,.2f}"
    return None


def _date(
    removed: RemovedAllocation, note: XeroDocumentState | None, invoice: XeroDocumentState | None
) -> date | None:
    """The allocation's date: the removed one's, moved on to the corrected invoice's date when that is later
    (an allocation cannot predate what it joins); None leaves it to Xero (today)."""
    days = [d for d in (removed.date, note.date if note else None, invoice.date if invoice else None) if d]
    return max(days) if days else None
