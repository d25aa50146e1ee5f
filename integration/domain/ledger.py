"""The ledger's record of each document's life in Xero: links, outbox postings, and what people decided about
payments Xero shows that the bot did not post."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from integration.domain.documents import SourceRef


class LinkState(StrEnum):
    LINKED = "linked"
    UNLINKED = "unlinked"


@dataclass(frozen=True, slots=True)
class LineSummary:
    """One line of a document as drift compares it: account code, tax type, amount before tax, tax, and the
    description (for the words only: a reworded description is not a drift)."""

    account_code: str
    tax_type: str
    amount: Decimal
    tax: Decimal
    description: str = ""


@dataclass(frozen=True, slots=True)
class AllocationSummary:
    """Part of a credit note applied to an invoice (by the invoice's Xero id), as drift compares it."""

    invoice_id: str
    amount: Decimal
    invoice_number: str | None = None


@dataclass(frozen=True, slots=True)
class Link:
    """A source document posted to Xero. Only one LINKED link may exist per source document."""

    source: SourceRef
    source_version: str
    source_number: str
    xero_id: str
    xero_number: str | None
    xero_type: str
    total: Decimal
    state: LinkState = LinkState.LINKED
    linked_at: datetime | None = None
    linked_by: str | None = None
    unlinked_at: datetime | None = None
    unlinked_by: str | None = None
    voided_in_xero: bool = False
    # What the bot posted, kept so a later change made in Xero can be told apart (drift); None on links made
    # before these were recorded, and then only the total and number are compared.
    posted_tax: Decimal | None = None
    posted_date: date | None = None
    posted_contact_id: str | None = None
    settles_xero_id: str | None = None  # a payment: the Xero document it pays
    # The lines the bot posted (one per account code and tax type) and the credit-note allocations it made; None
    # on links made before these were recorded (0007), which are then not compared on lines or allocations.
    posted_lines: tuple[LineSummary, ...] | None = None
    posted_allocations: tuple[AllocationSummary, ...] | None = None


class PostingState(StrEnum):
    """The outbox row's life: written before the send, settled after it."""

    PENDING = "pending"  # written, not yet sent (or send not known to have started)
    SENT = "sent"  # request left us; the outcome is uncertain until settled
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Posting:
    """One attempt to put one version of a source document into Xero."""

    source: SourceRef
    source_version: str
    idempotency_key: str
    state: PostingState
    attempts: int = 0
    xero_id: str | None = None
    error_code: str | None = None
    error: str | None = None


class PaymentDecisionKind(StrEnum):
    """What a person decided about a payment Xero shows that the bot did not post."""

    ADOPT = "adopt"  # it is the firm's payment: drift does not count it, and the Actionstep one links to it
    POST_ANYWAY = "post_anyway"  # it is other money: the held Actionstep payment may be sent beside it


@dataclass(frozen=True, slots=True)
class PaymentDecision:
    """One decision about one Xero payment (`xero_payment_id`) on the Xero document it pays; `source` is the
    Actionstep payment it concerns, once known (Post anyway names it; an adoption learns it when the Actionstep
    payment arrives and is linked)."""

    xero_payment_id: str
    xero_document_id: str | None
    decision: PaymentDecisionKind
    decided_by: str
    source: SourceRef | None = None
    alert_id: int | None = None
    decided_at: datetime | None = None
