"""Our own types: the accounting documents Actionstep holds, and what we know about their life in Xero.

Nothing here knows a wire format. The Actionstep client turns its JSON into these; `posting` turns these into Xero
payloads; the store records `Link`s and `Posting`s against `SourceRef`s. Money is `Decimal` everywhere and every
amount on a source document is already rounded to the cent, as Actionstep shows it.

Which kinds are pushed and which are skipped by design comes from the seed article: sales and supplier invoices,
credit notes, payments against those, bank-to-bank transfers and all trust transactions are pushed; one-off bank
deposits and withdrawals and general journals are not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

CENT = Decimal("0.01")


def to_cents(amount: Decimal) -> Decimal:
    """Round half away from zero to the cent, as accounting systems (and Xero) do."""
    return amount.quantize(CENT, rounding="ROUND_HALF_UP")


class DocumentKind(StrEnum):
    """Every accounting document kind the seed articles name."""

    SALES_INVOICE = "sales_invoice"
    SUPPLIER_INVOICE = "supplier_invoice"
    CREDIT_NOTE = "credit_note"
    PAYMENT_RECEIVED = "payment_received"
    SUPPLIER_PAYMENT = "supplier_payment"
    BANK_TRANSFER = "bank_transfer"
    TRUST_RECEIPT = "trust_receipt"
    TRUST_PAYMENT = "trust_payment"
    TRUST_TRANSFER = "trust_transfer"
    BANK_DEPOSIT = "bank_deposit"
    BANK_WITHDRAWAL = "bank_withdrawal"
    GENERAL_JOURNAL = "general_journal"

    @property
    def label(self) -> str:
        """The kind as a bookkeeper says it."""
        return self.value.replace("_", " ")

    @property
    def pushed(self) -> bool:
        """True when the integration rules send this kind to Xero."""
        return self not in SKIPPED_BY_DESIGN


SKIPPED_BY_DESIGN = frozenset(
    {DocumentKind.BANK_DEPOSIT, DocumentKind.BANK_WITHDRAWAL, DocumentKind.GENERAL_JOURNAL}
)

# Payments and allocations depend on the document they settle; they are sent after it.
DEPENDENT_KINDS = frozenset({DocumentKind.PAYMENT_RECEIVED, DocumentKind.SUPPLIER_PAYMENT})


class Direction(StrEnum):
    """Which ledger a document belongs to: what the firm sells, or what it buys."""

    SALES = "sales"
    PURCHASES = "purchases"


class AccountingBasis(StrEnum):
    ACCRUAL = "accrual"
    CASH = "cash"


class AccountType(StrEnum):
    """Actionstep account types, reduced to what mapping needs."""

    INCOME = "income"
    EXPENSE = "expense"
    ACCOUNTS_RECEIVABLE = "accounts_receivable"
    ACCOUNTS_PAYABLE = "accounts_payable"
    BANK = "bank"
    TRUST_BANK = "trust_bank"
    TRUST_LIABILITY = "trust_liability"
    TRUST_TRANSFERS = "trust_transfers"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Identifies one Actionstep document: its kind and Actionstep id."""

    kind: DocumentKind
    id: str

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.id}"


@dataclass(frozen=True, slots=True)
class Account:
    """An account in Actionstep's chart."""

    id: str
    code: str
    name: str
    type: AccountType
    active: bool = True


@dataclass(frozen=True, slots=True)
class Timekeeper:
    """A fee earner; may have an income account of their own."""

    id: str
    name: str
    income_account_id: str | None = None
    active: bool = True


@dataclass(frozen=True, slots=True)
class Contact:
    """An Actionstep participant a document is with (client or supplier)."""

    id: str
    name: str
    email: str | None = None
    is_company: bool = False


@dataclass(frozen=True, slots=True)
class Matter:
    id: str
    name: str
    reference: str | None = None
    client_id: str | None = None


@dataclass(frozen=True, slots=True)
class TaxCode:
    """An Actionstep tax code and the Xero tax type it corresponds to (e.g. GST -> OUTPUT / INPUT)."""

    code: str
    rate: Decimal
    xero_output: str | None = None
    xero_input: str | None = None


@dataclass(frozen=True, slots=True)
class Line:
    """One line of an invoice or credit note, amounts as Actionstep shows them.

    `amount` is tax-exclusive and `tax` is the line's tax, both to the cent; the document total is the sum of
    `amount + tax` over its lines. A fee line names its timekeeper: when the timekeeper has an income account of
    their own the line posts there, and a fee line with neither a timekeeper income account nor an account of its
    own (`account_id=None`) cannot be posted until one is mapped.
    """

    description: str
    account_id: str | None
    amount: Decimal
    tax: Decimal
    tax_code: str
    quantity: Decimal = Decimal(1)
    unit_price: Decimal | None = None
    timekeeper_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """What every source document has: identity, version, dates and who it is with.

    `version` changes whenever Actionstep changes the document (its modification timestamp); a link records the
    version it posted so a later change is seen as "changed after posting".
    """

    id: str
    number: str
    date: date
    version: str
    modified_at: datetime
    contact_id: str | None = None
    matter_id: str | None = None
    reference: str | None = None
    currency: str = "AUD"
    url: str | None = None

    # Subclasses set KIND; `ref` is what the ledger keys on.
    KIND = DocumentKind.SALES_INVOICE

    @property
    def kind(self) -> DocumentKind:
        return self.KIND

    @property
    def ref(self) -> SourceRef:
        return SourceRef(self.KIND, self.id)

    @property
    def total(self) -> Decimal:
        raise NotImplementedError

    @property
    def depends_on(self) -> tuple[SourceRef, ...]:
        """Documents that must be in Xero before this one can be sent."""
        return ()


@dataclass(frozen=True, slots=True, kw_only=True)
class LinedDocument(Document):
    """An invoice or credit note: lines that carry accounts, tax and (for fees) timekeepers."""

    lines: tuple[Line, ...] = ()
    due_date: date | None = None

    @property
    def subtotal(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def total_tax(self) -> Decimal:
        return sum((line.tax for line in self.lines), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.total_tax


@dataclass(frozen=True, slots=True, kw_only=True)
class SalesInvoice(LinedDocument):
    """A matter bill sent to a client (Xero ACCREC)."""

    KIND = DocumentKind.SALES_INVOICE


@dataclass(frozen=True, slots=True, kw_only=True)
class SupplierInvoice(LinedDocument):
    """A bill from a supplier raised against a matter (Xero ACCPAY)."""

    KIND = DocumentKind.SUPPLIER_INVOICE


@dataclass(frozen=True, slots=True)
class Allocation:
    """Part of a credit note applied to an invoice."""

    invoice: SourceRef
    amount: Decimal
    date: date


@dataclass(frozen=True, slots=True, kw_only=True)
class CreditNote(LinedDocument):
    """A credit against a client or supplier, optionally allocated to invoices."""

    KIND = DocumentKind.CREDIT_NOTE
    direction: Direction = Direction.SALES
    allocations: tuple[Allocation, ...] = ()

    @property
    def depends_on(self) -> tuple[SourceRef, ...]:
        return tuple(a.invoice for a in self.allocations)


@dataclass(frozen=True, slots=True, kw_only=True)
class Payment(Document):
    """Money received against a sales invoice, or paid against a supplier invoice, through a bank account."""

    KIND = DocumentKind.PAYMENT_RECEIVED
    invoice: SourceRef
    bank_account_id: str
    amount: Decimal

    @property
    def total(self) -> Decimal:
        return self.amount

    @property
    def depends_on(self) -> tuple[SourceRef, ...]:
        return (self.invoice,)


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentReceived(Payment):
    KIND = DocumentKind.PAYMENT_RECEIVED


@dataclass(frozen=True, slots=True, kw_only=True)
class SupplierPayment(Payment):
    KIND = DocumentKind.SUPPLIER_PAYMENT


@dataclass(frozen=True, slots=True, kw_only=True)
class Transfer(Document):
    """Money moved between two of the firm's own bank accounts."""

    KIND = DocumentKind.BANK_TRANSFER
    from_account_id: str
    to_account_id: str
    amount: Decimal

    @property
    def total(self) -> Decimal:
        return self.amount


@dataclass(frozen=True, slots=True, kw_only=True)
class BankTransfer(Transfer):
    KIND = DocumentKind.BANK_TRANSFER


@dataclass(frozen=True, slots=True, kw_only=True)
class TrustTransfer(Transfer):
    """Trust to office (or trust to trust) transfer, e.g. paying a bill from funds held in trust."""

    KIND = DocumentKind.TRUST_TRANSFER


@dataclass(frozen=True, slots=True, kw_only=True)
class BankEntry(Document):
    """Money into or out of one bank account against one other account: trust receipts and payments, and the
    one-off deposits and withdrawals that are skipped by design."""

    KIND = DocumentKind.TRUST_RECEIPT
    bank_account_id: str
    account_id: str
    amount: Decimal
    description: str = ""

    @property
    def total(self) -> Decimal:
        return self.amount


@dataclass(frozen=True, slots=True, kw_only=True)
class TrustReceipt(BankEntry):
    KIND = DocumentKind.TRUST_RECEIPT


@dataclass(frozen=True, slots=True, kw_only=True)
class TrustPayment(BankEntry):
    KIND = DocumentKind.TRUST_PAYMENT


@dataclass(frozen=True, slots=True, kw_only=True)
class BankDeposit(BankEntry):
    KIND = DocumentKind.BANK_DEPOSIT


@dataclass(frozen=True, slots=True, kw_only=True)
class BankWithdrawal(BankEntry):
    KIND = DocumentKind.BANK_WITHDRAWAL


@dataclass(frozen=True, slots=True)
class JournalLine:
    account_id: str
    amount: Decimal  # debit positive, credit negative
    description: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class GeneralJournal(Document):
    KIND = DocumentKind.GENERAL_JOURNAL
    lines: tuple[JournalLine, ...] = ()

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines if line.amount > 0), Decimal(0))


DOCUMENT_CLASSES: dict[DocumentKind, type[Document]] = {
    cls.KIND: cls
    for cls in (
        SalesInvoice,
        SupplierInvoice,
        CreditNote,
        PaymentReceived,
        SupplierPayment,
        BankTransfer,
        TrustReceipt,
        TrustPayment,
        TrustTransfer,
        BankDeposit,
        BankWithdrawal,
        GeneralJournal,
    )
}


class LinkState(StrEnum):
    LINKED = "linked"
    UNLINKED = "unlinked"


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


class Severity(StrEnum):
    BLOCKING = "blocking"  # documents wait until it is fixed
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something a bookkeeper has to fix, in their words, with the documents it holds back.

    `code` is a stable catalogue code (see `errors.CATALOGUE`); `subject` names what is wrong (an account, a
    document); `fingerprint` identifies the same problem across runs, so an alert is raised once.
    """

    code: str
    subject: str
    message: str
    fix: str
    severity: Severity = Severity.BLOCKING
    documents: tuple[SourceRef, ...] = ()

    @property
    def fingerprint(self) -> str:
        return f"{self.code}:{self.subject}"


class Outcome(StrEnum):
    """What a sync did with one document."""

    POSTED = "posted"
    ADOPTED = "adopted"  # already in Xero with the same number and total: linked, not re-sent
    FAILED = "failed"
    BLOCKED = "blocked"  # waits on a mapping, a lock date or a document it depends on
    SKIPPED_BY_DESIGN = "skipped_by_design"
    ALREADY_LINKED = "already_linked"
    CHANGED_AFTER_POSTING = "changed_after_posting"
    AWAITING_CHANGE = "awaiting_change"  # unlinked, and not changed in Actionstep since: not re-posted
    WOULD_POST = "would_post"  # dry run

    @property
    def finished(self) -> bool:
        """True when nothing more is to be done until the document changes in Actionstep."""
        return self not in (
            Outcome.FAILED,
            Outcome.BLOCKED,
            Outcome.CHANGED_AFTER_POSTING,
            Outcome.WOULD_POST,
        )


@dataclass(frozen=True, slots=True)
class ItemResult:
    """One document's outcome in one run."""

    source: SourceRef
    number: str
    outcome: Outcome
    total: Decimal
    tax: Decimal = Decimal(0)
    xero_id: str | None = None
    error_code: str | None = None
    message: str | None = None
    fix: str | None = None


@dataclass(slots=True)
class SyncReport:
    """Everything a run did, for Slack, the command line and the ledger."""

    run_id: int | None
    trigger: str
    actor: str
    started_at: datetime
    finished_at: datetime | None = None
    dry_run: bool = False
    items: list[ItemResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    api_calls: int = 0
    status: str = "running"  # ok | interrupted | failed
    error: str | None = None
    error_code: str | None = None
    xero_short_code: str | None = None

    def count(self, outcome: Outcome) -> int:
        return sum(1 for item in self.items if item.outcome is outcome)

    def total(self, outcome: Outcome) -> Decimal:
        return sum((item.total for item in self.items if item.outcome is outcome), Decimal(0))

    def count_posted(self) -> int:
        """Documents this run put in Xero, or found there and linked."""
        return self.count(Outcome.POSTED) + self.count(Outcome.ADOPTED)


class MappingKind(StrEnum):
    """What an Actionstep-side mapping key is."""

    ACCOUNT = "account"  # Actionstep account id -> Xero account code
    TIMEKEEPER = "timekeeper"  # timekeeper id -> Xero income account code
    TAX_CODE = "tax_code"  # Actionstep tax code -> Xero tax type
    ROLE = "role"  # a role the rules need (see MappingRole) -> Xero account code


class MappingRole(StrEnum):
    """Accounts the integration needs by role rather than by Actionstep account."""

    ACCOUNTS_RECEIVABLE = "accounts_receivable"
    ACCOUNTS_PAYABLE = "accounts_payable"
    TRUST_LIABILITY = "trust_liability"
    TRUST_TRANSFERS = "trust_transfers"


@dataclass(frozen=True, slots=True)
class Mapping:
    """`xero_account` is a Xero account code, or the AccountID of a Xero account picked from the chart that has no
    code (which the mapping check then reports: Xero identifies accounts by code). For TAX_CODE it is a tax type."""

    kind: MappingKind
    source_id: str
    xero_account: str
    source_name: str | None = None
    updated_by: str | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class MalformedDocument:
    """A source record that could not be read as a document: it fails alone, with what is wrong and where.

    `modified_at` is the record's modification timestamp when that much could be read, so an incremental read can
    move past it (a corrected record gets a new timestamp and is read again)."""

    source: SourceRef
    number: str | None
    problem: str
    modified_at: datetime | None = None

    @property
    def kind(self) -> DocumentKind:
        return self.source.kind


class AccountClass(StrEnum):
    """Xero's account classes; tax types are allowed or not per class."""

    ASSET = "ASSET"
    EQUITY = "EQUITY"
    EXPENSE = "EXPENSE"
    LIABILITY = "LIABILITY"
    REVENUE = "REVENUE"


_CLASS_OF_TYPE = {
    **dict.fromkeys(
        ("BANK", "CURRENT", "FIXED", "INVENTORY", "NONCURRENT", "PREPAYMENT"), AccountClass.ASSET
    ),
    **dict.fromkeys(("CURRLIAB", "LIABILITY", "TERMLIAB", "PAYG"), AccountClass.LIABILITY),
    **dict.fromkeys(("DEPRECIATN", "DIRECTCOSTS", "EXPENSE", "OVERHEADS"), AccountClass.EXPENSE),
    **dict.fromkeys(("OTHERINCOME", "REVENUE", "SALES"), AccountClass.REVENUE),
    "EQUITY": AccountClass.EQUITY,
}


@dataclass(frozen=True, slots=True)
class XeroAccount:
    """An account in the firm's Xero chart, as mapping checks need it."""

    account_id: str
    code: str | None
    name: str
    type: str
    status: str = "ACTIVE"
    system_account: str | None = None
    account_class: AccountClass | None = None

    @property
    def klass(self) -> AccountClass:
        return self.account_class or _CLASS_OF_TYPE.get(self.type, AccountClass.EXPENSE)

    @property
    def active(self) -> bool:
        return self.status == "ACTIVE"

    @property
    def is_bank(self) -> bool:
        return self.type == "BANK"


@dataclass(frozen=True, slots=True)
class XeroTaxRate:
    tax_type: str
    name: str
    applies_to: frozenset[AccountClass]
    status: str = "ACTIVE"


class AlertState(StrEnum):
    OPEN = "open"
    IGNORED = "ignored"
    RESOLVED = "resolved"


class AlertSource(StrEnum):
    """What raised an alert; only the same source may resolve it, since only it looks at the same things."""

    SYNC = "sync"  # a sync report: failed posts, problems with the documents it listed, a run that failed
    CHECK = "check"  # a health check: standing mapping problems, connections
    DUPLICATE = (
        "duplicate"  # a second copy in Xero: no later look can tell it was dealt with, so a person says so
    )


# Problem subjects that one mapping can fix (see `mapping.py`), and the mapping kind each names.
_FIXABLE_SUBJECTS = {
    "account": MappingKind.ACCOUNT,
    "role": MappingKind.ROLE,
    "timekeeper": MappingKind.TIMEKEEPER,
}


@dataclass(frozen=True, slots=True)
class AlertDocument:
    """A document an alert holds back, as a bookkeeper knows it."""

    ref: str  # SourceRef as text, "kind:id"
    number: str | None = None


@dataclass(frozen=True, slots=True)
class Alert:
    """A problem raised once in the alerts channel, counted while it repeats, then resolved.

    `version` grows with every change, so a message rendered from it can tell whether it is still current.
    """

    id: int
    fingerprint: str
    code: str
    subject: str
    message: str
    fix: str
    source: AlertSource
    count: int
    first_seen: datetime
    last_seen: datetime
    version: int
    documents: tuple[AlertDocument, ...] = ()
    resolved_at: datetime | None = None
    ignored_at: datetime | None = None
    ignored_by: str | None = None
    ignore_reason: str | None = None
    slack_channel: str | None = None
    slack_ts: str | None = None

    @property
    def state(self) -> AlertState:
        if self.resolved_at is not None:
            return AlertState.RESOLVED
        return AlertState.IGNORED if self.ignored_at is not None else AlertState.OPEN

    @property
    def mapping_target(self) -> tuple[MappingKind, str] | None:
        """The mapping that would fix this alert, when one mapping can: (kind, Actionstep side)."""
        if not self.code.startswith("mapping."):
            return None
        prefix, _, source_id = self.subject.partition(":")
        kind = _FIXABLE_SUBJECTS.get(prefix)
        return (kind, source_id) if kind is not None and source_id else None


@dataclass(slots=True)
class AlertChanges:
    """What raising a report's problems did: alerts to post, to update, and to mark resolved."""

    new: list[Alert] = field(default_factory=list)
    repeated: list[Alert] = field(default_factory=list)
    resolved: list[Alert] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.new or self.repeated or self.resolved)


@dataclass(frozen=True, slots=True)
class Activity:
    """Something a person did, from the audit log: who, what, when, and how it turned out."""

    at: datetime
    actor: str
    action: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ConnectionHealth:
    """Whether the bot can reach one remote as the firm, in a bookkeeper's words; `code` (from `errors.CATALOGUE`)
    says why not."""

    remote: str  # "xero" | "actionstep"
    ok: bool
    detail: str
    fix: str | None = None
    code: str | None = None


# Unlinking ---------------------------------------------------------------------------------------------------------

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


@dataclass(frozen=True, slots=True)
class XeroDocumentState:
    """An invoice, credit note or payment read live from Xero, with what is applied to it.

    `xero_type` is Xero's (ACCREC, ACCPAY, ACCRECCREDIT, ACCPAYCREDIT, PAYMENT); for a payment `total` is its amount,
    `reconciled` whether it is, and `settles` the number of the document it pays."""

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
