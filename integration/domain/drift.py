"""Drift: what Xero now holds of a document the bot posted, and how it differs from what the bot posted.

`XeroRecord` is one record of a polled endpoint in our own terms; `Drift` is one difference a person made in Xero;
`DriftFinding` gathers a document's drifts with who made the change and when, as Xero's History says;
`DriftPass` is what one polling pass found and did, and `LastDriftPass` what the ledger keeps of the latest one;
`WebhookCounts` tallies the webhook events the ledger holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from integration.domain.alerts import AlertChanges
from integration.domain.documents import SourceRef
from integration.domain.ledger import AllocationSummary, LineSummary


class DriftKind(StrEnum):
    """The kinds of drift, most serious first; each value is the tail of its catalogue code (`drift.<value>`)."""

    DELETED = "deleted"
    VOIDED = "voided"
    PAYMENT_DELETED = "payment_deleted"
    PAID_ELSEWHERE = "paid_elsewhere"
    ALLOCATION_CHANGED = "allocation_changed"
    EDITED = "edited"
    CONTACT_MERGED = "contact_merged"
    CONTACT_ARCHIVED = "contact_archived"

    @property
    def code(self) -> str:
        return f"drift.{self.value}"


@dataclass(frozen=True, slots=True)
class XeroPayment:
    """A payment applied to a document, as the document lists it."""

    payment_id: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class XeroRecord:
    """One record of a polled endpoint (`Invoices`, `CreditNotes`, `Payments`, `BankTransactions`,
    `BankTransfers`, `Contacts`), as Xero holds it now."""

    endpoint: str
    xero_id: str
    status: str | None
    updated: datetime | None = None
    number: str | None = None
    total: Decimal | None = None
    tax: Decimal | None = None
    date: date | None = None
    contact_id: str | None = None
    payments: tuple[XeroPayment, ...] = ()
    settles: str | None = None  # a payment: the id of the document it pays
    amount_due: Decimal | None = None
    # None when the answer did not carry them (a list without `page`): then they are not compared.
    lines: tuple[LineSummary, ...] | None = None
    allocations: tuple[AllocationSummary, ...] | None = None  # a credit note's, as Xero lists them
    merged_to: str | None = None  # a contact merged into another (Xero's `MergedToContactID`)
    # What reconciliation needs besides: Xero's type (ACCREC, ACCPAYCREDIT, RECEIVE, SPEND…), an invoice's or credit
    # note's `Reference`, and the bank account codes money moved through (a transfer's from and to).
    xero_type: str | None = None
    reference: str | None = None
    account_code: str | None = None
    to_account_code: str | None = None


@dataclass(frozen=True, slots=True)
class XeroChangeRecord:
    """One line of a document's History in Xero: who changed it, when, and Xero's words."""

    user: str | None
    at: datetime | None
    changes: str
    details: str = ""


@dataclass(frozen=True, slots=True)
class Drift:
    """One difference: `what` changed from `before` to `after` (text, as a bookkeeper reads it)."""

    kind: DriftKind
    what: str
    before: str | None = None
    after: str | None = None


@dataclass(frozen=True, slots=True)
class DriftFinding:
    """A linked document that differs in Xero from what the bot posted."""

    xero_id: str
    xero_number: str | None
    source_ref: SourceRef  # the Actionstep document (the first of them, for a contact)
    source_number: str
    source_label: str  # "sales invoice", "payment received", …
    drifts: tuple[Drift, ...]
    changed_by: str | None = None
    changed_at: datetime | None = None
    contact: bool = False  # the finding is about a Xero contact, not one document

    @property
    def kind(self) -> DriftKind:
        """The most serious drift: it names the alert."""
        order = list(DriftKind)
        return min((d.kind for d in self.drifts), key=order.index)

    @property
    def subject(self) -> str:
        return f"{'xero-contact' if self.contact else 'xero'}:{self.xero_id.lower()}"


@dataclass(slots=True)
class DriftPass:
    """One polling pass: what it found, the alerts it changed, the calls it made, and why it stopped or skipped."""

    findings: list[DriftFinding] = field(default_factory=list)
    changes: AlertChanges = field(default_factory=AlertChanges)
    examined: int = 0  # linked documents that changed and were compared
    calls: int = 0
    complete: bool = True
    skipped: str | None = None  # why the pass did not run (off, over budget)
    error: str | None = None  # why it stopped before the end (an outage): it resumes from its cursors
    open_alerts: int = 0


@dataclass(frozen=True, slots=True)
class LastDriftPass:
    """The latest drift pass as the ledger keeps it: when it ran, whether it read everything (and why not), the Xero
    calls it made and the drifted documents it found."""

    at: datetime
    complete: bool
    reason: str | None  # why it did not read everything: skipped (over budget) or stopped early (an outage)
    calls: int
    findings: int
    examined: int = 0


class WebhookOutcome(StrEnum):
    """What processing made of one webhook event."""

    CHECKED = "checked"  # a document or contact the bot posted: compared with what Xero holds now
    NOT_OURS = "not_ours"  # a document or contact the bot never posted: counted and ignored
    OTHER_TENANT = "other_tenant"  # another organisation's event (not our connection's): counted and ignored


@dataclass(frozen=True, slots=True)
class XeroEvent:
    """One event of a Xero webhook: which record (`resource_id`) of which category (INVOICE, CREDITNOTE, CONTACT)
    was created or updated (`event_type`) when (`event_at`, as Xero wrote it), in which organisation."""

    tenant_id: str
    resource_id: str
    category: str
    event_type: str
    event_at: str
    id: int | None = None

    @property
    def key(self) -> str:
        """What makes an event itself: a redelivery carries the same five values."""
        parts = (self.tenant_id, self.resource_id, self.event_at, self.event_type, self.category)
        return "|".join(p.lower() for p in parts)


@dataclass(frozen=True, slots=True)
class WebhookCounts:
    """Xero's webhook events in the ledger: every one received (stored: correctly signed), what processing made of
    them (`WebhookOutcome`), and how many wait to be processed."""

    received: int = 0
    checked: int = 0
    not_ours: int = 0
    other_tenant: int = 0
    pending: int = 0

    @classmethod
    def of(cls, counts: dict[str, int]) -> WebhookCounts:
        """From the ledger's counts per outcome (`pending` for those not yet processed)."""
        return cls(
            received=sum(counts.values()),
            checked=counts.get(WebhookOutcome.CHECKED.value, 0),
            not_ours=counts.get(WebhookOutcome.NOT_OURS.value, 0),
            other_tenant=counts.get(WebhookOutcome.OTHER_TENANT.value, 0),
            pending=counts.get("pending", 0),
        )


@dataclass(slots=True)
class WebhookRun:
    """One processing run of stored webhook events: how many came to each outcome, and the drift they found."""

    outcomes: dict[str, int] = field(default_factory=dict)
    findings: list[DriftFinding] = field(default_factory=list)
    changes: AlertChanges = field(default_factory=AlertChanges)
    skipped: str | None = None
