"""What unlinking one document takes, worked out from the ledger's link and Xero's live state. Pure.

The order follows the bookkeeping rule (seed article, Xero's void rules): whatever is applied to a document comes off
first, payments then credit-note allocations, and the document last. Two ways to finish:

- **Unlink**: our links become history and Xero is left alone, so the Xero copy remains (and a payment entered in
  Xero by hand, or a credit applied there, stays on it);
- **Unlink and void in Xero**: every payment on the document is deleted and every allocation removed in Xero, each
  with its link, then the document is voided (AUTHORISED or PAID) or deleted (DRAFT, SUBMITTED). Xero cannot delete
  a reconciled payment nor change anything dated inside its lock date, and a voided or deleted copy needs nothing
  more, so in those cases this way is refused with the reason and only the first is offered.

A payment number unlinks that payment alone: its link, and in the second way its deletion in Xero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from integration.domain import (
    PAYMENT_KINDS,
    AppliedPayment,
    Link,
    UnlinkPlan,
    UnlinkStep,
    XeroAllocationState,
    XeroChange,
    XeroDocumentState,
)

SALES_TYPES = frozenset({"ACCREC", "ACCRECCREDIT"})  # Xero keeps these numbers unique, voided ones included
DELETABLE = frozenset({"DRAFT", "SUBMITTED"})


@dataclass(frozen=True, slots=True)
class Facts:
    """What the planner reads: the live document (None when Xero no longer has it), the active links of its
    payments by Xero id (lower case), and the organisation's short code and lock date."""

    xero: XeroDocumentState | None
    payment_links: Mapping[str, Link]
    short_code: str | None = None
    lock_date: date | None = None


def money(amount: object) -> str:
    return f"{amount:,.2f}"


def status_change(status: str) -> XeroChange:
    """How Xero takes a document out of the books from `status`: drafts are deleted, approved ones voided."""
    return XeroChange.DELETE if status in DELETABLE else XeroChange.VOID


def build(link: Link, facts: Facts) -> UnlinkPlan:
    """The plan for unlinking `link`'s document (or payment) as things stand now."""
    xero = facts.xero
    if link.source.kind in PAYMENT_KINDS:
        return _payment_plan(link, facts)
    payments = tuple(
        AppliedPayment(p, facts.payment_links.get(p.xero_id.lower())) for p in (xero.payments if xero else ())
    )
    allocations = xero.allocations if xero else ()
    name = f"{link.source.kind.label} {link.source_number}"
    unlink = [
        UnlinkStep(
            f"payment:{p.xero.xero_id}",
            f"Unlink payment {p.label} ({money(p.xero.amount)})",
            unlink=p.link.source,
        )
        for p in payments
        if p.link is not None
    ]
    unlink.append(UnlinkStep(f"document:{link.xero_id}", f"Unlink {name}", unlink=link.source))
    void = [_payment_step(p) for p in payments] + [_allocation_step(a) for a in allocations]
    change = status_change(xero.status) if xero else XeroChange.VOID
    verb = "Delete" if change is XeroChange.DELETE else "Void"
    void.append(
        UnlinkStep(
            f"document:{link.xero_id}",
            f"{verb} {name} in Xero and unlink it",
            change,
            link.xero_id,
            unlink=link.source,
        )
    )
    return _with_effects(
        UnlinkPlan(
            number=link.source_number,
            link=link,
            xero=xero,
            payments=payments,
            allocations=allocations,
            unlink_steps=tuple(unlink),
            void_steps=tuple(void),
            void_refused=_void_refused(link, facts, payments, allocations),
            short_code=facts.short_code,
        )
    )


def _payment_plan(link: Link, facts: Facts) -> UnlinkPlan:
    xero = facts.xero
    amount = money(xero.total if xero else link.total)
    step_key = f"document:{link.xero_id}"
    return _with_effects(
        UnlinkPlan(
            number=link.source_number,
            link=link,
            xero=xero,
            unlink_steps=(
                UnlinkStep(step_key, f"Unlink payment {link.source_number} ({amount})", unlink=link.source),
            ),
            void_steps=(
                UnlinkStep(
                    step_key,
                    f"Delete payment {link.source_number} ({amount}) in Xero and unlink it",
                    XeroChange.DELETE_PAYMENT,
                    link.xero_id,
                    unlink=link.source,
                ),
            ),
            void_refused=_void_refused(link, facts, (), ()),
            short_code=facts.short_code,
        )
    )


def _with_effects(plan: UnlinkPlan) -> UnlinkPlan:
    return replace(plan, unlink_effect=effect(plan, False), void_effect=effect(plan, True))


def _payment_step(payment: AppliedPayment) -> UnlinkStep:
    amount = money(payment.xero.amount)
    if payment.link is None:
        text = (
            f"Delete payment {payment.label} ({amount}) in Xero (entered in Xero, not posted from Actionstep)"
        )
    else:
        text = f"Delete payment {payment.label} ({amount}) in Xero and unlink it"
    source = payment.link.source if payment.link else None
    return UnlinkStep(f"payment:{payment.xero.xero_id}", text, XeroChange.DELETE_PAYMENT, payment.xero.xero_id,
                      unlink=source)  # fmt: skip


def _allocation_step(allocation: XeroAllocationState) -> UnlinkStep:
    note = allocation.credit_note_number or "a credit note"
    target = f" to {allocation.invoice_number}" if allocation.invoice_number else ""
    return UnlinkStep(
        f"allocation:{allocation.allocation_id}",
        f"Remove the {money(allocation.amount)} of credit note {note} applied{target}, in Xero",
        XeroChange.REMOVE_ALLOCATION,
        allocation.allocation_id,
        parent_id=allocation.credit_note_id,
    )


def _void_refused(
    link: Link,
    facts: Facts,
    payments: tuple[AppliedPayment, ...],
    allocations: tuple[XeroAllocationState, ...],
) -> str | None:
    """Why Xero would refuse the void path, in a bookkeeper's words; None when it would not."""
    xero, number = facts.xero, link.source_number
    if xero is None:
        return (
            f"Xero no longer has {number}, so there is nothing to void; Unlink turns the link into history."
        )
    if not xero.live:
        return f"{number} is already {xero.status.lower()} in Xero; Unlink turns the link into history."
    if xero.reconciled:
        return (f"Payment {number} is reconciled in Xero, and Xero cannot delete a reconciled payment. "
                "Unreconcile it in Xero first, or choose Unlink (the Xero payment stays).")  # fmt: skip
    reconciled = [p.label for p in payments if p.xero.reconciled]
    if reconciled:
        return (f"Payment {', '.join(reconciled)} is reconciled in Xero, and Xero cannot delete a reconciled "
                f"payment, so {number} cannot be voided. Unreconcile it in Xero first, or choose Unlink "
                "(the Xero copy stays).")  # fmt: skip
    lock = facts.lock_date
    dates = [xero.date, *(p.xero.date for p in payments), *(a.date for a in allocations)]
    if lock is not None and any(day is not None and day <= lock for day in dates):
        return (f"{number} or something applied to it is dated on or before Xero's lock date "
                f"({lock:%d %b %Y}), and Xero will not change it. Ask the Xero adviser to move the lock date, "
                "or choose Unlink (the Xero copy stays).")  # fmt: skip
    return None


def effect(plan: UnlinkPlan, void_in_xero: bool) -> str:
    """What confirming one way leaves behind, in plain words: above all whether the Xero copy remains."""
    number, kind, xero = plan.number, plan.kind, plan.xero
    after = f"Then {number} can be corrected in Actionstep; the next sync posts it again only once it has changed there."
    if kind in PAYMENT_KINDS:
        if void_in_xero:
            return "The payment is deleted in Xero (what it paid is owed again there) and its link becomes history."
        return (f"The link becomes history and Xero is not changed: the payment stays in Xero. Delete it there, or "
                f"it is counted twice once it is corrected and approved again. {after}")  # fmt: skip
    if not void_in_xero:
        if xero is None or not xero.live:
            return f"The links become history; Xero no longer counts the {kind.label}. {after}"
        return (f"The links become history and Xero is not changed: the Xero copy of {number} stays. Void or delete "
                f"it in Xero, or it will be in Xero twice once it is approved again. {after}")  # fmt: skip
    if xero is not None and status_change(xero.status) is XeroChange.DELETE:
        return f"Whatever is applied comes off, then {number} is deleted in Xero (its number is free again). {after}"
    keeps = ""
    if xero is not None and xero.xero_type in SALES_TYPES:
        keeps = (f" Xero keeps a voided {kind.label}'s number, so give the corrected one a new number in "
                 "Actionstep before approving it again.")  # fmt: skip
    return (f"Whatever is applied comes off, then {number} is voided in Xero: it stays there marked VOIDED and "
            f"counts for nothing.{keeps} {after}")  # fmt: skip
