"""Unlinking: a posted document's live state in Xero, the plan to unlink it, and the request that carries it out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from integration.domain.documents import DocumentKind, SourceRef
from integration.domain.ledger import Link

# The kinds an unlink starts from: a document (with whatever is applied to it), or one payment on its own.
UNLINKABLE_KINDS = frozenset(
    {
        DocumentKind.SALES_INVOICE,
        DocumentKind.SUPPLIER_INVOICE,
        DocumentKind.CREDIT_NOTE,
        DocumentKind.PAYMENT_RECEIVED,
        DocumentKind.SUPPLIER_PAYMENT,
    }
)

# Payments stand on their own in an unlink: removing one leaves the document it settled.
PAYMENT_KINDS = frozenset({DocumentKind.PAYMENT_RECEIVED, DocumentKind.SUPPLIER_PAYMENT})


@dataclass(frozen=True, slots=True)
class XeroPaymentState:
    """A payment as Xero holds it now. A reconciled payment cannot be deleted."""

    xero_id: str
    amount: Decimal
    date: date | None
    reference: str | None
    reconciled: bool = False


@dataclass(frozen=True, slots=True)
class XeroAllocationState:
    """Part of a credit note applied to an invoice, as Xero holds it now."""

    allocation_id: str
    credit_note_id: str
    credit_note_number: str | None
    invoice_number: str | None
    amount: Decimal
    date: date | None
    invoice_id: str | None = None  # read live; plans recorded before it was kept do not carry it


@dataclass(frozen=True, slots=True)
class XeroDocumentState:
    """An invoice, credit note or payment read live from Xero, with what is applied to it.

    `xero_type` is Xero's (ACCREC, ACCPAY, ACCRECCREDIT, ACCPAYCREDIT, PAYMENT); for a payment `total` is its amount,
    `reconciled` whether it is, and `settles` the number of the document it pays. `outstanding` is what an
    invoice still owes (AmountDue) or what a credit note has left to apply (RemainingCredit), when read live."""

    xero_id: str
    xero_type: str
    number: str | None
    status: str
    total: Decimal
    date: date | None
    contact: str | None = None
    payments: tuple[XeroPaymentState, ...] = ()
    allocations: tuple[XeroAllocationState, ...] = ()
    reconciled: bool = False
    settles: str | None = None
    outstanding: Decimal = Decimal(0)

    @property
    def live(self) -> bool:
        """False once voided or deleted: nothing of it counts in the books any more."""
        return self.status not in ("VOIDED", "DELETED")


class XeroChange(StrEnum):
    """What a step does in Xero (if anything) before its link becomes history."""

    DELETE_PAYMENT = "delete_payment"
    REMOVE_ALLOCATION = "remove_allocation"
    VOID = "void"  # AUTHORISED (or PAID, once its payments are gone) invoices and credit notes
    DELETE = "delete"  # DRAFT and SUBMITTED ones


@dataclass(frozen=True, slots=True)
class UnlinkStep:
    """One step of an unlink, in the order it runs. `key` names it stably across re-plans, so a step done once is
    never done again; `change` is the Xero side (None: the ledger only), `unlink` the link that becomes history."""

    key: str
    description: str
    change: XeroChange | None = None
    xero_id: str | None = None
    parent_id: str | None = None  # the credit note an allocation belongs to
    unlink: SourceRef | None = None


@dataclass(frozen=True, slots=True)
class AppliedPayment:
    """A payment on the document being unlinked: Xero's record, and our link to it when we posted it."""

    xero: XeroPaymentState
    link: Link | None = None

    @property
    def label(self) -> str:
        if self.link is not None:
            return self.link.source_number
        return self.xero.reference or f"payment {self.xero.xero_id[:8]}"


@dataclass(frozen=True, slots=True)
class UnlinkPlan:
    """What unlinking one document means, from the ledger and Xero's live state, in the order it must happen:
    payments and allocations first, then the document.

    `unlink_steps` turn the links into history and leave Xero as it is; `void_steps` also delete the payments,
    remove the allocations and void (or delete) the document in Xero. `void_refused` says why the second path is
    not possible (a reconciled payment, a locked period, an already voided copy), in which case only the first is."""

    number: str
    link: Link
    xero: XeroDocumentState | None  # None: Xero no longer has the document
    payments: tuple[AppliedPayment, ...] = ()
    allocations: tuple[XeroAllocationState, ...] = ()
    unlink_steps: tuple[UnlinkStep, ...] = ()
    void_steps: tuple[UnlinkStep, ...] = ()
    void_refused: str | None = None
    short_code: str | None = None
    unlink_effect: str = ""  # what each way leaves behind, in plain words (whether the Xero copy remains)
    void_effect: str = ""

    @property
    def source(self) -> SourceRef:
        return self.link.source

    @property
    def kind(self) -> DocumentKind:
        return self.link.source.kind

    def steps(self, void_in_xero: bool) -> tuple[UnlinkStep, ...]:
        return self.void_steps if void_in_xero else self.unlink_steps

    def effect(self, void_in_xero: bool) -> str:
        return self.void_effect if void_in_xero else self.unlink_effect


class UnlinkState(StrEnum):
    PENDING = "pending"  # waiting for an approver's confirmation
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"  # stopped at a step; a retry carries on from there
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class StepRecord:
    """A step that completed: when, and whether Xero needed changing or already showed it done."""

    key: str
    description: str
    at: datetime
    already: bool = False


@dataclass(frozen=True, slots=True)
class UnlinkRequest:
    """A request to unlink one document, from the plan shown to the outcome. `version` grows with every change."""

    id: int
    number: str
    plan: UnlinkPlan
    state: UnlinkState
    requested_by: str
    created_at: datetime
    expires_at: datetime
    version: int
    void_in_xero: bool | None = None
    approved_by: str | None = None
    finished_at: datetime | None = None
    steps_done: tuple[StepRecord, ...] = ()
    error: str | None = None
    slack_channel: str | None = None
    slack_ts: str | None = None

    def expired(self, now: datetime) -> bool:
        return self.state is UnlinkState.PENDING and now >= self.expires_at

    @property
    def done_keys(self) -> frozenset[str]:
        return frozenset(step.key for step in self.steps_done)


class ReallocationState(StrEnum):
    """Where a credit-note allocation an unlink removed stands; the values are what the ledger stores."""

    REMOVED = "removed"  # taken off the voided invoice: waits for the corrected one to post
    SENDING = "sending"  # sent to the corrected invoice without a confirmed answer: settled by reading first
    REAPPLIED = "reapplied"
    NOT_REAPPLIED = "not_reapplied"  # Xero could not take it: alerted, with what to allocate by hand


@dataclass(frozen=True, slots=True)
class RemovedAllocation:
    """A credit-note allocation that unlinking (and voiding) an invoice removed in Xero, remembered so it is applied
    again, once, to the corrected invoice when that posts.

    `source` is the invoice's Actionstep document and `old_invoice_id` the voided Xero copy it was applied to;
    `invoice_id` and `invoice_number` name the corrected copy once it is (being) re-applied."""

    allocation_id: str
    source: SourceRef
    old_invoice_id: str
    credit_note_id: str
    credit_note_number: str | None
    old_invoice_number: str | None
    amount: Decimal
    date: date | None
    request_id: int
    state: ReallocationState = ReallocationState.REMOVED
    invoice_id: str | None = None
    invoice_number: str | None = None
    note: str | None = None
