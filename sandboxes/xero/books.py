"""The sandbox organisation's books: chart, tax rates, contacts and every document, held in memory.

Plain records plus the lookups the rules need. Nothing here validates or renders; `xero_rules` decides what may
be written and the resource modules write it. The `XeroSandbox` lock guards every access.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

ZERO = Decimal("0.00")

ACCOUNT_CLASS = {
    "BANK": "ASSET",
    "CURRENT": "ASSET",
    "FIXED": "ASSET",
    "INVENTORY": "ASSET",
    "NONCURRENT": "ASSET",
    "PREPAYMENT": "ASSET",
    "CURRLIAB": "LIABILITY",
    "LIABILITY": "LIABILITY",
    "TERMLIAB": "LIABILITY",
    "PAYG": "LIABILITY",
    "EQUITY": "EQUITY",
    "DEPRECIATN": "EXPENSE",
    "DIRECTCOSTS": "EXPENSE",
    "EXPENSE": "EXPENSE",
    "OVERHEADS": "EXPENSE",
    "OTHERINCOME": "REVENUE",
    "REVENUE": "REVENUE",
    "SALES": "REVENUE",
}


def new_id() -> str:
    """A new Xero-style identifier (a lowercase UUID)."""
    return str(uuid.uuid4())


@dataclass(slots=True)
class Account:
    """An account of the chart."""

    id: str
    code: str | None
    name: str
    type: str
    tax_type: str | None
    status: str = "ACTIVE"
    system_account: str | None = None
    enable_payments: bool = False
    bank_account_number: str | None = None

    @property
    def account_class(self) -> str:
        """Xero's class for the account's type (ASSET, EQUITY, EXPENSE, LIABILITY, REVENUE)."""
        return ACCOUNT_CLASS.get(self.type, "ASSET")


@dataclass(slots=True)
class TaxRate:
    """A tax rate and the account classes it may be used with."""

    tax_type: str
    name: str
    rate: Decimal
    applies_to: dict[str, bool]
    status: str = "ACTIVE"


@dataclass(slots=True)
class Contact:
    """A customer or supplier."""

    id: str
    name: str
    number: str | None = None
    status: str = "ACTIVE"
    email: str | None = None
    updated: dt.datetime | None = None
    merged_to: str | None = None  # the contact kept when a person merged this one into it (`people`)


@dataclass(slots=True)
class Line:
    """A priced line of an invoice, credit note or bank transaction."""

    id: str
    description: str | None
    quantity: Decimal | None
    unit_amount: Decimal | None
    account: Account | None
    tax_type: str | None
    tax_amount: Decimal
    line_amount: Decimal
    tracking: list[Any] = field(default_factory=list)
    discount_rate: Decimal | None = None


@dataclass(slots=True)
class Totals:
    """A document's SubTotal, TotalTax and Total."""

    sub_total: Decimal = ZERO
    total_tax: Decimal = ZERO
    total: Decimal = ZERO


@dataclass(slots=True)
class Document:
    """An invoice (ACCREC, ACCPAY) or a credit note (ACCRECCREDIT, ACCPAYCREDIT)."""

    id: str
    is_credit: bool
    type: str
    number: str | None
    reference: str | None
    contact: Contact
    date: dt.date
    due_date: dt.date | None
    status: str
    line_amount_types: str
    lines: list[Line]
    totals: Totals
    url: str | None
    currency: str
    updated: dt.datetime
    amount_paid: Decimal = ZERO
    amount_credited: Decimal = ZERO
    fully_paid_on: dt.date | None = None
    payment_ids: list[str] = field(default_factory=list)
    allocation_ids: list[str] = field(default_factory=list)

    @property
    def outstanding(self) -> Decimal:
        """AmountDue of an invoice; RemainingCredit of a credit note."""
        return self.totals.total - self.amount_paid - self.amount_credited


@dataclass(slots=True)
class Payment:
    """A payment applied to an invoice or credit note."""

    id: str
    document: Document
    account: Account
    date: dt.date
    amount: Decimal
    reference: str | None
    is_reconciled: bool
    updated: dt.datetime
    status: str = "AUTHORISED"

    @property
    def payment_type(self) -> str:
        """Xero's PaymentType, from the type of document paid."""
        return {
            "ACCREC": "ACCRECPAYMENT",
            "ACCPAY": "ACCPAYPAYMENT",
            "ACCRECCREDIT": "ARCREDITPAYMENT",
            "ACCPAYCREDIT": "APCREDITPAYMENT",
        }[self.document.type]


@dataclass(slots=True)
class Allocation:
    """Part of a credit note applied to an invoice."""

    id: str
    credit_note: Document
    invoice: Document
    amount: Decimal
    date: dt.date
    deleted: bool = False


@dataclass(slots=True)
class BankTransaction:
    """Money spent or received through a bank account."""

    id: str
    type: str
    contact: Contact
    bank_account: Account
    date: dt.date
    reference: str | None
    line_amount_types: str
    lines: list[Line]
    totals: Totals
    is_reconciled: bool
    url: str | None
    updated: dt.datetime
    status: str = "AUTHORISED"


@dataclass(slots=True)
class BankTransfer:
    """Money moved between two bank accounts."""

    id: str
    from_account: Account
    to_account: Account
    amount: Decimal
    date: dt.date
    reference: str | None
    from_transaction_id: str
    to_transaction_id: str
    from_reconciled: bool
    to_reconciled: bool
    created: dt.datetime
    status: str = "AUTHORISED"


@dataclass(slots=True)
class JournalLine:
    """One signed line of a manual journal (debits positive)."""

    account: Account
    description: str | None
    line_amount: Decimal
    tax_type: str | None
    tax_amount: Decimal


@dataclass(slots=True)
class ManualJournal:
    """A manual journal."""

    id: str
    narration: str
    date: dt.date
    status: str
    line_amount_types: str
    lines: list[JournalLine]
    url: str | None
    show_on_cash_basis: bool
    updated: dt.datetime


@dataclass(slots=True)
class Books:
    """Everything the organisation holds, by id, in insertion order."""

    organisation: dict[str, Any]
    accounts: dict[str, Account] = field(default_factory=dict)
    tax_rates: dict[str, TaxRate] = field(default_factory=dict)
    contacts: dict[str, Contact] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)
    payments: dict[str, Payment] = field(default_factory=dict)
    allocations: dict[str, Allocation] = field(default_factory=dict)
    bank_transactions: dict[str, BankTransaction] = field(default_factory=dict)
    bank_transfers: dict[str, BankTransfer] = field(default_factory=dict)
    journals: dict[str, ManualJournal] = field(default_factory=dict)
    sequences: dict[str, int] = field(default_factory=dict)
    history: dict[str, list[Any]] = field(default_factory=dict)  # record id -> `history.HistoryRecord`s
    # Statement lines waiting to be matched to an invoice as it appears (`feed`), as Payment elements that name
    # the invoice by `InvoiceNumber`.
    bank_feed: list[dict[str, Any]] = field(default_factory=list)
    # Code -> description of the currencies the organisation has enabled; its base currency always among them.
    currencies: dict[str, str] = field(default_factory=dict)

    @property
    def base_currency(self) -> str:
        """The organisation's base currency (`Organisation.BaseCurrency`)."""
        return str(self.organisation.get("BaseCurrency") or "AUD")

    def account_by_code(self, code: str) -> Account | None:
        """The account with this code, whatever its status."""
        return next((a for a in self.accounts.values() if a.code is not None and a.code == code), None)

    def contact_by_name(self, name: str) -> Contact | None:
        """The active contact of this name (Xero keeps active names unique, case-insensitively)."""
        wanted = name.strip().lower()
        return next(
            (c for c in self.contacts.values() if c.status == "ACTIVE" and c.name.lower() == wanted), None
        )

    def contact_by_number(self, number: str) -> Contact | None:
        """The contact with this ContactNumber, whatever its status."""
        return next((c for c in self.contacts.values() if c.number == number), None)

    def document_by_number(self, number: str, *, credit: bool, type_: str | None = None) -> Document | None:
        """The invoice (or credit note) with this number that is not deleted."""
        return next(
            (
                d
                for d in self.documents.values()
                if d.is_credit == credit
                and d.number == number
                and (type_ is None or d.type == type_)
                and d.status != "DELETED"
            ),
            None,
        )

    def next_number(self, prefix: str) -> str:
        """Xero's automatic numbering (`INV-0001`, `CN-0001`), skipping numbers already taken."""
        while True:
            self.sequences[prefix] = self.sequences.get(prefix, 0) + 1
            number = f"{prefix}-{self.sequences[prefix]:04d}"
            if not any(d.number == number for d in self.documents.values()):
                return number

    @property
    def period_lock_date(self) -> dt.date | None:
        """The organisation's period lock date, if set."""
        value = self.organisation.get("PeriodLockDate")
        return value if isinstance(value, dt.date) else None

    @property
    def end_of_year_lock_date(self) -> dt.date | None:
        """The organisation's end-of-year lock date, if set."""
        value = self.organisation.get("EndOfYearLockDate")
        return value if isinstance(value, dt.date) else None
