"""What Xero tells us back, in our own types: the organisation, one element's outcome, a document found by a
lookup, and how to find an element again (`Identity`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class XeroOrganisation:
    name: str
    short_code: str | None
    base_currency: str
    period_lock_date: date | None = None
    end_of_year_lock_date: date | None = None

    @property
    def lock_date(self) -> date | None:
        """Documents dated on or before this are refused by Xero."""
        dates = [d for d in (self.period_lock_date, self.end_of_year_lock_date) if d is not None]
        return max(dates) if dates else None


class Endpoint(StrEnum):
    INVOICES = "Invoices"
    CREDIT_NOTES = "CreditNotes"
    PAYMENTS = "Payments"
    BANK_TRANSACTIONS = "BankTransactions"
    BANK_TRANSFERS = "BankTransfers"


@dataclass(frozen=True, slots=True)
class Identity:
    """How to find the element in Xero again: to adopt an existing copy or settle an uncertain send."""

    endpoint: Endpoint
    xero_type: str
    number: str | None = None
    reference: str | None = None
    contact_id: str | None = None
    settles: str | None = None  # the Xero id of the invoice a payment settles
    date: date | None = None


@dataclass(frozen=True, slots=True)
class ElementOutcome:
    """Xero's answer for one element of a batch. `errors` are (catalogue code, Xero's own message)."""

    ok: bool
    xero_id: str | None = None
    number: str | None = None
    total: Decimal | None = None
    errors: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class XeroDocument:
    """A document found in Xero by a lookup."""

    xero_id: str
    xero_type: str
    number: str | None
    reference: str | None
    total: Decimal
    status: str
    contact_id: str | None = None
    url: str | None = None
    allocated: bool = False  # a credit note already applied to invoices
    date: date | None = None
