"""The accounting documents Actionstep holds, as our own types: kinds, references, lines and money.

Every amount on a source document is already rounded to the cent, as Actionstep shows it; money is `Decimal`.
Which kinds are pushed and which are skipped by design comes from the seed article.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

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


class Direction(StrEnum):
    """Which ledger a document belongs to: what the firm sells, or what it buys."""

    SALES = "sales"
    PURCHASES = "purchases"


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Identifies one Actionstep document: its kind and Actionstep id."""

    kind: DocumentKind
    id: str

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.id}"


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
    # None: Actionstep named none, so the firm's base currency (Xero takes a document without CurrencyCode in it).
    currency: str | None = None
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
